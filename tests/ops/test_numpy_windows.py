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
