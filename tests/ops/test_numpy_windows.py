"""Window functions against NumPy."""

import numpy as np
import pytest

from keras_like import ops


@pytest.mark.parametrize("name", ["bartlett", "blackman", "hamming", "hanning"])
@pytest.mark.parametrize("m", [-1, 0, 1, 2, 5, 16])
def test_window_matches_numpy(name, m):
    got = getattr(ops, name)(m)
    np.testing.assert_allclose(got.numpy(), getattr(np, name)(m), atol=1e-7)
    assert got.dtype == "float32"
    assert got.shape == (max(m, 0),)


@pytest.mark.parametrize("m,beta", [(1, 3.0), (5, 0.0), (8, 5.0), (12, 14.0)])
def test_kaiser(m, beta):
    np.testing.assert_allclose(ops.kaiser(m, beta).numpy(), np.kaiser(m, beta), rtol=1e-6)


def test_tensor_length_and_invalid():
    np.testing.assert_allclose(ops.hanning(ops.convert_to_tensor(4)).numpy(), np.hanning(4),
                               atol=1e-7)
    with pytest.raises(ValueError, match="scalar integer"):
        ops.hamming([3, 4])


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_length_as_a_0d_tensor_of_any_real_dtype(dtype):
    got = ops.blackman(ops.ones((), dtype=dtype) * (3 if dtype != "bool" else 1))
    np.testing.assert_allclose(got.numpy(), np.blackman(3 if dtype != "bool" else 1), atol=1e-7)
    assert got.dtype == "float32"
    with pytest.raises(ValueError):
        ops.bartlett(2.5)
