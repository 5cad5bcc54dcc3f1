"""Random test inputs and float64 central differences, shared by the op and layer helpers."""

import numpy as np

_RNG = np.random.default_rng(1234)

# Finite differences look at no more than this many coordinates of one array (a fixed random
# sample beyond it), which keeps layer gradient checks fast on larger inputs.
MAX_FD_COORDS = 48


def random_array(shape, dtype="float32", low=-2.0, high=2.0, rng=None):
    rng = rng or _RNG
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def cotangent_like(shape, dtype="float64"):
    """Fixed weights in [0.5, 1.5) that turn an output into the scalar sum(out * weights)."""
    return np.random.default_rng(7).uniform(0.5, 1.5, size=shape).astype(dtype)


def sample_coords(size, limit=MAX_FD_COORDS):
    """All flat indices of an array of `size` elements, or a fixed random sample of `limit`."""
    if size <= limit:
        return np.arange(size)
    return np.sort(np.random.default_rng(size).choice(size, limit, replace=False))


def central_differences(evaluate, array, cotangent, coords, eps=1e-6):
    """d sum(evaluate() * cotangent) / d array at `coords` (flat indices), in float64.

    `array` is perturbed in place (it must be a float64 array that `evaluate` reads) and is
    restored afterwards. Returns the derivatives at `coords` as a flat array.
    """
    flat = array.reshape(-1)
    assert not array.size or np.shares_memory(flat, array), \
        "central_differences needs a contiguous array"
    out = np.zeros(len(coords))
    for n, i in enumerate(coords):
        old = flat[i]
        flat[i] = old + eps
        plus = np.array(evaluate(), dtype=np.float64)  # a copy: outputs may view the input
        flat[i] = old - eps
        minus = np.array(evaluate(), dtype=np.float64)
        flat[i] = old
        # Difference element-wise before summing: outputs the coordinate does not touch
        # cancel exactly, so large outputs elsewhere add no rounding noise.
        out[n] = np.sum((plus - minus) * cotangent) / (2 * eps)
    return out
