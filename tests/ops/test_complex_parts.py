"""Complex parts over real tensors and (real, imag) pairs, against NumPy."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


def test_real_imag_conj_isreal_of_real_tensors():
    x = np.array([[1.0, -2.0], [float("nan"), 0.0]], "float32")
    np.testing.assert_array_equal(ops.real(x).numpy(), np.real(x))
    np.testing.assert_array_equal(ops.imag(x).numpy(), np.imag(x))
    np.testing.assert_array_equal(ops.conj(x).numpy(), np.conj(x))
    np.testing.assert_array_equal(ops.conjugate(x).numpy(), np.conjugate(x))
    np.testing.assert_array_equal(ops.isreal(x).numpy(), np.isreal(x))
    assert ops.imag(x).dtype == "float32"


def test_numpy_complex_inputs_are_split():
    z = np.array([1 + 2j, -3 - 1j], np.complex64)
    np.testing.assert_array_equal(ops.real(z).numpy(), z.real)
    np.testing.assert_array_equal(ops.imag(z).numpy(), z.imag)
    np.testing.assert_allclose(ops.angle(z).numpy(), np.angle(z), rtol=1e-6)
    np.testing.assert_array_equal(ops.isreal(np.array([1 + 0j, 1j])).numpy(), [True, False])
    re, im = ops.conj(z)
    np.testing.assert_array_equal(im.numpy(), -z.imag)
    np.testing.assert_array_equal(ops.view_as_real(z).numpy(), np.stack([z.real, z.imag], -1))
    assert ops.view_as_real(z).dtype == "float32"


def test_angle_of_real_values():
    x = np.array([-2.0, 3.0, 0.0, -0.0, float("nan")], "float32")
    np.testing.assert_array_equal(ops.angle(x).numpy(), np.angle(x))
    assert ops.angle(np.array([1], "int64")).dtype == "float32"
    assert ops.angle(np.array([1.0], "float16")).dtype == "float16"


def test_polar_forward_and_gradient():
    check_op(lambda r, t: ops.stack(ops.polar(r, t)),
             lambda r, t: np.stack([r * np.cos(t), r * np.sin(t)]), [(2, 3), (2, 3)],
             dtype="float64")


def test_view_as_complex_and_back():
    x = np.arange(12.0).reshape(3, 2, 2)
    re, im = ops.view_as_complex(x)
    np.testing.assert_array_equal(re.numpy(), x[..., 0])
    np.testing.assert_array_equal(im.numpy(), x[..., 1])
    np.testing.assert_array_equal(ops.view_as_real((re, im)).numpy(), x)
    with pytest.raises(ValueError, match="Last dimension of input must be size 2"):
        ops.view_as_complex(np.ones(3))
    with pytest.raises(ValueError, match="same shape"):
        ops.view_as_real((np.ones(2), np.ones(3)))
