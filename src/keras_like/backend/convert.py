"""Conversion between Python values, NumPy arrays and engine tensors."""

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import INT_BOUNDS, standardize_dtype
from keras_like.backend.engine import Tensor, _engine
from keras_like.backend.keras_tensor import KerasTensor, SymbolicInput
from keras_like.backend.string_arrays import STRING, StringTensorError

_PY_SCALARS = (float, int, bool)
_NUMPY_NATIVE = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "float16", "float32",
    "float64",
}


def is_tensor(x):
    """True for engine tensors (not Variables, not NumPy arrays)."""
    return type(x) is Tensor


# Native-byte-order dtypes the engine wraps as they are. A dict lookup on the dtype object is
# the fast path of every batch conversion: `dtype.name` builds a new string on each call.
_NATIVE_DTYPES = {np.dtype(name) for name in _NUMPY_NATIVE}


def _from_numpy(array):
    if array.dtype in _NATIVE_DTYPES:
        return _engine.from_numpy(array)
    name = array.dtype.name
    if name == "bfloat16":  # ml_dtypes arrays: NumPy has no native bfloat16
        return _engine.cast(_engine.from_numpy(array.astype(np.float32)), "bfloat16")
    if name not in _NUMPY_NATIVE or not array.dtype.isnative:
        if array.dtype.kind in "OUSV":
            raise TypeError(
                f"Cannot convert an array of dtype {array.dtype} to a tensor: expected numbers "
                "or booleans"
            )
        if name == "uint64":
            array = array.astype(standardize_dtype(name))  # widened to the next signed int
        else:
            array = array.astype(array.dtype.newbyteorder("="))  # byte-swapped input
    return _engine.from_numpy(array)


def _default_python_dtype(value):
    """Keras picks float32 / int32 for Python data, not NumPy's 64-bit defaults."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int32" if -(2**31) <= value < 2**31 else "int64"
    if isinstance(value, float):
        return config.floatx()
    return None


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Converts `x` (tensor, Variable, NumPy array, scalar, nested list) to a tensor.

    NumPy arrays are wrapped without a copy (read-only) when no dtype change is needed.

    Example:
    >>> t = convert_to_tensor([1.0, 2.0])
    >>> t.dtype
    'float32'
    """
    if sparse:
        raise ValueError("`sparse=True` is not supported: keras_like tensors are dense")
    dtype = None if dtype is None else standardize_dtype(dtype)
    if dtype == STRING:
        raise StringTensorError(
            "Engine tensors cannot hold strings (dtype='string'): string data stays a NumPy "
            "array on the host until a string preprocessing layer (TextVectorization, "
            "StringLookup, Hashing) turns it into numbers.")
    if type(x) is Tensor:
        if dtype is not None and x.dtype != dtype:
            return _engine.cast(x, dtype)
        if x.weak:
            return _engine.cast(x, _default_weak_dtype(x))
        return x
    value = getattr(x, "_keras_like_value", None)
    if value is not None:  # a Variable
        return convert_to_tensor(value(), dtype)
    if type(x) is KerasTensor:
        raise SymbolicInput()
    if isinstance(x, np.generic):  # NumPy scalars keep their dtype (np.float64 is a float)
        x = np.asarray(x)
    elif isinstance(x, _PY_SCALARS):
        target = dtype or _default_python_dtype(x)
        if type(x) is int:
            check_int_range(x, x, "int64" if target not in INT_BOUNDS else target)
            return _engine.scalar(x, target, False)
        t = _engine.from_numpy(np.asarray(x))
        return _engine.cast(t, target)
    if isinstance(x, (list, tuple)):
        if any(type(v) is KerasTensor for v in _flat(x)):
            raise SymbolicInput()
        if any(type(v) is Tensor or hasattr(v, "_keras_like_value") for v in _flat(x)):
            from keras_like.ops import numpy as knp

            return convert_to_tensor(knp.stack([convert_to_tensor(v) for v in x]), dtype)
        array = _array_from_python(x)
        if array.dtype.kind == "i":
            low, high = (int(array.min()), int(array.max())) if array.size else (0, 0)
            if dtype is None:
                # Keras's int32 default, unless a value needs 64 bits (never wrap silently).
                fits = INT_BOUNDS["int32"][0] <= low and high <= INT_BOUNDS["int32"][1]
                dtype = "int32" if fits else "int64"
            elif dtype in INT_BOUNDS:
                check_int_range(low, high, dtype)
        elif dtype is None and array.dtype == np.float64:
            dtype = config.floatx()
        x = array
    if hasattr(x, "__dlpack__") and not isinstance(x, np.ndarray) and not hasattr(x, "__array__"):
        x = np.from_dlpack(x)
    array = np.asarray(x)
    t = _from_numpy(array)
    if dtype is not None and t.dtype != dtype:
        t = _engine.cast(t, dtype)
    return t


def check_int_range(low, high, dtype, op="convert_to_tensor"):
    """Raises OverflowError when a Python int in [low, high] does not fit in `dtype`."""
    bounds = INT_BOUNDS[dtype]
    for value in (low, high):
        if not bounds[0] <= value <= bounds[1]:
            raise OverflowError(f"`{op}`: Python integer {value} out of bounds for {dtype}")


def _array_from_python(values):
    """np.asarray for nested Python lists, with a clear error for ints beyond 64 bits."""
    try:
        array = np.asarray(values)
    except OverflowError:
        array = np.asarray(values, dtype=object)
    if array.dtype == object and all(type(v) is int for v in _flat(values)):
        ints = [v for v in _flat(values)]
        check_int_range(min(ints), max(ints), "int64")
    return array


def _default_weak_dtype(t):
    if t.dtype == "float64":
        return config.floatx()
    if t.dtype == "int64":
        return "int32"
    return t.dtype


def _flat(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v


def convert_to_numpy(x):
    """Returns a NumPy array for `x`; for tensors it shares memory (read-only)."""
    if type(x) is Tensor:
        return x.numpy()
    value = getattr(x, "_keras_like_value", None)
    if value is not None:
        return value().numpy()
    return np.asarray(x)
