"""`keras_like.Variable`: a named, mutable tensor (Keras 3 `keras.Variable`)."""

import threading

import numpy as np

from keras_like.backend import naming
from keras_like.backend.convert import convert_to_tensor
from keras_like.backend.dtypes import standardize_dtype
from keras_like.backend.engine import Tensor, _engine

# Variables made so far: a traced call that made any ran first-call-only code (building a
# layer or an optimizer), so graph mode retraces the next call instead of replaying it.
_creations = [0]


def variables_created():
    return _creations[0]


class _AutocastState(threading.local):
    dtype = None


_autocast_state = _AutocastState()


class AutocastScope:
    """Within the scope, autocast float Variables read as `dtype` (None: no casting)."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __enter__(self):
        self._saved = _autocast_state.dtype
        _autocast_state.dtype = self.dtype

    def __exit__(self, *exc):
        _autocast_state.dtype = self._saved


class Variable:
    """A mutable tensor with a name, a path and a trainable flag.

    Its value lives in memory the variable owns; `assign`, `assign_add` and `assign_sub`
    update it in place, so tensors recorded by a tape keep seeing the same storage.

    Example:
    >>> v = Variable([[1.0, 2.0]], name="w")
    >>> v.assign_add([[1.0, 1.0]])
    >>> v.numpy()
    array([[2., 3.]], dtype=float32)
    """

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None):
        name = name or "variable"
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                "Argument `name` must be a string and cannot contain character `/`. "
                f"Received: name={name}"
            )
        self.name = name
        self.path = naming.current_path(name)
        self.trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        if callable(initializer) and not isinstance(initializer, (Tensor, np.ndarray)):
            if shape is None:
                raise ValueError(
                    "When creating a Variable from an initializer, the `shape` argument should "
                    f"be specified. Received: initializer={initializer} and shape={shape}"
                )
            dtype = standardize_dtype(dtype)
            value = initializer(tuple(shape), dtype=dtype)
        else:
            value = initializer
        value = convert_to_tensor(value, dtype=None if dtype is None else standardize_dtype(dtype))
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Initial value has shape {value.shape}, which is incompatible with the "
                f"`shape` argument {tuple(shape)}"
            )
        self.regularizer = None
        self.constraint = None
        self.overwrite_with_gradient = False
        self._value = _engine.copy(value)  # always owns its memory
        _creations[0] += 1
        self._value.requires_grad = self.trainable and self._value.dtype in (
            "float16", "bfloat16", "float32", "float64")

    # The engine sees a Variable through its value tensor (same storage, same autograd leaf).
    def _keras_like_value(self):
        return self._value

    @property
    def value(self):
        # Inside a mixed-precision layer call, float variables read in the compute dtype
        # (the cast is differentiable, so gradients still reach the float32 variable).
        dtype = _autocast_state.dtype
        if dtype is not None and self.autocast and self._value.dtype != dtype and \
                self._value.dtype.startswith(("float", "bfloat")):
            return _engine.cast(self._value, dtype)
        return self._value

    @property
    def dtype(self):
        return self._value.dtype

    @property
    def shape(self):
        return self._value.shape

    @property
    def ndim(self):
        return self._value.ndim

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        from keras_like.backend import tracking

        tracking.bump()
        if hasattr(self, "_value"):
            self._value.requires_grad = self._trainable and self._value.dtype.startswith(
                ("float", "bfloat"))

    def numpy(self):
        return np.array(self._value.numpy())  # a copy: the variable may change later

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def assign(self, value):
        value = convert_to_tensor(value)
        if tuple(value.shape) != tuple(self.shape):
            raise ValueError(
                "The shape of the target variable and the shape of the target value in "
                "`variable.assign(value)` must match. "
                f"variable.shape={self.shape}, Received: value.shape={value.shape}. "
                f"Target variable: {self}"
            )
        _engine.assign(self._value, value)
        return self

    def assign_add(self, value):
        _engine.assign(self._value, _engine.add(self._value, _operand(value)))
        return self

    def assign_sub(self, value):
        _engine.assign(self._value, _engine.subtract(self._value, _operand(value)))
        return self

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={self._value.numpy()}>"
        )

    # Arithmetic and comparisons behave like the value tensor's.
    def __getattr__(self, name):
        if name.startswith("__") or name == "_value":
            raise AttributeError(name)
        return getattr(self._value, name)

    def __len__(self):
        return len(self._value)

    def __bool__(self):
        return bool(self._value)

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __getitem__(self, key):
        return self._value[key]

    def __hash__(self):
        return id(self)


def _operand(x):
    if type(x) is Tensor or isinstance(x, (float, int, bool)):
        return x
    return convert_to_tensor(x)


def _install_operators():
    names = [
        "add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv",
        "rfloordiv", "mod", "rmod", "pow", "rpow", "matmul", "rmatmul", "neg", "pos", "abs",
        "invert", "and", "rand", "or", "ror", "xor", "rxor", "lt", "le", "gt", "ge", "eq", "ne",
    ]
    for n in names:
        dunder = f"__{n}__"

        def method(self, *args, _dunder=dunder):
            return getattr(self._value, _dunder)(*args)

        method.__name__ = dunder
        setattr(Variable, dunder, method)


_install_operators()
