import numpy as np
from helpers import check_op

from keras_like import ops


def test_check_op_on_multiply_with_broadcast():
    check_op(ops.multiply, np.multiply, [(3, 4), (4,)])


def test_check_op_on_exp_float64():
    check_op(ops.exp, np.exp, [(5,)], dtype="float64")
