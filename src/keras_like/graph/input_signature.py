"""`keras_like.function(..., input_signature=...)`: the arguments a function accepts.

As in `tf.function`, a signature is a (nested) list of specs, one per positional parameter;
a spec is anything with `shape` (None for a dimension that may vary) and `dtype`: a
`keras_like.graph.TensorSpec`, a `keras_like.InputSpec`, a `KerasTensor` or a `tf.TensorSpec`.
Every call is checked and converted against it, so a call that does not fit is a clear error
instead of a new trace. Graphs are specialised to concrete shapes, so each distinct shape a
`None` dimension takes is traced once (and never warned about as retracing).
"""

import inspect

from keras_like.backend import Tensor, standardize_dtype
from keras_like.backend.convert import convert_to_tensor
from keras_like.graph.call_signature import map_leaves


class TensorSpec:
    """The shape and dtype of a tensor argument (`tf.TensorSpec`'s constructor)."""

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = None if shape is None else tuple(
            None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.name = name

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype}, name={self.name!r})"

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype) == (other.shape,
                                                                               other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))


def _spec_of(leaf):
    if not hasattr(leaf, "shape") or not hasattr(leaf, "dtype"):
        raise TypeError(
            "Every leaf of `input_signature` must be a TensorSpec (anything with `shape` and "
            f"`dtype`). Received: {leaf!r}")
    shape = leaf.shape
    shape = None if shape is None else tuple(
        None if d is None else int(d) for d in (shape.as_list() if hasattr(shape, "as_list")
                                               else shape))
    dtype = leaf.dtype
    dtype = getattr(dtype, "name", dtype)  # tf.DType
    return TensorSpec(shape, dtype, getattr(leaf, "name", None))


class InputSignature:
    def __init__(self, fn, signature):
        if not isinstance(signature, (list, tuple)):
            raise TypeError(
                "`input_signature` must be a list or tuple with one entry per positional "
                f"argument. Received: {signature!r}")
        self.specs = map_leaves(_spec_of, list(signature))
        self._fn_name = getattr(fn, "__name__", "function")
        try:
            self._parameters = inspect.signature(fn)
        except (TypeError, ValueError):
            self._parameters = None

    def bind(self, args, kwargs):
        """The call's arguments as tensors checked against the signature, in its order."""
        if kwargs and self._parameters is not None:
            try:
                bound = self._parameters.bind(*args, **kwargs)
            except TypeError as e:
                raise TypeError(f"`{self._fn_name}`: {e}") from None
            args, kwargs = tuple(bound.arguments.values()), {}
        if kwargs or len(args) != len(self.specs):
            raise TypeError(
                f"`{self._fn_name}` has an input_signature of {len(self.specs)} arguments "
                f"({self.specs}); it was called with {len(args) + len(kwargs)}.")
        return tuple(self._match(a, s, i) for i, (a, s) in enumerate(zip(args, self.specs)))

    def _match(self, value, spec, position):
        if isinstance(spec, (list, tuple, dict)):
            if type(value) is not type(spec) or len(value) != len(spec) or (
                    isinstance(spec, dict) and set(value) != set(spec)):
                raise ValueError(self._mismatch(value, spec, position))
            if isinstance(spec, dict):
                return {k: self._match(value[k], spec[k], position) for k in spec}
            return type(spec)(self._match(v, s, position) for v, s in zip(value, spec))
        if isinstance(value, Tensor):
            if value.dtype != spec.dtype:
                raise TypeError(self._mismatch(value, spec, position))
            tensor = value
        else:
            try:
                tensor = convert_to_tensor(value, dtype=spec.dtype)
            except (TypeError, ValueError) as e:
                raise TypeError(f"{self._mismatch(value, spec, position)} ({e})") from None
        shape = tuple(tensor.shape)
        if spec.shape is not None and (len(shape) != len(spec.shape) or any(
                want is not None and want != got for want, got in zip(spec.shape, shape))):
            raise ValueError(self._mismatch(tensor, spec, position))
        return tensor

    def _mismatch(self, value, spec, position):
        if isinstance(value, Tensor):
            got = f"a {value.dtype} tensor of shape {tuple(value.shape)}"
        else:
            got = repr(value) if len(repr(value)) < 80 else type(value).__name__
        return (f"`{self._fn_name}` argument {position} is incompatible with its "
                f"input_signature: expected {spec}, received {got}.")
