"""Loads the native engine. Only `keras_like.backend` and `keras_like.ops` import it."""

import ctypes
import importlib.util
import os


def _preload_openblas():
    # Installed wheels find OpenBLAS through their RPATH; other layouts (editable or in-tree
    # builds) need the library loaded before the extension.
    spec = importlib.util.find_spec("scipy_openblas32")
    if spec is None or not spec.submodule_search_locations:
        return
    lib_dir = os.path.join(list(spec.submodule_search_locations)[0], "lib")
    for name in sorted(os.listdir(lib_dir)) if os.path.isdir(lib_dir) else []:
        if name.startswith("libscipy_openblas") and ".so" in name:
            ctypes.CDLL(os.path.join(lib_dir, name), mode=ctypes.RTLD_GLOBAL)
            return


try:
    from keras_like import _engine
except ImportError as first_error:  # pragma: no cover - depends on the install layout
    if "openblas" not in str(first_error):
        raise
    _preload_openblas()
    from keras_like import _engine

Tensor = _engine.Tensor

# Engine functions that take shapes, axes or counts. A Python int beyond 64 bits (or a value of
# a type no overload takes) would surface as nanobind's signature dump; these wrappers turn it
# into an error naming the function and the value. The element-wise functions stay unwrapped
# (ops check their scalars first) to keep the per-call cost of the hot path.
_SHAPE_FUNCTIONS = (
    "full", "arange", "empty", "scalar", "reshape", "transpose", "slice", "broadcast_to",
    "concatenate", "pad", "take", "scatter", "take_along_axis", "scatter_along_axis",
    "cumulative", "sort", "softmax", "log_softmax", "reduce", "arg_reduce", "random",
    "random_from_state", "set_num_threads", "patches", "patches_adjoint",
)


def _out_of_range_int(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            found = _out_of_range_int(v)
            if found is not None:
                return found
        elif type(v) is int and not -(2**63) <= v < 2**63:
            return v
    return None


def _with_clear_argument_errors(name, fn):
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as error:
            if "incompatible function arguments" not in str(error):
                raise
            big = _out_of_range_int(list(args) + list(kwargs.values()))
            if big is not None:
                raise OverflowError(
                    f"[{name}] integer {big} does not fit in 64 bits (a shape, axis or count "
                    "must lie in [-2**63, 2**63))") from None
            kinds = ", ".join(type(a).__name__ for a in args)
            raise TypeError(f"[{name}] unsupported argument types ({kinds})") from None

    call.__name__ = name
    call.__doc__ = fn.__doc__
    return call


for _name in _SHAPE_FUNCTIONS:
    setattr(_engine, _name, _with_clear_argument_errors(_name, getattr(_engine, _name)))

__all__ = ["_engine", "Tensor"]
