"""Random distributions (`keras.random`), drawn from the engine's counter-based Philox.

Every op turns its `seed` argument into a Philox `(key, counter)` with `draw_seed`, reserving
as many blocks as it reads. Ops that need several independent arrays of numbers (rejection
samplers, Gumbel noise) split the reservation into "streams" of `blocks_for(size)` blocks
each, so a draw is a pure function of `(key, counter)`: the same on every thread count.

Half-precision results are drawn and computed in float32, then cast once at the end.
"""

import math

import numpy as np

from keras_like.backend import config
from keras_like.backend.dtypes import is_float_dtype, is_int_dtype, standardize_dtype
from keras_like.backend.engine import Tensor
from keras_like.ops._base import E, float_tensor, shape_list, tensor
from keras_like.random.seed_generator import blocks_for, draw_seed

# Rejection samplers reserve this many rounds of numbers up front. Each round accepts with
# probability above 0.8 (Marsaglia-Tsang: above 0.95), so a larger need is beyond remote;
# should it happen, later rounds switch to another key rather than reuse reserved blocks.
_GAMMA_ROUNDS = 32
_BINOMIAL_INVERSION_ROUNDS = 64
_BINOMIAL_BTRS_ROUNDS = 32
_SPILL_KEY = 0x5851F42D4C957F2D
_TRUNCATION = 2.0  # truncated_normal keeps values within this many standard deviations


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------


def _shape(shape, op):
    try:
        dims = shape_list(shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"`{op}`: `shape` must be a tuple of non-negative integers. Received: shape={shape}"
        ) from None
    if any(d < 0 for d in dims):
        raise ValueError(
            f"`{op}`: `shape` must be a tuple of non-negative integers. Received: shape={shape}"
        )
    return dims


def _size(dims):
    return math.prod(dims)


def _float_dtype(dtype, op):
    dtype = config.floatx() if dtype is None else standardize_dtype(dtype)
    if not is_float_dtype(dtype):
        raise ValueError(
            f"`keras.random.{op}` requires a floating point `dtype`. Received: dtype={dtype} "
        )
    return dtype


def _compute_dtype(dtype):
    """Sampling precision: float64 for float64 results, float32 otherwise."""
    return "float64" if dtype == "float64" else "float32"


def _is_meta(x):
    return type(x) is Tensor and x.device.startswith("meta")


def _meta(shape, dtype):
    return E.full(list(shape), 0, dtype, "meta")


class _Streams:
    """Consecutive, non-overlapping Philox block ranges for draws of `size` values."""

    def __init__(self, seed, size, count, device="cpu"):
        self.blocks = blocks_for(size)
        self.count = count
        self.key, self.counter = draw_seed(seed, self.blocks * count)
        self.device = device

    def draw(self, kind, shape, dtype, index, spill=False):
        key, start = self.key, self.counter + self.blocks * index
        if spill:  # a round past the reservation: another key (see _GAMMA_ROUNDS)
            key = key ^ _SPILL_KEY
        return E.random(kind, list(shape), dtype, key, start % 2**64, self.device)


def _all(x):
    return bool(E.reduce("all", x, None, False).numpy())


def _any(x):
    return bool(E.reduce("any", x, None, False).numpy())


def _param(value, dtype, dims, name, op):
    """A distribution parameter as a `dtype` tensor broadcast to `dims`."""
    t = tensor(value)
    t = E.cast(t, dtype) if t.dtype != dtype else t
    try:
        np.broadcast_shapes(tuple(t.shape), tuple(dims))
    except ValueError:
        raise ValueError(
            f"`{op}`: `{name}` must broadcast to `shape`. Received: {name}.shape={t.shape}, "
            f"shape={tuple(dims)}"
        ) from None
    if list(t.shape) != list(dims):
        t = E.broadcast_to(t, list(dims))
    return t


def _scalar(value):
    """The Python float of a plain number (or 0-d array), else None."""
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return float(value)
    return None


def _largest_below(value, dtype):
    """The largest `dtype` number strictly below the Python float `value`."""
    if dtype == "bfloat16":
        # A bfloat16 is the top half of a float32: step the float32 pattern by one bf16 ulp.
        nearest = E.cast(E.cast(E.full([], value, "float64"), "bfloat16"), "float32")
        v = np.float32(nearest.numpy())
        if float(v) < value:
            return float(v)
        bits = int(v.view(np.uint32))
        if v > 0:
            bits -= 0x10000
        elif v < 0:
            bits += 0x10000
        else:
            bits = 0x80010000
        return float(np.uint32(bits).view(np.float32))
    kind = np.dtype(dtype).type
    v = kind(value)
    if float(v) >= value:
        v = np.nextafter(v, kind(-np.inf))
    return float(v)


# ---------------------------------------------------------------------------------------------
# Continuous distributions
# ---------------------------------------------------------------------------------------------


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws samples from a normal (Gaussian) distribution.

    Args:
        shape: Shape of the result.
        mean: Mean of the distribution (a number or a tensor broadcastable to `shape`).
        stddev: Standard deviation (a number or a broadcastable tensor).
        dtype: Floating dtype of the result; defaults to `keras_like.config.floatx()`.
        seed: `None` (the global generator), an integer (stateless: the same numbers on every
            call) or a `SeedGenerator` (new numbers on every call).

    Returns:
        A tensor of shape `shape`.

    Example:
    >>> keras_like.random.normal((2, 3), mean=1.0, stddev=0.5, seed=7).shape
    (2, 3)
    """
    dims = _shape(shape, "normal")
    dtype = _float_dtype(dtype, "normal")
    cd = _compute_dtype(dtype)
    key, counter = draw_seed(seed, blocks_for(_size(dims)))
    sample = E.random("normal", dims, cd, key, counter)
    out = E.add(E.multiply(sample, _operand(stddev, cd)), _operand(mean, cd))
    return E.cast(out, dtype) if out.dtype != dtype else out


def _operand(value, dtype):
    """Python numbers stay weak (they take the sample's dtype); anything else becomes `dtype`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    t = tensor(value)
    return E.cast(t, dtype) if t.dtype != dtype else t


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Draws samples from a uniform distribution on `[minval, maxval)`.

    Args:
        shape: Shape of the result.
        minval: Lower bound (inclusive); a number or a tensor broadcastable to `shape`.
        maxval: Upper bound (exclusive); a number or a broadcastable tensor.
        dtype: Floating dtype of the result; defaults to `keras_like.config.floatx()`.
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `shape`.

    Example:
    >>> x = keras_like.random.uniform((1000,), minval=-1.0, maxval=1.0, seed=3)
    >>> bool((x >= -1.0).numpy().all() and (x < 1.0).numpy().all())
    True
    """
    dims = _shape(shape, "uniform")
    dtype = _float_dtype(dtype, "uniform")
    cd = _compute_dtype(dtype)
    key, counter = draw_seed(seed, blocks_for(_size(dims)))
    u = E.random("uniform", dims, cd, key, counter)
    low, high = _operand(minval, cd), _operand(maxval, cd)
    width = high - low if isinstance(low, float) and isinstance(high, float) else (
        E.subtract(tensor(high, cd), low))
    out = E.add(E.multiply(u, width), low)
    if out.dtype != dtype:
        out = E.cast(out, dtype)
    hi, lo = _scalar(maxval), _scalar(minval)
    if hi is not None and math.isfinite(hi) and (lo is None or lo < hi):
        # Rounding (to the result dtype, or of minval + u * width) can land on maxval itself.
        out = E.minimum(out, _largest_below(hi, dtype))
    return out


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Draws samples from a normal distribution truncated to `mean ± 2 * stddev`.

    The result has the distribution of re-drawing every sample that falls outside two
    standard deviations; it is computed directly by inverting the normal CDF on the uniform
    interval `[Phi(-2), Phi(2)]`, so every sample costs one draw.

    Args:
        shape: Shape of the result.
        mean: Mean of the untruncated distribution.
        stddev: Standard deviation of the untruncated distribution.
        dtype: Floating dtype of the result; defaults to `keras_like.config.floatx()`.
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `shape`.

    Example:
    >>> x = keras_like.random.truncated_normal((1000,), seed=1)
    >>> float(abs(x).numpy().max()) <= 2.0
    True
    """
    dims = _shape(shape, "truncated_normal")
    dtype = _float_dtype(dtype, "truncated_normal")
    cd = _compute_dtype(dtype)
    key, counter = draw_seed(seed, blocks_for(_size(dims)))
    u = E.random("uniform", dims, cd, key, counter)
    # Phi(x) = (1 + erf(x / sqrt 2)) / 2, so a standard normal below t has erf-argument
    # 2 Phi(t) - 1 = erf(t / sqrt 2): sample that argument uniformly on [-erf(2/sqrt2), +...].
    half = math.erf(_TRUNCATION / math.sqrt(2.0))
    z = E.multiply(E.erfinv(E.add(E.multiply(u, 2.0 * half), -half)), math.sqrt(2.0))
    z = E.minimum(E.maximum(z, -_TRUNCATION), _TRUNCATION)
    out = E.add(E.multiply(z, _operand(stddev, cd)), _operand(mean, cd))
    return E.cast(out, dtype) if out.dtype != dtype else out


def _gamma_parts(dims, alpha, cd, streams, first):
    """Marsaglia-Tsang gamma samples as `(g, log_boost)`, the sample being g * exp(log_boost).

    `alpha` < 1 samples alpha + 1 and multiplies by u ** (1 / alpha) (kept as a logarithm so
    that beta can stay in log space). Uses streams `first` .. `first + 2 * _GAMMA_ROUNDS`.
    Non-positive or NaN alphas give NaN.
    """
    valid = E.logical_and(E.greater(alpha, 0.0), E.isfinite(alpha))
    safe_alpha = E.where(valid, alpha, 1.0)
    small = E.less(safe_alpha, 1.0)
    boosted = E.where(small, E.add(safe_alpha, 1.0), safe_alpha)
    d = E.subtract(boosted, 1.0 / 3.0)
    c = E.rsqrt(E.multiply(d, 9.0))
    result = E.full(dims, float("nan"), cd)
    done = E.logical_not(valid)
    rnd = 0
    while not _all(done):
        spill = rnd >= _GAMMA_ROUNDS
        x = streams.draw("normal", dims, cd, first + 2 * rnd, spill)
        u = E.subtract(1.0, streams.draw("uniform", dims, cd, first + 2 * rnd + 1, spill))
        t = E.add(E.multiply(c, x), 1.0)
        v = E.multiply(E.square(t), t)
        positive = E.greater(v, 0.0)
        log_v = E.log(E.where(positive, v, 1.0))
        # log u < x^2 / 2 + d - d v + d log v  (Marsaglia & Tsang 2000)
        bound = E.add(E.multiply(E.square(x), 0.5), E.multiply(d, E.add(E.subtract(1.0, v), log_v)))
        accept = E.logical_and(positive, E.less(E.log(u), bound))
        take = E.logical_and(accept, E.logical_not(done))
        result = E.where(take, E.multiply(d, v), result)
        done = E.logical_or(done, accept)
        rnd += 1
    u = E.subtract(1.0, streams.draw("uniform", dims, cd, first + 2 * _GAMMA_ROUNDS))
    log_boost = E.where(small, E.divide(E.log(u), safe_alpha), 0.0)
    return result, log_boost


_GAMMA_STREAMS = 2 * _GAMMA_ROUNDS + 1


def gamma(shape, alpha, dtype=None, seed=None):
    """Draws samples from a Gamma distribution with shape `alpha` and scale 1.

    Args:
        shape: Shape of the result.
        alpha: Shape parameter (> 0); a number or a tensor broadcastable to `shape`.
        dtype: Floating dtype of the result; defaults to `keras_like.config.floatx()`.
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `shape` with mean `alpha` and variance `alpha`.

    Example:
    >>> x = keras_like.random.gamma((10000,), alpha=2.0, seed=5)
    >>> round(float(x.numpy().mean()), 1)
    2.0
    """
    dims = _shape(shape, "gamma")
    dtype = _float_dtype(dtype, "gamma")
    _check_positive(alpha, "alpha", "gamma")
    cd = _compute_dtype(dtype)
    a = _param(alpha, cd, dims, "alpha", "gamma")
    if _is_meta(a):
        return _meta(dims, dtype)
    streams = _Streams(seed, _size(dims), _GAMMA_STREAMS, a.device)
    g, log_boost = _gamma_parts(dims, a, cd, streams, 0)
    out = E.multiply(g, E.exp(log_boost))
    return E.cast(out, dtype) if out.dtype != dtype else out


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Draws samples from a Beta distribution, as X / (X + Y) with X, Y Gamma-distributed.

    Args:
        shape: Shape of the result.
        alpha: First parameter (> 0); a number or a tensor broadcastable to `shape`.
        beta: Second parameter (> 0); a number or a tensor broadcastable to `shape`.
        dtype: Floating dtype of the result; defaults to `keras_like.config.floatx()`.
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `shape` with values in [0, 1] and mean `alpha / (alpha + beta)`.

    Example:
    >>> x = keras_like.random.beta((10000,), alpha=2.0, beta=6.0, seed=5)
    >>> round(float(x.numpy().mean()), 2)
    0.25
    """
    dims = _shape(shape, "beta")
    dtype = _float_dtype(dtype, "beta")
    _check_positive(alpha, "alpha", "beta")
    _check_positive(beta, "beta", "beta")
    cd = _compute_dtype(dtype)
    a = _param(alpha, cd, dims, "alpha", "beta")
    b = _param(beta, cd, dims, "beta", "beta")
    if _is_meta(a) or _is_meta(b):
        return _meta(dims, dtype)
    streams = _Streams(seed, _size(dims), 2 * _GAMMA_STREAMS, a.device)
    gx, bx = _gamma_parts(dims, a, cd, streams, 0)
    gy, by = _gamma_parts(dims, b, cd, streams, _GAMMA_STREAMS)
    # X / (X + Y) = sigmoid(log X - log Y): stays finite when both gammas underflow (tiny
    # alphas give samples far below the smallest float).
    log_ratio = E.add(E.subtract(E.log(gx), E.log(gy)), E.subtract(bx, by))
    out = E.sigmoid(log_ratio)
    return E.cast(out, dtype) if out.dtype != dtype else out


def _check_positive(value, name, op):
    v = _scalar(value)
    if v is not None and not v > 0:
        raise ValueError(
            f"`keras.random.{op}`: invalid value for argument `{name}`. Expected a number > 0. "
            f"Received: {name}={value}"
        )


# ---------------------------------------------------------------------------------------------
# Discrete distributions
# ---------------------------------------------------------------------------------------------


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Draws integers uniformly from `[minval, maxval)`.

    Args:
        shape: Shape of the result.
        minval: Lower bound (inclusive); an integer or a tensor broadcastable to `shape`.
        maxval: Upper bound (exclusive); an integer or a broadcastable tensor.
        dtype: Integer dtype of the result (default `"int32"`).
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `shape`.

    Example:
    >>> x = keras_like.random.randint((100,), 0, 10, seed=2)
    >>> bool(((x >= 0) & (x < 10)).numpy().all())
    True
    """
    dtype = "int32" if dtype is None else dtype
    if not is_int_dtype(dtype):
        raise ValueError(
            f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype} "
        )
    dtype = standardize_dtype(dtype)
    dims = _shape(shape, "randint")
    lo, hi = _scalar(minval), _scalar(maxval)
    if lo is not None and hi is not None and not hi > lo:
        raise ValueError(
            "`keras.random.randint`: invalid value for argument `maxval`. Expected maxval > "
            f"minval. Received: minval={minval}, maxval={maxval}"
        )
    key, counter = draw_seed(seed, blocks_for(_size(dims)))
    # 53 random bits per value: floor(u * span) is unbiased to ~2**-20 even for 32-bit spans.
    u = E.random("uniform", dims, "float64", key, counter)
    low = float(math.floor(lo)) if lo is not None else E.floor(tensor(minval, "float64"))
    high = float(math.floor(hi)) if hi is not None else E.floor(tensor(maxval, "float64"))
    span = high - low if lo is not None and hi is not None else E.subtract(high, low)
    value = E.add(E.floor(E.multiply(u, span)), low)
    value = E.minimum(value, E.subtract(high, 1.0) if type(high) is Tensor else high - 1.0)
    return E.cast(value, dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Draws samples from Binomial distributions (number of successes in `counts` trials).

    Exact sampling: the inversion (geometric waiting time) method where the expected count
    is below 10 and Hörmann's BTRS transformed rejection above, both vectorised over rounds.

    Args:
        shape: Shape of the result.
        counts: Number of trials; a number or a tensor broadcastable to `shape`.
        probabilities: Success probability of each trial, in [0, 1]; broadcastable too.
        dtype: Floating dtype of the result; defaults to `keras_like.config.floatx()`.
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `shape` holding whole numbers (NaN where a parameter is invalid).

    Example:
    >>> x = keras_like.random.binomial((10000,), counts=20, probabilities=0.25, seed=4)
    >>> round(float(x.numpy().mean()))
    5
    """
    dims = _shape(shape, "binomial")
    dtype = _float_dtype(dtype, "binomial")
    p_scalar, n_scalar = _scalar(probabilities), _scalar(counts)
    if p_scalar is not None and not 0.0 <= p_scalar <= 1.0:
        raise ValueError(
            "`keras.random.binomial`: invalid value for argument `probabilities`. Expected "
            f"values in [0, 1]. Received: probabilities={probabilities}"
        )
    if n_scalar is not None and not n_scalar >= 0:
        raise ValueError(
            "`keras.random.binomial`: invalid value for argument `counts`. Expected values "
            f">= 0. Received: counts={counts}"
        )
    n = _param(counts, "float64", dims, "counts", "binomial")
    p = _param(probabilities, "float64", dims, "probabilities", "binomial")
    if _is_meta(n) or _is_meta(p):
        return _meta(dims, dtype)
    streams = _Streams(seed, _size(dims),
                       _BINOMIAL_INVERSION_ROUNDS + 2 * _BINOMIAL_BTRS_ROUNDS, n.device)
    invalid = E.logical_not(E.logical_and(
        E.logical_and(E.greater_equal(n, 0.0), E.isfinite(n)),
        E.logical_and(E.greater_equal(p, 0.0), E.less_equal(p, 1.0))))
    flip = E.greater(p, 0.5)  # sample failures instead, so q <= 1/2 below
    q = E.where(flip, E.subtract(1.0, p), p)
    trivial = E.logical_or(invalid, E.logical_or(E.equal(q, 0.0), E.equal(n, 0.0)))
    large = E.logical_and(E.greater_equal(E.multiply(n, q), 10.0), E.logical_not(trivial))
    small = E.logical_and(E.logical_not(large), E.logical_not(trivial))
    k = E.full(dims, 0.0, "float64")
    if _any(small):
        k = E.where(small, _binomial_inversion(dims, n, q, small, streams), k)
    if _any(large):
        k = E.where(large, _binomial_btrs(dims, n, q, large, streams), k)
    k = E.where(flip, E.subtract(n, k), k)
    k = E.where(invalid, float("nan"), k)
    return E.cast(k, dtype)


def _binomial_inversion(dims, n, q, active, streams):
    """Counts geometric waiting times until they pass `n`: about n*q + 1 rounds."""
    safe_q = E.where(active, q, 0.5)
    log1m_q = E.log1p(E.negative(safe_q))
    geom_sum = E.full(dims, 0.0, "float64")
    num = E.full(dims, 0.0, "float64")
    rnd = 0
    while _any(active):
        u = streams.draw("uniform", dims, "float64", rnd, rnd >= _BINOMIAL_INVERSION_ROUNDS)
        geom = E.ceil(E.divide(E.log(u), log1m_q))  # >= 1 successes' spacing (inf for u = 0)
        geom_sum = E.where(active, E.add(geom_sum, geom), geom_sum)
        num = E.where(active, E.add(num, 1.0), num)
        active = E.logical_and(active, E.less_equal(geom_sum, n))
        rnd += 1
    return E.subtract(num, 1.0)


def _binomial_btrs(dims, n, q, active, streams):
    """Hörmann (1993) BTRS for n*q >= 10 and q <= 1/2; accepts over 80% per round."""
    n = E.where(active, n, 100.0)
    q = E.where(active, q, 0.25)
    spq = E.sqrt(E.multiply(E.multiply(n, q), E.subtract(1.0, q)))
    b = E.add(E.multiply(spq, 2.53), 1.15)
    a = E.add(E.add(E.multiply(b, 0.0248), -0.0873), E.multiply(q, 0.01))
    c = E.add(E.multiply(n, q), 0.5)
    v_r = E.subtract(0.92, E.divide(4.2, b))
    alpha = E.multiply(E.add(E.divide(5.1, b), 2.83), spq)
    log_r = E.log(E.divide(q, E.subtract(1.0, q)))
    m = E.floor(E.multiply(E.add(n, 1.0), q))
    log_fm = E.add(E.lgamma(E.add(m, 1.0)), E.lgamma(E.add(E.subtract(n, m), 1.0)))
    result = E.full(dims, 0.0, "float64")
    pending = active
    base = _BINOMIAL_INVERSION_ROUNDS
    rnd = 0
    while _any(pending):
        spill = rnd >= _BINOMIAL_BTRS_ROUNDS
        u = E.subtract(streams.draw("uniform", dims, "float64", base + 2 * rnd, spill), 0.5)
        v = streams.draw("uniform", dims, "float64", base + 2 * rnd + 1, spill)
        us = E.subtract(0.5, E.abs(u))
        safe_us = E.maximum(us, 1e-300)
        k = E.floor(E.add(E.multiply(E.add(E.divide(E.multiply(a, 2.0), safe_us), b), u), c))
        squeeze = E.logical_and(E.greater_equal(us, 0.07), E.less_equal(v, v_r))
        in_range = E.logical_and(E.greater_equal(k, 0.0), E.less_equal(k, n))
        safe_k = E.where(in_range, k, 0.0)
        lhs = E.log(E.divide(E.multiply(v, alpha), E.add(E.divide(a, E.square(safe_us)), b)))
        # log(f(k) / f(m)) for f(k) = C(n, k) r**k, r = q / (1 - q)
        log_ratio = E.subtract(
            E.add(log_fm, E.multiply(E.subtract(safe_k, m), log_r)),
            E.add(E.lgamma(E.add(safe_k, 1.0)), E.lgamma(E.add(E.subtract(n, safe_k), 1.0))))
        accept = E.logical_or(squeeze, E.logical_and(in_range, E.less_equal(lhs, log_ratio)))
        take = E.logical_and(accept, pending)
        result = E.where(take, k, result)
        pending = E.logical_and(pending, E.logical_not(accept))
        rnd += 1
    return result


def categorical(logits, num_samples, dtype="int32", seed=None):
    """Draws class indices from categorical distributions given by unnormalised log-probs.

    Uses the Gumbel-max trick: argmax(logits + Gumbel noise) is a sample of softmax(logits).

    Args:
        logits: 2-D tensor `(batch_size, num_classes)` of unnormalised log-probabilities.
        num_samples: Number of independent samples per row.
        dtype: Integer dtype of the result (default `"int32"`).
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor of shape `(batch_size, num_samples)`.

    Example:
    >>> keras_like.random.categorical([[0.0, 1.0, 2.0]], 5, seed=0).shape
    (1, 5)
    """
    x = float_tensor(logits)
    if x.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits={logits}"
        )
    if not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool) or (
            num_samples < 0):
        raise ValueError(
            "Invalid value for argument `num_samples`. Expected a non-negative integer. "
            f"Received: num_samples={num_samples}"
        )
    dtype = standardize_dtype(dtype)
    batch, classes = x.shape
    out_shape = [batch, int(num_samples)]
    if _is_meta(x):
        return _meta(out_shape, dtype)
    if classes == 0:
        raise ValueError(
            "`logits` must have at least one class. Received: logits.shape="
            f"{tuple(x.shape)}"
        )
    cd = _compute_dtype(x.dtype)
    noise_shape = [batch, int(num_samples), classes]
    key, counter = draw_seed(seed, blocks_for(_size(noise_shape)))
    u = E.random("uniform", noise_shape, cd, key, counter, x.device)
    tiny = float(np.finfo(cd).tiny)  # keeps log(u) finite, as JAX's gumbel does
    gumbel = E.negative(E.log(E.negative(E.log(E.maximum(u, tiny)))))
    scores = E.add(E.reshape(E.cast(x, cd), [batch, 1, classes]), gumbel)
    return E.cast(E.arg_reduce(scores, True, 2, False), dtype)


# ---------------------------------------------------------------------------------------------
# Tensor transforms
# ---------------------------------------------------------------------------------------------


def dropout(inputs, rate, noise_shape=None, seed=None):
    """Zeroes entries with probability `rate` and scales the rest by `1 / (1 - rate)`.

    Args:
        inputs: Input tensor.
        rate: Drop probability in [0, 1).
        noise_shape: Shape of the keep/drop mask, broadcast to the input's shape (entries of
            `None` take the input's size), e.g. `(batch, 1, features)` to drop whole features
            for every timestep.
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor like `inputs`.

    Example:
    >>> y = keras_like.random.dropout(keras_like.ops.ones((2, 4)), rate=0.5, seed=1)
    >>> sorted(set(y.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """
    x = float_tensor(inputs)
    rate_value = _scalar(rate)
    if type(rate) is not Tensor and not hasattr(rate, "_keras_like_value") and (
            rate_value is None or not 0.0 <= rate_value < 1.0):
        raise ValueError(
            f"Invalid value for argument `rate`. Expected a float in [0, 1). Received: "
            f"rate={rate}"
        )
    mask_shape = _noise_shape(x, noise_shape)
    if _is_meta(x):
        return _meta(x.shape, x.dtype)
    key, counter = draw_seed(seed, blocks_for(_size(mask_shape)))
    if rate_value == 0.0:
        return x
    keep_prob = 1.0 - rate_value if rate_value is not None else E.subtract(
        1.0, float_tensor(rate))
    u = E.random("uniform", mask_shape, "float32", key, counter, x.device)
    mask = E.less(u, keep_prob)
    if mask_shape != list(x.shape):
        mask = E.broadcast_to(mask, list(x.shape))
    kept = E.divide(x, keep_prob if type(keep_prob) is float else E.cast(keep_prob, x.dtype))
    return E.where(mask, kept, 0.0)


def _noise_shape(x, noise_shape):
    if noise_shape is None:
        return list(x.shape)
    dims = list(noise_shape)
    if len(dims) != x.ndim:
        raise ValueError(
            "Invalid value for argument `noise_shape`: it must have one entry per input "
            f"dimension. Received: noise_shape={noise_shape}, inputs.shape={tuple(x.shape)}"
        )
    dims = [x.shape[i] if d is None else int(d) for i, d in enumerate(dims)]
    for d, s in zip(dims, x.shape, strict=True):
        if d not in (1, s):
            raise ValueError(
                "Invalid value for argument `noise_shape`: it must broadcast to the input "
                f"shape. Received: noise_shape={noise_shape}, inputs.shape={tuple(x.shape)}"
            )
    return dims


def shuffle(x, axis=0, seed=None):
    """Permutes the slices of `x` along `axis` in a uniformly random order.

    Every slice moves as a whole (like `np.random.permutation` along an axis).

    Args:
        x: Tensor to shuffle.
        axis: Axis along which to shuffle (default 0).
        seed: `None`, an integer or a `SeedGenerator` (see `normal`).

    Returns:
        A tensor like `x`.

    Example:
    >>> y = keras_like.random.shuffle(keras_like.ops.arange(5), seed=0)
    >>> sorted(y.numpy().tolist())
    [0, 1, 2, 3, 4]
    """
    t = tensor(x)
    if t.ndim == 0:
        raise ValueError("`shuffle` needs a tensor with at least one dimension. Received a scalar")
    if not isinstance(axis, (int, np.integer)) or not -t.ndim <= axis < t.ndim:
        raise ValueError(
            f"Invalid value for argument `axis`: axis {axis} is out of bounds for a tensor of "
            f"rank {t.ndim}"
        )
    axis = int(axis) % t.ndim
    if _is_meta(t):
        return _meta(t.shape, t.dtype)
    size = t.shape[axis]
    key, counter = draw_seed(seed, blocks_for(size))
    # Sorting 53-bit keys: ties (which a stable sort would resolve towards the original
    # order) are too rare to matter even for millions of slices.
    keys = E.random("uniform", [size], "float64", key, counter, t.device)
    perm = E.sort(keys, 0, False)[1]
    return E.take(t, perm, axis)
