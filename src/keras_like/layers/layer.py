"""`keras_like.layers.Layer`: the Keras 3 layer contract.

`__init__` stores configuration; `build(input_shape)` creates weights with `add_weight` (run
automatically on the first call); `call(inputs, training=None, mask=None)` computes with
`keras_like.ops`. Calling a layer on KerasTensors records a functional-graph node instead.
"""

import inspect
import threading

from keras_like import dtype_policies, tree
from keras_like.backend import Tensor, naming, tracking
from keras_like.backend.convert import convert_to_tensor
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.backend.string_arrays import (
    StringInputError,
    StringTensorError,
    as_string_array,
    contains_strings,
    is_string_data,
    string_input_error,
)
from keras_like.backend.variable import AutocastScope, Variable
from keras_like.layers.input_spec import assert_input_compatibility
from keras_like.ops.operation import Operation, any_symbolic
from keras_like.utils.config_keys import (
    claim_lenient_init,
    known_kwargs,
    lenient_init,
    warn_unknown,
)

_ALLOWED_LEGACY_KWARGS = {"input_shape", "input_dim", "batch_input_shape", "batch_size",
                          "weights"}
_call_context = threading.local()
_signature_cache = {}


def _context():
    return getattr(_call_context, "current", None)


class _CallContext:
    """State shared by all layer calls nested inside one top-level call."""

    def __init__(self, training):
        self.training = training


def _method_params(cls, method_name):
    key = (cls, method_name)
    params = _signature_cache.get(key)
    if params is None:
        method = getattr(cls, method_name)
        params = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
        _signature_cache[key] = params
    return params


def _shapes(x):
    return tree.map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else t, x)


class Layer(Operation):
    """Base class of all layers.

    Example:
    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, x):
    ...         return x * self.w
    """

    # The only names `**kwargs` takes (utils.config_keys reads this for `from_config`).
    _config_kwargs = _ALLOWED_LEGACY_KWARGS
    # Models hand string arrays on to their layers; a plain layer computes on tensors.
    _passes_strings_through = False

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None,
                 autocast=True, name=None, **kwargs):
        unknown = set(kwargs) - _ALLOWED_LEGACY_KWARGS
        if claim_lenient_init(type(self)) and unknown:
            warn_unknown(type(self), unknown, stacklevel=3)
            kwargs = {k: v for k, v in kwargs.items() if k not in unknown}
        elif unknown:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: "
                f"{ {k: kwargs[k] for k in sorted(unknown)} }"
            )
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(
                f"Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name} (of type {type(name)})"
            )
        object.__setattr__(self, "_tracking_ready", False)
        # Serializes the build-once path when several threads make the first call at once.
        # Re-entrant: a model's build calls itself symbolically and builds nested layers.
        object.__setattr__(self, "_build_lock", threading.RLock())
        object.__setattr__(self, "_building", False)
        Operation.__init__(self, name=name)
        self._trainable = bool(trainable)
        self.dtype_policy = dtype_policies.get(dtype)
        self.autocast = autocast
        self.built = False
        self.input_spec = None
        self._own_trainable = []
        self._own_non_trainable = []
        self._losses = []
        self._build_shapes_dict = None
        self._call_params = _method_params(type(self), "call")
        names = [p.name for p in self._call_params]
        self._call_has_training_arg = "training" in names
        self._call_training_default = next(
            (p.default for p in self._call_params
             if p.name == "training" and p.default is not inspect.Parameter.empty), None)
        self._call_has_mask_arg = "mask" in names
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask
        # Sequential's first layer may say what it expects: Dense(4, input_shape=(3,)).
        batch_size = kwargs.get("batch_size")
        if "batch_input_shape" in kwargs:
            self._batch_input_shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs:
            self._batch_input_shape = (batch_size, *tuple(kwargs["input_shape"]))
        elif "input_dim" in kwargs:
            self._batch_input_shape = (batch_size, kwargs["input_dim"])
        else:
            self._batch_input_shape = None
        self._initial_weights = kwargs.get("weights")
        from keras_like import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer)
        object.__setattr__(self, "_tracking_ready", True)

    # ---- dtypes ------------------------------------------------------------------------------

    @property
    def dtype(self):
        return self.dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self.dtype_policy.variable_dtype

    # ---- tracking ----------------------------------------------------------------------------

    _NOT_TRACKED = frozenset({"_inbound_nodes", "_outbound_nodes", "_losses", "input_spec",
                              "_layers_cache", "_weights_cache", "_loss_sources",
                              "_flat_layers_cache",
                              "_own_trainable", "_own_non_trainable", "_call_params",
                              "dtype_policy", "_build_shapes_dict", "activity_regularizer"})

    def _tracked_values(self):
        # A snapshot: another thread's first call may add a key (a cache) meanwhile.
        for key, value in list(self.__dict__.items()):
            if key in self._NOT_TRACKED:
                continue
            yield value

    def __setattr__(self, name, value):
        if isinstance(value, (Layer, Variable, list, tuple, dict)) and \
                name not in Layer._NOT_TRACKED:
            self.__dict__["_layers_cache"] = None
            tracking.bump()
        object.__setattr__(self, name, value)

    @property
    def _layers(self):
        """Direct sublayers, in attribute order (lists, tuples and dicts are looked into).

        Cached; assigning a layer or container attribute resets the cache, and code that
        mutates a tracked list in place (Sequential.add) calls `_invalidate_tracking()`.
        """
        cached = self.__dict__.get("_layers_cache")
        if cached is not None:
            return cached
        found, seen = [], set()

        def visit(value):
            if isinstance(value, Layer):
                if id(value) not in seen and value is not self:
                    seen.add(id(value))
                    found.append(value)
            elif isinstance(value, (list, tuple)):
                for v in value:
                    visit(v)
            elif isinstance(value, dict):
                for v in value.values():
                    visit(v)

        for value in self._tracked_values():
            visit(value)
        self.__dict__["_layers_cache"] = found
        return found

    def _invalidate_tracking(self):
        self.__dict__["_layers_cache"] = None
        tracking.bump()

    def _attribute_variables(self):
        own = {id(v) for v in self._own_trainable + self._own_non_trainable}
        for value in self._tracked_values():
            items = value if isinstance(value, (list, tuple)) else [value]
            for v in items:
                if isinstance(v, Variable) and id(v) not in own:
                    own.add(id(v))
                    yield v

    def _flatten_layers(self, include_self=True):
        layers = [self] if include_self else []
        for layer in self._layers:
            layers.extend(layer._flatten_layers(include_self=True))
        return layers

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = value
        tracking.bump()

    def _collect(self, trainable):
        result, seen = [], set()
        own_trainable = self._own_trainable + [v for v in self._attribute_variables()
                                               if v.trainable]
        own_other = self._own_non_trainable + [v for v in self._attribute_variables()
                                               if not v.trainable]
        if trainable is None:
            candidates = own_trainable + own_other
        elif trainable:
            candidates = own_trainable if self._trainable else []
        else:
            # A frozen layer lists all its weights in `weights` order, as Keras's
            # `non_trainable_weights` does (a frozen BatchNormalization: gamma, beta, moving
            # mean, moving variance).
            candidates = own_other if self._trainable else own_trainable + own_other
        for v in candidates:
            if id(v) not in seen:
                seen.add(id(v))
                result.append(v)
        for layer in self._layers:
            sub = layer._cached_weights()[3 if trainable is None else 1 if trainable else 2]
            for v in sub:
                if id(v) not in seen:
                    seen.add(id(v))
                    result.append(v)
        return result

    def _cached_weights(self):
        cache = self.__dict__.get("_weights_cache")
        if cache is None or cache[0] != tracking.version():
            cache = (tracking.version(), self._collect(True), self._collect(False),
                     self._collect(None))
            self.__dict__["_weights_cache"] = cache
        return cache

    @property
    def trainable_weights(self):
        return list(self._cached_weights()[1])

    @property
    def non_trainable_weights(self):
        return list(self._cached_weights()[2])

    @property
    def weights(self):
        # Keras's order: each layer's own weights (trainable ones first), then its sublayers'
        # in turn; so a model's list interleaves BatchNormalization statistics with the
        # kernels around them, and `get_weights()` lists match real Keras's.
        return list(self._cached_weights()[3])

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def variables(self):
        return self.weights

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                f"length {len(weights)}, but the layer was expecting {len(params)} weights."
            )
        for variable, value in zip(params, weights):
            if tuple(variable.shape) != tuple(getattr(value, "shape", ())):
                raise ValueError(
                    f"Layer {self.name} weight shape {variable.shape} is not compatible with "
                    f"provided weight shape {getattr(value, 'shape', None)}."
                )
            variable.assign(value)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. You can build it manually via: `layer.build(input_shape)`."
            )
        total = 0
        for v in self.weights:
            n = 1
            for d in v.shape:
                n *= d
            total += n
        return total

    # ---- weights -----------------------------------------------------------------------------

    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none",
                   overwrite_with_gradient=False, name=None):
        """Creates a variable owned by this layer (path "<layer name>/<name>")."""
        from keras_like import constraints, initializers, regularizers
        from keras_like.backend.dtypes import standardize_dtype

        shape = () if shape is None else tuple(shape)
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.startswith(("float", "bfloat")) else "zeros"
        initializer = initializers.get(initializer)
        with naming.name_scope(self.name, caller=self):
            variable = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                                autocast=autocast, aggregation=aggregation, name=name)
        variable.regularizer = regularizers.get(regularizer)
        variable.constraint = constraints.get(constraint)
        variable.overwrite_with_gradient = overwrite_with_gradient
        (self._own_trainable if trainable else self._own_non_trainable).append(variable)
        tracking.bump()
        return variable

    # ---- building ----------------------------------------------------------------------------

    def build(self, input_shape):
        self.built = True

    def _maybe_build(self, args, kwargs):
        # `built` may turn True inside a build that is still running (a build that calls
        # `super().build()` first, Model.build); other threads then wait for the lock.
        if self.built and not self._building:
            return
        with self._build_lock:
            if self.built:  # built by another thread meanwhile, or a call from our own build
                return
            self._building = True
            try:
                self._build_once(args, kwargs)
            finally:
                self._building = False

    def _build_once(self, args, kwargs):
        params = _method_params(type(self), "build")
        shapes = {}
        first = args[0] if args else None
        if first is None and len(params) == 1:
            # As Keras, a one-argument build gets the first tensor argument, even one passed
            # by name (`layer(inputs=[q, v])`).
            first = next((kwargs[p.name] for p in self._call_params
                          if _holds_tensors(kwargs.get(p.name))), None)
        if len(params) == 1 and first is not None:
            shapes[params[0].name] = _shapes(first)
        else:
            call_names = [p.name for p in self._call_params]
            bound = dict(zip(call_names, args))
            bound.update(kwargs)
            for p in params:
                key = p.name[:-6] if p.name.endswith("_shape") else p.name
                # As Keras, an argument left None (MultiHeadAttention's key) has no shape.
                if bound.get(key) is not None:
                    shapes[p.name] = _shapes(bound[key])
        build = type(self).build
        # Subclassed models build lazily through their first call; their default
        # Model.build(input_shape) is for explicit builds only.
        if build is not Layer.build and not getattr(build, "_builds_by_calling", False):
            with naming.name_scope(self.name, caller=self):
                self.build(**shapes)
        self._build_shapes_dict = shapes
        self.built = True
        tracking.bump()
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def build_from_config(self, config):
        if not isinstance(config, dict):
            raise ValueError(f"Layer '{self.name}': build_config must be a dict; received "
                             f"{config!r}")
        shape = config.get("input_shape")
        _check_build_shapes(self.name, "input_shape", shape)
        for key, value in (config.get("shapes_dict") or {}).items():
            _check_build_shapes(self.name, f"shapes_dict[{key!r}]", value)
        if shape is not None and not self.built:
            with naming.name_scope(self.name, caller=self):
                self.build(shape)
            self._build_shapes_dict = {"input_shape": shape}
            self.built = True
        elif config.get("shapes_dict") and not self.built:
            with naming.name_scope(self.name, caller=self):
                self.build(**config["shapes_dict"])
            self._build_shapes_dict = config["shapes_dict"]
            self.built = True

    def get_build_config(self):
        if self._build_shapes_dict is None:
            return None
        values = list(self._build_shapes_dict.values())
        if len(values) == 1:
            return {"input_shape": _as_list(values[0])}
        return {"shapes_dict": {k: _as_list(v) for k, v in self._build_shapes_dict.items()}}

    # ---- calling -----------------------------------------------------------------------------

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} does not have a `call()` method implemented."
        )

    def __call__(self, *args, **kwargs):
        if not getattr(self, "_tracking_ready", False):
            raise RuntimeError(
                f"You forgot to call `super().__init__()` in the `__init__()` method of "
                f"{type(self).__name__}"
            )
        if args and not isinstance(args[0], (Tensor, KerasTensor)):
            args = (_convert_first_input(self, args[0]), *args[1:])
        if any_symbolic(args, kwargs):
            self._maybe_build(args, kwargs)
            # As Keras, the node records the training value this call resolves to, so a
            # graph replayed without one gives each layer its own default again. Keras does
            # so only for a call on one tensor of the layer's dtype and nothing else (other
            # calls record the arguments as given: `Attention()([q, v])`, `mha(q, v)`).
            plain = not kwargs and len(args) == 1 and type(args[0]) is KerasTensor and \
                args[0].dtype == self.compute_dtype
            if self._call_has_training_arg and plain:
                outer = _context()
                training = outer.training if outer is not None and outer.training is not None \
                    else self._call_training_default
                if training is not None:
                    kwargs = {**kwargs, "training": training}
            try:
                return self.symbolic_call(*args, **kwargs)
            except StringInputError:
                raise
            except StringTensorError:
                # Shape inference met a string KerasTensor: name this layer, the one that
                # cannot take it.
                raise string_input_error(self, "a symbolic tensor of dtype 'string'") from None
        return self._eager_call(args, kwargs)

    def compute_output_spec(self, *args, **kwargs):
        from keras_like.ops.operation import compute_output_spec

        return compute_output_spec(lambda *a, **k: self._eager_call(a, k), args, kwargs)

    def _eager_call(self, args, kwargs):
        self._maybe_build(args, kwargs)
        if self.input_spec is not None and args:
            assert_input_compatibility(self.input_spec, args[0], self.name)
        outer = _context()
        if outer is None:
            self._clear_losses()
        # Keras 3's order: an explicit argument, else an outer call's value, else this call
        # signature's default; the value is then stashed for the layers called after it.
        if "training" in kwargs:
            training = kwargs["training"]
        elif outer is not None and outer.training is not None:
            training = outer.training
        else:
            training = self._call_training_default
        if self._call_has_training_arg:
            if training is not None:
                kwargs["training"] = training
        else:
            kwargs.pop("training", None)
        # Keras's first argument, also when it is passed by name (`mha(query=q, value=v)`).
        first_arg = args[0] if args else _first_named_argument(type(self), kwargs)
        previous_mask = None
        if first_arg is not None:
            previous_mask = _collect_mask(first_arg)
        if self._call_has_mask_arg and "mask" not in kwargs and previous_mask is not None:
            kwargs["mask"] = previous_mask
        if _input_mask_params(type(self)):
            args = _fill_input_masks(type(self), args, kwargs)
        if kwargs.get("mask") is not None:
            # An explicit mask is what compute_mask sees (Keras's `previous_mask`).
            previous_mask = kwargs["mask"]
        if self.autocast and args:
            args = (self._autocast(args[0]), *args[1:])
        context = _CallContext(training) if outer is None else outer
        context.training = training
        _call_context.current = context
        try:
            if self.autocast and self.compute_dtype != self.variable_dtype:
                with AutocastScope(self.compute_dtype):
                    outputs = self.call(*args, **kwargs)
            else:
                outputs = self.call(*args, **kwargs)
        finally:
            _call_context.current = outer
        if self.activity_regularizer is not None:
            for out in tree.flatten(outputs):
                if type(out) is Tensor:
                    self.add_loss(_activity_loss(self.activity_regularizer, out))
        if self.supports_masking and first_arg is not None:
            _set_mask_metadata(self, first_arg, outputs, previous_mask)
        return outputs

    def _autocast(self, inputs):
        compute = self.compute_dtype

        def cast(x):
            if type(x) is Tensor and x.dtype != compute and x.dtype.startswith(
                    ("float", "bfloat")) and compute.startswith(("float", "bfloat")):
                from keras_like import ops

                return ops.cast(x, compute)
            return x

        if type(inputs) is Tensor:
            return cast(inputs)
        if isinstance(inputs, (list, tuple, dict)):
            return tree.map_structure(cast, inputs)
        return inputs

    def compute_mask(self, inputs, previous_mask):
        return previous_mask if self.supports_masking else None

    def compute_output_shape(self, *args, **kwargs):
        """Output shape(s) for input shape(s), found by a symbolic call."""

        def is_shape(s):
            return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s)

        def to_symbolic(a):
            if is_shape(a):
                return KerasTensor(a, self.compute_dtype)
            if isinstance(a, (tuple, list)) and all(is_shape(s) for s in a):
                return type(a)(KerasTensor(s, self.compute_dtype) for s in a)
            if isinstance(a, dict) and all(is_shape(s) for s in a.values()):
                return {k: KerasTensor(s, self.compute_dtype) for k, s in a.items()}
            return a

        specs = self.compute_output_spec(*[to_symbolic(a) for a in args], **kwargs)
        if isinstance(specs, KerasTensor):
            return specs.shape
        return tree.map_structure(lambda t: t.shape, specs)

    # ---- losses ------------------------------------------------------------------------------

    def add_loss(self, loss):
        """Adds a loss tensor (or a list of them) computed during `call`."""
        for value in tree.flatten(loss):
            self._losses.append(convert_to_tensor(value))

    def _clear_losses(self):
        cache = self.__dict__.get("_flat_layers_cache")
        if cache is None or cache[0] != tracking.version():
            cache = (tracking.version(), self._flatten_layers())
            self.__dict__["_flat_layers_cache"] = cache
        for layer in cache[1]:
            if layer._losses:
                layer._losses.clear()

    @property
    def losses(self):
        """Losses added during the last call plus regularization penalties of the weights."""
        cache = self.__dict__.get("_loss_sources")
        if cache is None or cache[0] != tracking.version():
            layers = self._flatten_layers()
            regularized = [v for layer in layers for v in layer._own_trainable +
                           layer._own_non_trainable if getattr(v, "regularizer", None) is not None]
            cache = (tracking.version(), layers, regularized)
            self.__dict__["_loss_sources"] = cache
        result = []
        for layer in cache[1]:
            result.extend(layer._losses)
        for v in cache[2]:
            result.append(v.regularizer(v.value))
        return result

    # ---- configuration -----------------------------------------------------------------------

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "dtype": dtype_policies.serialize(self.dtype_policy)}
        if self.activity_regularizer is not None:
            from keras_like import regularizers

            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        config = known_kwargs(cls, config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policies.get(config["dtype"])
        with lenient_init(cls):
            return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _is_shape(value):
    return isinstance(value, (list, tuple)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool) and d >= 0) for d in value)


def _check_build_shapes(layer_name, key, value):
    """A saved build_config holds a shape or a (nested) list/dict of shapes, nothing else."""
    if value is None or _is_shape(value):
        return
    if isinstance(value, (list, tuple)) and value and all(
            v is None or _is_shape(v) or isinstance(v, (list, tuple, dict)) for v in value):
        for item in value:
            _check_build_shapes(layer_name, key, item)
        return
    if isinstance(value, dict):
        for item in value.values():
            _check_build_shapes(layer_name, key, item)
        return
    raise ValueError(f"Layer '{layer_name}': build_config {key} must be a shape (a list of "
                     f"non-negative integers or None); received {value!r}")


def _as_list(shape):
    if isinstance(shape, tuple):
        nested = shape and isinstance(shape[0], tuple)
        return [_as_list(s) for s in shape] if nested else list(shape)
    if isinstance(shape, list):
        return [_as_list(s) for s in shape]
    return shape


def _convert_first_input(layer, x):
    """`_convert_inputs(x)`; string data stays NumPy for models (their first layer may read
    strings) and is an error naming any other layer."""
    try:
        return _convert_inputs(x)
    except (TypeError, ValueError):
        if not contains_strings(x):
            raise
    if not layer._passes_strings_through:
        raise string_input_error(layer, "a NumPy array or list of strings")
    return _convert_inputs(x, keep_strings=True)


def _convert_inputs(x, keep_strings=False):
    def convert(v):
        if isinstance(v, (Tensor, KerasTensor)) or v is None:
            return v
        if keep_strings and is_string_data(v):
            return as_string_array(v)
        if hasattr(v, "shape") or isinstance(v, (list, float, int)):
            return convert_to_tensor(v)
        return v

    if isinstance(x, (list, tuple)) and x and any(isinstance(v, (Tensor, KerasTensor)) or
                                                  hasattr(v, "shape") for v in x):
        return type(x)(convert(v) for v in x)
    if isinstance(x, dict):
        return {k: convert(v) for k, v in x.items()}
    return convert(x)


def _collect_mask(inputs):
    if isinstance(inputs, (list, tuple)):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        return None if all(m is None for m in masks) else masks
    return getattr(inputs, "_keras_mask", None)


def _activity_loss(regularizer, output):
    """Keras 3.15's activity penalty: divided by the batch size, so its strength does not
    depend on how many samples a batch holds."""
    from keras_like import ops

    loss = regularizer(output)
    if len(output.shape) > 0:
        loss = ops.divide_no_nan(loss, ops.cast(ops.shape(output)[0], loss.dtype))
    return loss


def _set_mask_metadata(layer, inputs, outputs, previous_mask):
    """Keras's `Layer._set_mask_metadata`: outputs that already carry a mask (set by `call`)
    keep it; the others take `compute_mask`'s masks in order, so a single mask goes to the
    first output only (MultiHeadAttention's attention scores do not get the query mask)."""
    flat = tree.flatten(outputs)
    if all(getattr(out, "_keras_mask", None) is not None for out in flat):
        return
    masks = layer.compute_mask(inputs, previous_mask)
    if masks is None:
        return
    for out, mask in zip(flat, tree.flatten(masks)):
        if mask is not None and type(out) is Tensor and getattr(out, "_keras_mask", None) is None:
            out._keras_mask = mask


def _first_named_argument(cls, kwargs):
    params = _method_params(cls, "call")
    return kwargs.get(params[0].name) if params else None


_input_mask_cache = {}


def _input_mask_params(cls):
    """((argument name, its `<name>_mask` argument, that one's position), ...) of `call`."""
    found = _input_mask_cache.get(cls)
    if found is None:
        names = [p.name for p in _method_params(cls, "call")]
        found = tuple((n, f"{n}_mask", names.index(f"{n}_mask")) for n in names
                      if f"{n}_mask" in names)
        _input_mask_cache[cls] = found
    return found


def _holds_tensors(value):
    import numpy as np

    def is_tensor(x):
        return type(x) in (Tensor, KerasTensor) or isinstance(x, np.ndarray)

    if is_tensor(value):
        return True
    return isinstance(value, (list, tuple, dict)) and bool(value) and all(
        x is None or is_tensor(x) for x in tree.flatten(value))


def _fill_input_masks(cls, args, kwargs):
    """Keras's mask step for calls with several tensor arguments: each `<x>_mask` argument
    left None takes the `_keras_mask` of argument `<x>` (MultiHeadAttention's query_mask,
    value_mask, key_mask). Returns the positional arguments (a mask may be one of them)."""
    params = _method_params(cls, "call")
    bound = {p.name: a for p, a in zip(params, args)}
    bound.update(kwargs)
    if sum(1 for v in bound.values() if _holds_tensors(v)) < 2:
        return args
    args = list(args)
    for name, mask_name, mask_position in _input_mask_params(cls):
        value = bound.get(name)
        if bound.get(mask_name) is not None or not _holds_tensors(value):
            continue
        mask = _collect_mask(value)
        if mask is None:
            continue
        if mask_position < len(args):
            args[mask_position] = mask
        else:
            kwargs[mask_name] = mask
    return tuple(args)
