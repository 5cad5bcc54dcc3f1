"""Dtype names and promotion (Keras 3 / JAX rules)."""

import numpy as np

from keras_like.backend import config
from keras_like.backend.engine import _engine

ALLOWED_DTYPES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
    "float16", "bfloat16", "float32", "float64",
)
# Dtypes only symbolic tensors and host data carry: the engine has no string type, so string
# inputs stay NumPy arrays (backend/string_arrays.py).
HOST_ONLY_DTYPES = ("string",)
# NumPy dtypes the engine has no native type for, mapped to the nearest that holds them.
_NUMPY_FALLBACK = {"uint64": "int64"}
# The value range of every integer dtype (one table for conversion, fills and scalar checks).
INT_BOUNDS = {d: (int(np.iinfo(d).min), int(np.iinfo(d).max))
              for d in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")}
_ALIASES = {
    "float": "float32", "double": "float64", "int": "int32", "bool_": "bool", "half": "float16",
}


def standardize_dtype(dtype):
    """Returns the canonical dtype name for a string, NumPy dtype, Python type or None."""
    if dtype is None:
        return config.floatx()
    if dtype is float:
        return "float32"
    if dtype is int:
        return "int32"
    if dtype is bool:
        return "bool"
    if dtype is str:
        return "string"
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        dtype = dtype.name
    elif not isinstance(dtype, str):
        try:
            dtype = np.dtype(dtype).name
        except TypeError:
            dtype = str(dtype)
    dtype = _ALIASES.get(dtype, dtype)
    dtype = _NUMPY_FALLBACK.get(dtype, dtype)
    if dtype not in ALLOWED_DTYPES and dtype not in HOST_ONLY_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return dtype


def is_float_dtype(dtype):
    return standardize_dtype(dtype) in ("float16", "bfloat16", "float32", "float64")


def is_int_dtype(dtype):
    return standardize_dtype(dtype) in ("int8", "int16", "int32", "int64", "uint8", "uint16",
                                        "uint32")


def _promote(a, b):
    # float16 and bfloat16 share no exactly representable superset below float32 (JAX's
    # lattice joins them at float32).
    if {a, b} == {"float16", "bfloat16"}:
        return "float32"
    return _engine.promote_types(a, b)


def result_type(*dtypes):
    """Result dtype of combining dtypes (JAX lattice); Python scalar types are weak."""
    if not dtypes:
        return config.floatx()
    strong = None
    weak_kind = None
    for d in dtypes:
        if d in (float, int, bool) and d is not bool:
            kind = 2 if d is float else 1
            weak_kind = max(weak_kind or 0, kind)
            continue
        d = standardize_dtype(d)
        strong = d if strong is None else _promote(strong, d)
    if strong is None:
        return config.floatx() if weak_kind == 2 else "int32"
    if weak_kind == 2 and not is_float_dtype(strong):
        return config.floatx()
    if weak_kind == 1 and strong == "bool":
        return "int32"
    return strong
