"""`Metric`: the stateful base class of every metric (Keras 3 `keras.metrics.Metric`)."""

from keras_like import ops
from keras_like.backend import config
from keras_like.backend.dtypes import standardize_dtype
from keras_like.backend.naming import auto_name, name_scope, to_snake_case
from keras_like.backend.variable import Variable
from keras_like.utils.config_keys import known_kwargs

_MIXED_POLICIES = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}


def _compute_dtype(dtype):
    """The dtype a metric computes in, for a dtype name, a mixed policy name or a policy."""
    if dtype is None:
        return config.floatx()
    compute = getattr(dtype, "compute_dtype", None)  # a DTypePolicy object
    if compute is not None:
        return standardize_dtype(compute)
    if isinstance(dtype, str) and dtype in _MIXED_POLICIES:
        return _MIXED_POLICIES[dtype]
    return standardize_dtype(dtype)


def _initial_value(initializer, shape, dtype):
    """Evaluates `initializer` ("zeros", "ones", another initializer id or config, a callable
    or an array-like) for a variable."""
    if isinstance(initializer, str) and initializer.lower() in ("zeros", "ones"):
        fill = ops.zeros if initializer.lower() == "zeros" else ops.ones
        return fill(shape, dtype=dtype)
    if isinstance(initializer, (str, dict)):
        try:  # other ids and configs go through the initializers package when it is present
            from keras_like import initializers
        except ImportError:
            initializers = None
        if initializers is None or not hasattr(initializers, "get"):
            raise ValueError(
                "Could not interpret initializer identifier for a metric variable: "
                f"{initializer!r}. Expected 'zeros', 'ones' or a callable."
            )
        initializer = initializers.get(initializer)
    if callable(initializer):
        return ops.cast(initializer(tuple(shape), dtype=dtype), dtype)
    if initializer is None:
        return ops.zeros(shape, dtype=dtype)
    return ops.broadcast_to(ops.convert_to_tensor(initializer, dtype=dtype), tuple(shape))


def _is_zeros_initializer(initializer):
    if isinstance(initializer, str):
        return initializer.lower() == "zeros"
    return initializer is None or type(initializer).__name__ == "Zeros"


class Metric:
    """Encapsulates metric logic and state.

    Subclasses create their state in `__init__` with `add_variable`, accumulate it in
    `update_state` and compute the value from it in `result`. State lives in non-trainable
    `keras_like.Variable`s that are updated in place.

    Args:
        dtype: (Optional) data type of the metric result (default: `floatx()`).
        name: (Optional) string name of the metric instance.

    Example:
    >>> class BinaryTruePositives(Metric):
    ...     def __init__(self, name="binary_true_positives", **kwargs):
    ...         super().__init__(name=name, **kwargs)
    ...         self.true_positives = self.add_variable(shape=(), initializer="zeros",
    ...                                                 name="true_positives")
    ...     def update_state(self, y_true, y_pred, sample_weight=None):
    ...         hits = ops.logical_and(ops.cast(y_true, "bool"), ops.cast(y_pred, "bool"))
    ...         self.true_positives.assign_add(ops.sum(ops.cast(hits, self.dtype)))
    ...     def result(self):
    ...         return self.true_positives.value
    >>> m = BinaryTruePositives()
    >>> float(m([1, 1, 0], [1, 0, 0]))
    1.0
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or auto_name(to_snake_case(self.__class__.__name__))
        self._dtype = _compute_dtype(dtype)
        self._metrics = []
        self._variables = []
        self._initializers = {}  # id(variable) -> value to restore on reset (None: zeros)

    # -- state -------------------------------------------------------------------------------

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """Creates a non-trainable state variable, tracked in `self.variables`.

        Args:
            shape: Shape of the variable.
            initializer: "zeros", "ones", a callable `(shape, dtype=...)` or an array-like.
            dtype: Variable dtype (default: the metric's dtype).
            aggregation: How distributed replicas combine the variable ("sum", "mean", ...).
            name: Variable name; its path is `"<metric name>/<name>"`.

        Returns:
            The new `keras_like.Variable`.
        """
        self._check_super_called()
        dtype = self._dtype if dtype is None else standardize_dtype(dtype)
        shape = tuple(int(d) for d in shape)
        value = _initial_value(initializer, shape, dtype)
        with name_scope(self.name.replace("/", ">")):
            variable = Variable(
                initializer=value, shape=shape, dtype=dtype, trainable=False,
                aggregation=aggregation, name=name,
            )
        # The Variable copied `value`, so keeping it costs nothing for the usual zeros state.
        self._initializers[id(variable)] = None if _is_zeros_initializer(initializer) else value
        self._track_variable(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Backwards-compatible alias of `add_variable`."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The state variables of this metric and of the metrics it holds."""
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    def reset_state(self):
        """Restores every state variable to its initial value, in place.

        Called between epochs, and between steps when a metric is evaluated during training.
        """
        for v in self._variables:
            initial = self._initializers.get(id(v))
            v.assign(ops.zeros(v.shape, dtype=v.dtype) if initial is None else initial)
        for metric in self._metrics:
            metric.reset_state()

    # -- API for subclasses ------------------------------------------------------------------

    def update_state(self, *args, **kwargs):
        """Accumulates statistics for the metric."""
        raise NotImplementedError

    def result(self):
        """Computes the current metric value: a scalar tensor or a dict of them."""
        raise NotImplementedError

    def __call__(self, *args, **kwargs):
        """Updates the state with the arguments, then returns `result()`."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    @property
    def dtype(self):
        return self._dtype

    def get_config(self):
        """Returns the serializable config of the metric."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**known_kwargs(cls, config))

    # -- tracking ----------------------------------------------------------------------------

    def __setattr__(self, name, value):
        # Metrics assigned as attributes (alone or in a list) contribute their variables, and so
        # do Variables assigned directly, like Keras's Tracker.
        if "_variables" in self.__dict__:
            if isinstance(value, Variable):
                self._track_variable(value)
            elif isinstance(value, Metric) and value is not self:
                self._track_metric(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Metric) and item is not self:
                        self._track_metric(item)
        object.__setattr__(self, name, value)

    def _track_variable(self, variable):
        if not any(v is variable for v in self._variables):
            self._variables.append(variable)

    def _track_metric(self, metric):
        if not any(m is metric for m in self._metrics):
            self._metrics.append(metric)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                "You forgot to call `super().__init__()` in the `__init__()` method. Go add it!"
            )

    def __repr__(self):
        return f"<{self.__class__.__name__} name={self.name}>"

    def __str__(self):
        return self.__repr__()
