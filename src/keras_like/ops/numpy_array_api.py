"""Array construction and reinterpretation: `array`, `copy`, `view`, `unravel_index`,
`vectorize`, and the axis-named splits `hsplit`, `vsplit`, `dsplit`.
"""

import functools
import math as _math
import re

import numpy as np

from keras_like.backend.dtypes import standardize_dtype
from keras_like.ops._base import E, tensor

__all__ = ["array", "copy", "dsplit", "hsplit", "unravel_index", "vectorize", "view", "vsplit"]


def array(x, dtype=None):
    """Creates a tensor from array-like data (`convert_to_tensor` with an optional dtype).

    Example:
    >>> array([1, 2, 3], dtype="float32").numpy()
    array([1., 2., 3.], dtype=float32)
    """
    return tensor(x, None if dtype is None else standardize_dtype(dtype))


def copy(x):
    """A copy of `x` that shares no memory with it (gradients flow through).

    Example:
    >>> copy([1.0, 2.0]).numpy()
    array([1., 2.], dtype=float32)
    """
    return E.copy(tensor(x))


def view(x, dtype=None):
    """Reinterprets the bytes of `x` as `dtype` (a bitwise view, like NumPy's `view`).

    The last axis scales by the ratio of the item sizes. A bit reinterpretation has no
    gradient, so this runs on the host.

    Example:
    >>> view(np.array([1.0], "float32"), "int32").numpy()
    array([1065353216], dtype=int32)
    """
    x = tensor(x)
    if dtype is None:
        return E.copy(x)
    dtype = standardize_dtype(dtype)
    host = np.ascontiguousarray(x.numpy())
    if x.dtype == "bfloat16" or dtype == "bfloat16":
        raise ValueError(
            f"`view` between {x.dtype} and {dtype} is not supported: NumPy has no bfloat16 "
            "type to reinterpret through."
        )
    try:
        out = host.view(np.dtype(dtype))
    except ValueError as error:
        raise ValueError(
            f"Cannot view a tensor of shape {tuple(x.shape)} and dtype {x.dtype} as {dtype}: "
            f"{error}"
        ) from None
    return tensor(np.array(out), dtype)


def unravel_index(indices, shape):
    """Converts flat indices into a tuple of coordinate tensors for an array of `shape`.

    Example:
    >>> [c.numpy() for c in unravel_index([5, 7], (2, 4))]
    [array([1, 1], dtype=int32), array([1, 3], dtype=int32)]
    """
    idx = tensor(indices)
    dims = [int(d) for d in shape]
    if any(d < 0 for d in dims):
        raise ValueError(f"`shape` must be non-negative. Received: shape={shape}")
    coords = []
    rest = idx
    for d in reversed(dims):
        coords.append(E.mod(rest, d) if d else rest)
        rest = E.floor_divide(rest, d) if d else rest
    return tuple(reversed(coords))


_DIMS = r"\w+(?:,\s*\w+)*"
_ARG = rf"\((?:{_DIMS})?\)"
_ARGS = rf"{_ARG}(?:,\s*{_ARG})*"
_SIGNATURE = re.compile(rf"^\s*{_ARGS}\s*->\s*{_ARGS}\s*$")


def _parse_signature(signature):
    """`"(m,n),(n)->(m)"` -> ([("m", "n"), ("n",)], [("m",)])."""
    if not _SIGNATURE.match(signature):
        raise ValueError(f"Invalid value for argument `signature`. Received: {signature!r}")
    inputs, outputs = signature.split("->")

    def parse(side):
        return [tuple(d.strip() for d in group.split(",") if d.strip())
                for group in re.findall(r"\(([^)]*)\)", side)]

    return parse(inputs), parse(outputs)


def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turns `pyfunc` into a function mapped over the leading (broadcast) axes of its inputs.

    Without a `signature`, `pyfunc` sees 0-d slices; with a gufunc signature such as
    `"(d,d)->()"`, each argument keeps its core axes. The map runs as an eager loop.

    Args:
        pyfunc: The function to vectorize, written with `keras.ops`.
        excluded: Positions or names of arguments passed through unchanged.
        signature: A generalized-ufunc signature, e.g. `"(m,n),(n)->(m)"`.

    Returns:
        The vectorized function.

    Example:
    >>> vfunc = vectorize(lambda m: trace(m), signature="(d,d)->()")
    >>> vfunc(np.stack([np.eye(3), 2 * np.eye(3)])).numpy()
    array([3., 6.])
    """
    from keras_like.ops.control_flow import vectorized_map

    excluded = set(excluded or ())
    core_in, core_out = _parse_signature(signature) if signature is not None else (None, None)

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        kwargs = dict(kwargs)
        mapped_pos = [i for i, a in enumerate(args) if i not in excluded and a is not None]
        mapped_kw = [k for k in kwargs if k not in excluded]
        tensors = [tensor(args[i]) for i in mapped_pos] + [tensor(kwargs[k]) for k in mapped_kw]
        cores = core_in if core_in is not None else [()] * len(tensors)
        if len(cores) != len(tensors):
            raise TypeError(
                f"vectorize: the signature {signature!r} has {len(cores)} inputs, but the "
                f"function received {len(tensors)} mapped arguments"
            )
        loop_shapes = [tuple(t.shape[: t.ndim - len(c)]) for t, c in zip(tensors, cores)]
        loop = tuple(np.broadcast_shapes(*loop_shapes)) if loop_shapes else ()
        n = _math.prod(loop)
        flat = []
        for t, c in zip(tensors, cores):
            core_shape = list(t.shape[t.ndim - len(c):]) if c else []
            full = E.broadcast_to(t, list(loop) + core_shape)
            flat.append(E.reshape(full, [n] + core_shape))

        def call(row):
            call_args = list(args)
            call_kwargs = dict(kwargs)
            for slot, value in zip(mapped_pos + mapped_kw, row):
                if isinstance(slot, int):
                    call_args[slot] = value
                else:
                    call_kwargs[slot] = value
            return pyfunc(*call_args, **call_kwargs)

        out = vectorized_map(call, tuple(flat))

        def unflatten(t):
            t = tensor(t)
            return E.reshape(t, list(loop) + list(t.shape[1:]))

        if isinstance(out, (tuple, list)):
            return type(out)(unflatten(o) for o in out)
        return unflatten(out)

    wrapped.signature = signature
    wrapped.core_outputs = core_out
    return wrapped


def _directional_split(x, indices_or_sections, axis, min_ndim, op):
    from keras_like.ops.numpy_shape import split

    x = tensor(x)
    if x.ndim < min_ndim:
        raise ValueError(
            f"`{op}` only works on tensors of {min_ndim} or more dimensions. "
            f"Received: x.shape={tuple(x.shape)}"
        )
    return split(x, indices_or_sections, axis=axis)


def hsplit(x, indices_or_sections):
    """Splits `x` column-wise: along axis 1, or axis 0 for a 1-D tensor.

    Example:
    >>> [p.shape for p in hsplit(np.zeros((2, 4)), 2)]
    [(2, 2), (2, 2)]
    """
    x = tensor(x)
    return _directional_split(x, indices_or_sections, 0 if x.ndim == 1 else 1, 1, "hsplit")


def vsplit(x, indices_or_sections):
    """Splits `x` row-wise, along axis 0 (`x` must be at least 2-D).

    Example:
    >>> [p.shape for p in vsplit(np.zeros((4, 2)), 2)]
    [(2, 2), (2, 2)]
    """
    return _directional_split(x, indices_or_sections, 0, 2, "vsplit")


def dsplit(x, indices_or_sections):
    """Splits `x` depth-wise, along axis 2 (`x` must be at least 3-D).

    Example:
    >>> [p.shape for p in dsplit(np.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    return _directional_split(x, indices_or_sections, 2, 3, "dsplit")
