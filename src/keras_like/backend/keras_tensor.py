"""KerasTensor: a symbolic tensor (shape with None dims, dtype, and the op that made it)."""

from keras_like.backend.dtypes import standardize_dtype


class KerasTensor:
    """A placeholder for a tensor in a functional model: shape and dtype, no data.

    Shapes may contain None (unknown until the model runs). `_keras_history` records
    `(operation, node_index, tensor_index)` of the op that produced it.
    """

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, record_history=True,
                 name=None):
        self._shape = tuple(None if d is None else int(d) for d in shape)
        self._dtype = standardize_dtype(dtype)
        self.sparse = sparse
        self.ragged = ragged
        self.name = name
        self._keras_history = None

    @property
    def shape(self):
        return self._shape

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._shape)

    def reshape(self, newshape):
        from keras_like import ops

        return ops.reshape(self, newshape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
                f"name={self.name}>")

    def __iter__(self):
        raise NotImplementedError(
            "Iterating over a symbolic KerasTensor is not supported. Use ops.unstack or index it."
        )

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python `bool`.")

    def __array__(self, *args, **kwargs):
        raise ValueError(
            "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't "
            "have any actual numerical value. You cannot convert it to a NumPy array."
        )

    def __hash__(self):
        return id(self)


def _install_operators():
    def op(name, reflected=False):
        def method(self, other):
            from keras_like import ops

            fn = getattr(ops, name)
            return fn(other, self) if reflected else fn(self, other)

        return method

    pairs = {
        "add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
        "floordiv": "floor_divide", "mod": "mod", "pow": "power", "matmul": "matmul",
    }
    for dunder, name in pairs.items():
        setattr(KerasTensor, f"__{dunder}__", op(name))
        setattr(KerasTensor, f"__r{dunder}__", op(name, reflected=True))
    for dunder, name in {"lt": "less", "le": "less_equal", "gt": "greater",
                         "ge": "greater_equal", "eq": "equal", "ne": "not_equal",
                         "and": "logical_and", "or": "logical_or", "xor": "logical_xor"}.items():
        setattr(KerasTensor, f"__{dunder}__", op(name))

    def unary(name):
        def method(self):
            from keras_like import ops

            return getattr(ops, name)(self)

        return method

    KerasTensor.__neg__ = unary("negative")
    KerasTensor.__abs__ = unary("absolute")
    KerasTensor.__invert__ = unary("logical_not")

    def getitem(self, key):
        from keras_like import ops

        return ops.get_item(self, key)

    KerasTensor.__getitem__ = getitem
    KerasTensor.__hash__ = lambda self: id(self)


_install_operators()


class SymbolicInput(Exception):  # noqa: N818 - a signal, not an error users see
    """Raised by tensor conversion when it meets a KerasTensor; ops wrappers catch it and
    record a functional-graph node instead."""


def is_keras_tensor(x):
    return isinstance(x, KerasTensor)
