"""Every element-wise binary op on every shape pair of helpers.BROADCAST_SHAPES: values and
dtypes against NumPy, float64 and float32 gradients against central differences."""

import numpy as np
import pytest
from helpers import BROADCAST_SHAPES, check_binary_op, check_op, random_array

from keras_like import ops

# name -> (NumPy function, input range of a, input range of b): smooth domains only.
DIFFERENTIABLE = {
    "add": (np.add, (-2, 2), (-2, 2)),
    "subtract": (np.subtract, (-2, 2), (-2, 2)),
    "multiply": (np.multiply, (-2, 2), (-2, 2)),
    "divide": (np.divide, (-2, 2), (0.5, 2)),
    "true_divide": (np.true_divide, (-2, 2), (-2, -0.5)),
    "power": (np.power, (0.3, 2), (-2, 2)),
    "maximum": (np.maximum, (-2, 2), (-2, 2)),
    "minimum": (np.minimum, (-2, 2), (-2, 2)),
    "arctan2": (np.arctan2, (-2, 2), (0.3, 2)),
    "logaddexp": (np.logaddexp, (-3, 3), (-3, 3)),
    "hypot": (np.hypot, (0.2, 2), (-2, -0.2)),
    "mod": (np.mod, (0.1, 3), (0.7, 1.3)),
    "copysign": (np.copysign, (0.2, 2), (-2, 2)),
}
# Inputs that only pick a sign, so they get no gradient.
SIGN_ONLY = {"copysign": [0]}

# name -> (NumPy function, input dtype, range): results are bool or integer, no gradient.
NON_DIFFERENTIABLE = {
    "floor_divide": (np.floor_divide, "float32", (0.5, 3)),
    "equal": (np.equal, "int32", (0, 2)),
    "not_equal": (np.not_equal, "int32", (0, 2)),
    "less": (np.less, "float32", (-2, 2)),
    "less_equal": (np.less_equal, "int32", (0, 3)),
    "greater": (np.greater, "float32", (-2, 2)),
    "greater_equal": (np.greater_equal, "int32", (0, 3)),
    "logical_and": (np.logical_and, "bool", (0, 1)),
    "logical_or": (np.logical_or, "bool", (0, 1)),
    "logical_xor": (np.logical_xor, "bool", (0, 1)),
    "bitwise_and": (np.bitwise_and, "int32", (0, 15)),
    "bitwise_or": (np.bitwise_or, "int32", (0, 15)),
    "bitwise_xor": (np.bitwise_xor, "int32", (0, 15)),
    "left_shift": (np.left_shift, "int32", (0, 4)),
    "right_shift": (np.right_shift, "int32", (0, 4)),
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_differentiable_binary_op_broadcasts(name):
    np_fn, range_a, range_b = DIFFERENTIABLE[name]
    check_binary_op(getattr(ops, name), np_fn, ranges=(range_a, range_b),
                    grad_args=SIGN_ONLY.get(name))


@pytest.mark.parametrize("name", sorted(NON_DIFFERENTIABLE))
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
def test_non_differentiable_binary_op_broadcasts(name, shapes):
    np_fn, dtype, (low, high) = NON_DIFFERENTIABLE[name]
    arrays = [random_array(s, dtype, low, high) for s in shapes]
    check_op(getattr(ops, name), np_fn, [], arrays=arrays, dtype=dtype, grad=False)


def test_broadcast_shapes_cover_scalars_and_outer_products():
    pairs = {tuple(p) for p in BROADCAST_SHAPES}
    assert {((3, 1), (1, 4)), ((), (2, 3)), ((2, 3), ())} <= pairs
    for a, b in BROADCAST_SHAPES:
        np.broadcast_shapes(a, b)  # each pair is a valid broadcast
