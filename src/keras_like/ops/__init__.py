"""`keras_like.ops`: the Keras 3 `keras.ops` functions over the native engine.

Submodules mirror Keras: `ops.numpy`, `ops.nn`, `ops.math`, `ops.linalg`, `ops.core`; every
public function is also exported here, as in `keras.ops`. `ops.image` is the exception: as in
Keras, its functions live only in their submodule.
"""

from keras_like.ops import core, linalg, math, nn, numpy  # noqa: F401
from keras_like.ops import tensor_methods as _tensor_methods
from keras_like.ops.core import *  # noqa: F401,F403
from keras_like.ops.custom_gradient import custom_gradient  # noqa: F401
from keras_like.ops.linalg import *  # noqa: F401,F403
from keras_like.ops.math import *  # noqa: F401,F403
from keras_like.ops.nn import *  # noqa: F401,F403
from keras_like.ops.numpy import *  # noqa: F401,F403

_tensor_methods.install()

from keras_like.ops import image  # noqa: E402,F401 - composed of the ops above

# Keras exports `size` and `slogdet` from keras.ops.numpy; ours live in ops.core and ops.linalg.
from keras_like.ops.linalg import slogdet  # noqa: E402,F401

numpy.size = core.size
numpy.slogdet = linalg.slogdet

# Public ops accept KerasTensors: a call with symbolic arguments records a functional-graph node.
from keras_like.ops.operation import symbolic_aware as _symbolic_aware  # noqa: E402

_NOT_SYMBOLIC = {
    "convert_to_tensor", "convert_to_numpy", "is_tensor", "shape", "dtype", "ndim", "size",
    "custom_gradient",
}


_OP_MODULES = {f"keras_like.ops.{m}" for m in (
    "core", "control_flow", "linalg", "math", "nn", "numpy_create", "numpy_linalg_like",
    "numpy_math", "numpy_reduce", "numpy_shape", "complex_parts", "numpy_array_api",
    "numpy_nan_reductions", "numpy_series", "numpy_sets", "numpy_special", "numpy_windows",
    "math_fft", "nn_ctc", "nn_conv", "image_color", "image_crop_pad", "image_patches",
    "image_resize", "image_sampling", "image_perspective", "image_filters", "image_scale")}


def _wrap_for_symbolic_calls():
    import types

    wrapped = {}  # one wrapper per function, so ops.x is ops.numpy.x stays true
    for namespace in (globals(), core.__dict__, linalg.__dict__, math.__dict__, nn.__dict__,
                      numpy.__dict__, image.__dict__):
        for name, value in list(namespace.items()):
            if (name.startswith("_") or name in _NOT_SYMBOLIC
                    or not isinstance(value, types.FunctionType)
                    or value.__module__ not in _OP_MODULES
                    or hasattr(value, "__wrapped_op__")):
                continue
            if value not in wrapped:
                wrapped[value] = _symbolic_aware(value)
            namespace[name] = wrapped[value]


_wrap_for_symbolic_calls()

# Star imports from modules without __all__ bring their helpers along; keras.ops has none of them.
for _name in ("E", "Tensor", "config", "np", "axes", "binary", "float_tensor", "operand",
              "shape_list", "tensor"):
    globals().pop(_name, None)
del _name
