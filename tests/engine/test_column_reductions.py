"""Reductions over the middle axis of [A, R, B] with a long R (a bias gradient over N*H*W
rows) run in fixed row chunks on every thread; each reduction kind still matches NumPy."""

import numpy as np
import pytest

from keras_like import ops

_RNG = np.random.default_rng(7)


@pytest.mark.parametrize("shape, axis", [
    ((40000, 3), 0),           # R spans many chunks, B below a SIMD width
    ((2, 9000, 33), 1),        # several A, R not a multiple of the chunk
    ((17, 13, 11, 2048), (0, 1, 2)),  # B above the 1024-column block
])
@pytest.mark.parametrize("kind", ["sum", "max", "min", "mean"])
def test_float_column_reductions_match_numpy(shape, axis, kind):
    x = _RNG.standard_normal(shape).astype(np.float32)
    got = getattr(ops, kind)(ops.convert_to_tensor(x), axis=axis).numpy()
    want = getattr(np, kind)(x.astype(np.float64), axis=axis)
    # float32 accumulation over tens of thousands of rows: sums are good to a few 1e-3.
    atol = {"sum": 5e-3, "mean": 1e-6}.get(kind, 0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=atol)


def test_integer_and_bool_column_reductions_match_numpy():
    ints = _RNG.integers(-50, 50, size=(30000, 5)).astype(np.int32)
    np.testing.assert_array_equal(ops.sum(ints, axis=0).numpy(), ints.sum(axis=0))
    np.testing.assert_array_equal(ops.max(ints, axis=0).numpy(), ints.max(axis=0))
    flags = ints > 48
    np.testing.assert_array_equal(ops.any(flags, axis=0).numpy(), flags.any(axis=0))
    np.testing.assert_array_equal(ops.all(~flags, axis=0).numpy(), (~flags).all(axis=0))


def test_nan_propagates_through_a_chunked_column_max():
    x = _RNG.standard_normal((50000, 4)).astype(np.float32)
    x[43210, 2] = np.nan
    got = ops.max(x, axis=0).numpy()
    assert np.isnan(got[2]) and not np.isnan(got[[0, 1, 3]]).any()
