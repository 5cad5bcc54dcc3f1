"""Python operators, indexing, NumPy interop and repr for engine tensors."""

import numpy as np

from keras_like.backend.engine import Tensor
from keras_like.backend.engine import _engine as E
from keras_like.ops import indexing
from keras_like.ops._base import operand, tensor


def _bin(fn, reflected=False):
    if reflected:
        def method(self, other):
            return fn(operand(other), self)
    else:
        def method(self, other):
            return fn(self, operand(other))
    return method


def _logical_or_bitwise(logical, bitwise, reflected=False):
    """`&`, `|`, `^`: logical on bools, bitwise on integers (like NumPy)."""

    def method(self, other):
        other = operand(other)
        both_bool = self.dtype == "bool" and (
            other.dtype == "bool" if type(other) is Tensor else isinstance(other, bool))
        fn = logical if both_bool else bitwise
        return fn(other, self) if reflected else fn(self, other)

    return method


def _repr(self):
    if self.device.startswith("meta"):
        return f"<Tensor shape={self.shape} dtype={self.dtype} device={self.device}>"
    body = np.array2string(self.numpy(), separator=", ")
    return f"<Tensor shape={self.shape} dtype={self.dtype}\n{body}>" if self.ndim > 1 else \
        f"<Tensor shape={self.shape} dtype={self.dtype} {body}>"


def _item(self):
    if self.size != 1:
        raise ValueError(
            f"can only convert a tensor of size 1 to a Python scalar. Received shape {self.shape}"
        )
    return self.numpy().reshape(()).item()


def _bool(self):
    if self.size != 1:
        raise ValueError(
            "The truth value of a tensor with more than one element is ambiguous. Use "
            f"ops.any() or ops.all(). Received shape {self.shape}"
        )
    return bool(_item(self))


def _index(self):
    if self.dtype not in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32") or \
            self.size != 1:
        raise TypeError("only integer scalar tensors can be converted to an index")
    return int(_item(self))


def _iter(self):
    if self.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    for i in range(self.shape[0]):
        yield indexing.getitem(self, i)


def _array(self, dtype=None, copy=None):
    a = self.numpy()
    if dtype is not None:
        a = a.astype(dtype)
    if copy:
        a = np.array(a)
    return a


def _dlpack(self, **kwargs):
    return self._array_api().__dlpack__(**kwargs)


def _dlpack_device(self):
    return (1, 0)


def _setitem(self, key, value):
    raise TypeError(
        "Tensors are immutable: use ops.slice_update / ops.scatter_update, or a Variable's "
        "assign()"
    )


def _astype(self, dtype):
    from keras_like.backend.dtypes import standardize_dtype

    return E.cast(self, standardize_dtype(dtype))


def install():
    methods = {
        "__add__": _bin(E.add), "__radd__": _bin(E.add, True),
        "__sub__": _bin(E.subtract), "__rsub__": _bin(E.subtract, True),
        "__mul__": _bin(E.multiply), "__rmul__": _bin(E.multiply, True),
        "__truediv__": _bin(E.divide), "__rtruediv__": _bin(E.divide, True),
        "__floordiv__": _bin(E.floor_divide), "__rfloordiv__": _bin(E.floor_divide, True),
        "__mod__": _bin(E.mod), "__rmod__": _bin(E.mod, True),
        "__pow__": _bin(E.power), "__rpow__": _bin(E.power, True),
        "__matmul__": lambda a, b: E.matmul(a, tensor(b)),
        "__rmatmul__": lambda a, b: E.matmul(tensor(b), a),
        "__and__": _logical_or_bitwise(E.logical_and, E.bitwise_and),
        "__rand__": _logical_or_bitwise(E.logical_and, E.bitwise_and, True),
        "__or__": _logical_or_bitwise(E.logical_or, E.bitwise_or),
        "__ror__": _logical_or_bitwise(E.logical_or, E.bitwise_or, True),
        "__xor__": _logical_or_bitwise(E.logical_xor, E.bitwise_xor),
        "__rxor__": _logical_or_bitwise(E.logical_xor, E.bitwise_xor, True),
        "__lt__": _bin(E.less), "__le__": _bin(E.less_equal),
        "__gt__": _bin(E.greater), "__ge__": _bin(E.greater_equal),
        "__eq__": _bin(E.equal), "__ne__": _bin(E.not_equal),
        "__neg__": lambda self: E.negative(self),
        "__pos__": lambda self: self,
        "__abs__": lambda self: E.abs(self),
        "__invert__": lambda self: (
            E.logical_not(self) if self.dtype == "bool" else E.bitwise_invert(self)),
        "__getitem__": indexing.getitem,
        "__setitem__": _setitem,
        "__iter__": _iter,
        "__bool__": _bool,
        "__float__": lambda self: float(_item(self)),
        "__int__": lambda self: int(_item(self)),
        "__index__": _index,
        "__array__": _array,
        "__array_priority__": 100,
        "__dlpack__": _dlpack,
        "__dlpack_device__": _dlpack_device,
        "__repr__": _repr,
        "__str__": _repr,
        "__hash__": lambda self: id(self),
        "item": _item,
        "astype": _astype,
        "T": property(lambda self: E.transpose(self, [])),
    }
    for name, fn in methods.items():
        setattr(Tensor, name, fn)
