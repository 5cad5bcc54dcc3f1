"""Weight constraints: projections applied to a weight after each optimizer update."""

from keras_like import ops
from keras_like.backend import config
from keras_like.utils.config_keys import known_kwargs


class Constraint:
    """Base class for weight constraints: a stateless map from a weight to its projection.

    Subclasses override `__call__(w)` (and `get_config()` when they take arguments).

    Example:
    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return keras_like.ops.clip(w, -1.0, 1.0)
    >>> Clip()(keras_like.ops.convert_to_tensor([-2.0, 0.5])).numpy()
    array([-1. ,  0.5], dtype=float32)
    """

    def __call__(self, w):
        """Returns the projected weight (the base class returns `w` unchanged)."""
        return w

    def get_config(self):
        """Returns the constraint's configuration as a JSON-serializable dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Creates a constraint from the output of `get_config()`."""
        return cls(**known_kwargs(cls, config))


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales each weight vector along `axis` whose L2 norm exceeds `max_value`.

    Args:
        max_value: Largest allowed norm.
        axis: Axis (or axes) the norms are taken over: 0 for a Dense kernel
            `(input_dim, units)`, `[0, 1, 2]` for a Conv2D kernel `(rows, cols, in, out)`.

    Example:
    >>> w = keras_like.ops.convert_to_tensor([[3.0], [4.0]])
    >>> MaxNorm(max_value=1.0)(w).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.clip(norms, 0, self.max_value)
        return ops.multiply(ops.cast(w, norms.dtype),
                            ops.divide(desired, ops.add(norms, config.epsilon())))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Clamps the weights at 0 from below.

    Example:
    >>> NonNeg()(keras_like.ops.convert_to_tensor([-1.0, 2.0])).numpy()
    array([0., 2.], dtype=float32)
    """

    def __call__(self, w):
        return ops.maximum(ops.convert_to_tensor(w), 0)


class UnitNorm(Constraint):
    """Rescales each weight vector along `axis` to unit L2 norm.

    Args:
        axis: Axis (or axes) the norms are taken over (see `MaxNorm`).

    Example:
    >>> w = keras_like.ops.convert_to_tensor([[3.0], [4.0]])
    >>> UnitNorm()(w).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return ops.divide(ops.cast(w, norms.dtype), ops.add(norms, config.epsilon()))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the L2 norm of each weight vector along `axis` into `[min_value, max_value]`.

    The new norm is `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`, so
    `rate=1` enforces the bounds strictly and a smaller rate moves towards them gradually.

    Args:
        min_value: Smallest allowed norm.
        max_value: Largest allowed norm.
        rate: Enforcement rate in [0, 1].
        axis: Axis (or axes) the norms are taken over (see `MaxNorm`).

    Example:
    >>> w = keras_like.ops.convert_to_tensor([[0.3], [0.4]])
    >>> MinMaxNorm(min_value=1.0, max_value=2.0)(w).numpy().round(4)
    array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = ops.add(ops.multiply(ops.clip(norms, self.min_value, self.max_value), self.rate),
                          ops.multiply(norms, 1 - self.rate))
        return ops.multiply(ops.cast(w, norms.dtype),
                            ops.divide(desired, ops.add(norms, config.epsilon())))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}
