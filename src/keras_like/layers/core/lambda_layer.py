"""Lambda: wraps an arbitrary function of tensors as a layer.

A Python lambda is saved as marshalled bytecode (the Keras format), which only loads in the
same Python version and runs arbitrary code: deserializing one requires `safe_mode=False`.
Named functions are saved by name and must be registered (or passed in `custom_objects`).
"""

import base64
import inspect
import marshal
import types

import numpy as np

from keras_like import ops, tree
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.saving import serialization_lib
from keras_like.saving.object_registration import _GLOBAL_CUSTOM_NAMES


class Lambda(Layer):
    """Wraps an expression as a layer: `Lambda(lambda x: x ** 2)`.

    Prefer subclassing `Layer` for anything you want to save: a lambda is stored as Python
    bytecode, which is neither portable nor safe to load.

    Args:
        function: The function to evaluate; it takes the inputs as first argument (and
            `mask` / `training` when its signature names them).
        output_shape: The output shape without the batch dimension (a tuple), or a function
            of the full input shape. Inferred when omitted.
        mask: None (no masking), a function `(inputs, mask) -> mask`, or a fixed mask tensor.
        arguments: Optional dict of keyword arguments passed to `function`.

    Example:
    >>> Lambda(lambda x: x ** 2)(np.array([[1.0, 2.0]], dtype="float32")).numpy()
    array([[1., 4.]], dtype=float32)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                f"Argument `function` must be callable. Received: function={function}"
            )
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        try:
            names = inspect.signature(function).parameters
        except (TypeError, ValueError):  # some builtins have no signature
            names = {}
        self._fn_expects_training_arg = "training" in names
        self._fn_expects_mask_arg = "mask" in names

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            inputs = _map_shapes(lambda s: KerasTensor(s, self.compute_dtype), input_shape)
            specs = Layer.compute_output_spec(self, inputs)
            return tree.map_structure(lambda t: tuple(t.shape), specs)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch_size = tree.flatten(input_shape)[0] if input_shape else None
        return _map_shapes(lambda s: (batch_size, *s), self._output_shape)

    def compute_output_spec(self, *args, **kwargs):
        if self._output_shape is None or not args:
            return super().compute_output_spec(*args, **kwargs)
        # A declared output shape wins over inference (the function may not run on meta).
        shapes = tree.map_structure(lambda x: tuple(x.shape), args[0])
        return _map_shapes(lambda s: KerasTensor(s, self.compute_dtype),
                           self.compute_output_shape(shapes))

    def get_config(self):
        config = {"function": _serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = (_serialize_function(self._output_shape)
                                      if callable(self._output_shape) else self._output_shape)
        if self.mask is not None:
            config["mask"] = (_serialize_function(self.mask) if callable(self.mask)
                              else serialization_lib.serialize_keras_object(self.mask))
        config["arguments"] = serialization_lib.serialize_keras_object(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer; Python lambdas need `safe_mode=False` (they run stored code).

        With `safe_mode=None` the ambient setting of the loader applies, and code is refused
        when there is none.
        """
        if safe_mode is None:
            in_safe_mode = getattr(serialization_lib, "in_safe_mode", None)
            safe_mode = in_safe_mode() if in_safe_mode is not None else None
        safe_mode = safe_mode is not False
        config = dict(config)
        config["function"] = _deserialize_function(config["function"], custom_objects,
                                                   safe_mode, "function")
        if config.get("output_shape") is not None:
            shape = config["output_shape"]
            if isinstance(shape, dict):
                config["output_shape"] = _deserialize_function(shape, custom_objects, safe_mode,
                                                               "output_shape")
            else:
                config["output_shape"] = _as_shape(shape)
        if isinstance(config.get("mask"), dict):
            mask = config["mask"]
            if mask.get("class_name") in ("__lambda__", "function"):
                config["mask"] = _deserialize_function(mask, custom_objects, safe_mode, "mask")
            else:
                config["mask"] = serialization_lib.deserialize_keras_object(mask, custom_objects)
        if "arguments" in config:
            config["arguments"] = serialization_lib.deserialize_keras_object(
                config["arguments"], custom_objects)
        return super().from_config(config)


def _map_shapes(fn, shape):
    """Applies fn to each shape tuple of a (possibly nested) structure of shapes."""
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
        return fn(tuple(shape))
    if isinstance(shape, dict):
        return {k: _map_shapes(fn, v) for k, v in shape.items()}
    return type(shape)(_map_shapes(fn, s) for s in shape)


def _as_shape(value):
    if isinstance(value, (list, tuple)) and all(d is None or isinstance(d, int) for d in value):
        return tuple(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_as_shape(v) for v in value)
    return value


def _serialize_function(fn):
    if isinstance(fn, types.LambdaType) and fn.__name__ == "<lambda>":
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = None
        if fn.__closure__:
            closure = tuple(cell.cell_contents for cell in fn.__closure__)
        return {"class_name": "__lambda__",
                "config": {"code": code, "defaults": fn.__defaults__, "closure": closure}}
    if isinstance(fn, types.FunctionType):
        return {"module": _public_function_module(fn.__module__), "class_name": "function",
                "config": fn.__name__,
                "registered_name": _GLOBAL_CUSTOM_NAMES.get(fn, fn.__name__)}
    if callable(fn):
        return serialization_lib.serialize_keras_object(fn)
    raise ValueError(f"Invalid input type for serialization. Received: {fn} of type {type(fn)}.")


def _public_function_module(module):
    """Our ops / activations modules under the public Keras names Keras resolves them by."""
    for ours, public in (("keras_like.ops", "keras.ops"),
                         ("keras_like.activations", "keras.activations")):
        if module == ours or module.startswith(ours + "."):
            return public
    return module


def _deserialize_function(config, custom_objects, safe_mode, what):
    if not isinstance(config, dict):
        return config
    if config.get("class_name") == "__lambda__":
        if safe_mode:
            raise ValueError(
                f"Requested the deserialization of a `Lambda` layer whose `{what}` is a Python "
                "lambda. This carries a potential risk of arbitrary code execution and thus it "
                "is disallowed by default. If you trust the source of the artifact, you can "
                "override this error by passing `safe_mode=False` to the loading function."
            )
        return load_lambda(config["config"])
    return serialization_lib.deserialize_keras_object(config, custom_objects,
                                                      safe_mode=safe_mode)


def load_lambda(config):
    """The function a `__lambda__` entry holds: ours ({"code", "defaults", "closure"}) or
    Keras's `func_dump` triple under "value". Runs stored bytecode: callers check safe mode."""
    if "value" in config and "code" not in config:
        value = config["value"]
        code, defaults, closure = (list(value) + [None, None])[:3]
        config = {"code": code, "defaults": defaults, "closure": closure}
    code = marshal.loads(base64.decodebytes(config["code"].encode("ascii")))
    defaults = config.get("defaults")
    if isinstance(defaults, list):
        defaults = tuple(defaults)
    closure = config.get("closure")
    if closure is not None:
        closure = tuple(types.CellType(value) for value in closure)
    import keras_like

    # The stored bytecode looks names up in these globals: offer what lambdas usually use.
    namespace = {"__builtins__": __builtins__, "keras": keras_like, "keras_like": keras_like,
                 "ops": ops, "np": np}
    return types.FunctionType(code, namespace, name=code.co_name, argdefs=defaults,
                              closure=closure)
