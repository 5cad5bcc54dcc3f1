"""Weight regularizers: penalties a layer adds to the loss (L1, L2, L1L2, orthogonality).

The factors are kept as Python floats: multiplying by a (weakly typed) Python scalar keeps the
penalty in the weight's dtype without a cast op, which matters since penalties run every step.
"""

import math

from keras_like import ops
from keras_like.utils.config_keys import known_kwargs


def validate_float_arg(value, name):
    """Checks that a penalty factor is a finite, non-negative number; returns it as a float."""
    if (isinstance(value, bool) or not isinstance(value, (float, int))
            or math.isinf(value) or math.isnan(value) or value < 0):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float. "
            f"Received: {name}={value}"
        )
    return float(value)


class Regularizer:
    """Regularizer base class: a callable mapping a weight to a scalar penalty.

    Subclasses implement `__call__(x)` and `get_config()`. Any function that takes a weight
    and returns a scalar tensor can be used as a regularizer too.

    Example:
    >>> class Sum(Regularizer):
    ...     def __call__(self, x):
    ...         return keras_like.ops.sum(x)
    ...     def get_config(self):
    ...         return {}
    >>> float(Sum()(keras_like.ops.ones((2, 2))))
    4.0
    """

    def __call__(self, x):
        """Computes the penalty of the weight `x` (the base class has none)."""
        return 0.0

    @classmethod
    def from_config(cls, config):
        """Creates a regularizer from the output of `get_config()`."""
        return cls(**known_kwargs(cls, config))

    def get_config(self):
        """Returns the regularizer's configuration as a JSON-serializable dict."""
        raise NotImplementedError(f"{self} does not implement get_config()")


class L1L2(Regularizer):
    """Both penalties: `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Args:
        l1: L1 factor (default 0).
        l2: L2 factor (default 0).

    Example:
    >>> float(L1L2(l1=1.0, l2=0.5)(keras_like.ops.ones((2, 2))))
    6.0
    """

    def __init__(self, l1=0.0, l2=0.0):
        # Unlike L1 and L2, both default to 0 so that L1L2(l2=0.1) has no L1 penalty.
        self.l1 = validate_float_arg(0.0 if l1 is None else l1, name="l1")
        self.l2 = validate_float_arg(0.0 if l2 is None else l2, name="l2")

    def __call__(self, x):
        x = ops.convert_to_tensor(x)
        penalty = None
        if self.l1:
            penalty = ops.multiply(ops.sum(ops.absolute(x)), self.l1)
        if self.l2:
            l2 = ops.multiply(ops.sum(ops.square(x)), self.l2)
            penalty = l2 if penalty is None else ops.add(penalty, l2)
        if penalty is None:
            return ops.zeros((), dtype=x.dtype)
        return penalty

    def get_config(self):
        return {"l1": float(self.l1), "l2": float(self.l2)}


class L1(Regularizer):
    """L1 penalty: `l1 * sum(abs(x))`.

    Args:
        l1: L1 factor (default 0.01).

    Example:
    >>> float(L1(0.5)(keras_like.ops.ones((2, 2))))
    2.0
    """

    def __init__(self, l1=0.01):
        self.l1 = validate_float_arg(0.01 if l1 is None else l1, name="l1")

    def __call__(self, x):
        return ops.multiply(ops.sum(ops.absolute(x)), self.l1)

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """L2 penalty: `l2 * sum(square(x))`.

    Args:
        l2: L2 factor (default 0.01).

    Example:
    >>> float(L2(2.0)(keras_like.ops.ones((5, 5))))
    50.0
    """

    def __init__(self, l2=0.01):
        self.l2 = validate_float_arg(0.01 if l2 is None else l2, name="l2")

    def __call__(self, x):
        return ops.multiply(ops.sum(ops.square(x)), self.l2)

    def get_config(self):
        return {"l2": float(self.l2)}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards mutual orthogonality.

    The penalty is `factor * 0.5 * sum(|<u_i, u_j>|) / (n (n - 1) / 2)` over the pairs
    `i != j` of L2-normalised rows (`mode="rows"`) or columns (`mode="columns"`).

    Args:
        factor: Regularization factor (default 0.01).
        mode: `"rows"` (default) or `"columns"`.

    Example:
    >>> float(OrthogonalRegularizer(factor=1.0)(keras_like.ops.eye(3)))
    0.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = validate_float_arg(factor, name="factor")
        if mode not in {"rows", "columns"}:
            raise ValueError(
                "Invalid value for argument `mode`. Expected one of "
                f'{{"rows", "columns"}}. Received: mode={mode}'
            )
        self.mode = mode

    def __call__(self, inputs):
        inputs = ops.convert_to_tensor(inputs)
        if len(inputs.shape) != 2:
            raise ValueError(
                "Inputs to OrthogonalRegularizer must have rank 2. Received: "
                f"inputs.shape={tuple(inputs.shape)}"
            )
        if self.mode == "rows":
            inputs = ops.normalize(inputs, axis=1)
            product = ops.matmul(inputs, ops.transpose(inputs))
            size = inputs.shape[0]
        else:
            inputs = ops.normalize(inputs, axis=0)
            product = ops.matmul(ops.transpose(inputs), inputs)
            size = inputs.shape[1]
        off_diagonal = ops.multiply(product, ops.subtract(1.0, ops.eye(size, dtype=product.dtype)))
        num_pairs = size * (size - 1.0) / 2.0
        return ops.multiply(ops.sum(ops.absolute(off_diagonal)), self.factor * 0.5 / num_pairs)

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}
