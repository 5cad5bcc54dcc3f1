"""Engine side of `keras_like.random`'s rejection samplers: gamma, beta and binomial.

A rejection sampler reserves a fixed number of rounds of numbers up front (one Philox stream
per array of numbers a round draws, see `random_state.Streams`) and runs every round with
masks: an element keeps the value of the first round that accepts it. Nothing decides on the
host how many rounds to run, so a draw is a fixed list of engine ops (replayable in a
captured step) and a pure function of the Philox state.

Each round accepts with probability above 0.8 (Marsaglia-Tsang: above 0.95), so an element
that no reserved round accepts is beyond remote (below 0.2**32 per element); such an element
gets a documented fallback value instead of further rounds.
"""

import math

from keras_like.ops._base import E
from keras_like.ops.random_draws import (
    cast_result,
    checked_shape,
    compute_dtype,
    float_result_dtype,
    is_meta,
    meta_result,
    parameter,
    python_scalar,
)
from keras_like.ops.random_state import Reservation, Streams, blocks_for

# The stream layout (which block each round reads) depends on these counts: changing one
# changes the numbers every sampler draws.
GAMMA_ROUNDS = 32
GAMMA_STREAMS = 2 * GAMMA_ROUNDS + 1  # a normal and a uniform per round, one boost uniform
BINOMIAL_INVERSION_ROUNDS = 64
BINOMIAL_BTRS_ROUNDS = 32
BINOMIAL_STREAMS = BINOMIAL_INVERSION_ROUNDS + 2 * BINOMIAL_BTRS_ROUNDS


def _gamma_parts(dims, alpha, cd, streams, first):
    """Marsaglia-Tsang gamma samples as `(g, log_boost)`, the sample being g * exp(log_boost).

    `alpha` < 1 samples alpha + 1 and multiplies by u ** (1 / alpha) (kept as a logarithm so
    that beta can stay in log space). Uses streams `first` .. `first + 2 * GAMMA_ROUNDS`.
    Non-positive or NaN alphas give NaN; an element no round accepts gets `d = alpha - 1/3`
    (about the median).
    """
    valid = E.logical_and(E.greater(alpha, 0.0), E.isfinite(alpha))
    safe_alpha = E.where(valid, alpha, 1.0)
    small = E.less(safe_alpha, 1.0)
    boosted = E.where(small, E.add(safe_alpha, 1.0), safe_alpha)
    d = E.subtract(boosted, 1.0 / 3.0)
    c = E.rsqrt(E.multiply(d, 9.0))
    result = E.full(dims, float("nan"), cd)
    done = E.logical_not(valid)
    for rnd in range(GAMMA_ROUNDS):
        x = streams.draw("normal", dims, cd, first + 2 * rnd)
        u = E.subtract(1.0, streams.draw("uniform", dims, cd, first + 2 * rnd + 1))
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
    result = E.where(done, result, d)
    u = E.subtract(1.0, streams.draw("uniform", dims, cd, first + 2 * GAMMA_ROUNDS))
    log_boost = E.where(small, E.divide(E.log(u), safe_alpha), 0.0)
    return result, log_boost


def check_positive(value, name, op):
    v = python_scalar(value)
    if v is not None and not v > 0:
        raise ValueError(
            f"`keras.random.{op}`: invalid value for argument `{name}`. Expected a number > 0. "
            f"Received: {name}={value}"
        )


def gamma(shape, alpha, dtype, seed):
    """`keras_like.random.gamma`: Marsaglia-Tsang rejection over reserved rounds."""
    dims = checked_shape(shape, "gamma")
    dtype = float_result_dtype(dtype, "gamma")
    check_positive(alpha, "alpha", "gamma")
    cd = compute_dtype(dtype)
    a = parameter(alpha, cd, dims, "alpha", "gamma")
    if is_meta(a):
        return meta_result(dims, dtype)
    size = math.prod(dims)
    with Reservation(seed, blocks_for(size) * GAMMA_STREAMS) as reservation:
        g, log_boost = _gamma_parts(dims, a, cd, Streams(reservation, size), 0)
    return cast_result(E.multiply(g, E.exp(log_boost)), dtype)


def beta(shape, alpha, beta, dtype, seed):
    """`keras_like.random.beta` as X / (X + Y) of two gamma samples, in log space."""
    dims = checked_shape(shape, "beta")
    dtype = float_result_dtype(dtype, "beta")
    check_positive(alpha, "alpha", "beta")
    check_positive(beta, "beta", "beta")
    cd = compute_dtype(dtype)
    a = parameter(alpha, cd, dims, "alpha", "beta")
    b = parameter(beta, cd, dims, "beta", "beta")
    if is_meta(a) or is_meta(b):
        return meta_result(dims, dtype)
    size = math.prod(dims)
    with Reservation(seed, blocks_for(size) * 2 * GAMMA_STREAMS) as reservation:
        streams = Streams(reservation, size)
        gx, bx = _gamma_parts(dims, a, cd, streams, 0)
        gy, by = _gamma_parts(dims, b, cd, streams, GAMMA_STREAMS)
    # X / (X + Y) = sigmoid(log X - log Y): stays finite when both gammas underflow (tiny
    # alphas give samples far below the smallest float).
    log_ratio = E.add(E.subtract(E.log(gx), E.log(gy)), E.subtract(bx, by))
    return cast_result(E.sigmoid(log_ratio), dtype)


def binomial(shape, counts, probabilities, dtype, seed):
    """`keras_like.random.binomial`: inversion for n*q < 10, BTRS above (q = min(p, 1 - p))."""
    dims = checked_shape(shape, "binomial")
    dtype = float_result_dtype(dtype, "binomial")
    p_scalar, n_scalar = python_scalar(probabilities), python_scalar(counts)
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
    n = parameter(counts, "float64", dims, "counts", "binomial")
    p = parameter(probabilities, "float64", dims, "probabilities", "binomial")
    if is_meta(n) or is_meta(p):
        return meta_result(dims, dtype)
    size = math.prod(dims)
    invalid = E.logical_not(E.logical_and(
        E.logical_and(E.greater_equal(n, 0.0), E.isfinite(n)),
        E.logical_and(E.greater_equal(p, 0.0), E.less_equal(p, 1.0))))
    flip = E.greater(p, 0.5)  # sample failures instead, so q <= 1/2 below
    q = E.where(flip, E.subtract(1.0, p), p)
    trivial = E.logical_or(invalid, E.logical_or(E.equal(q, 0.0), E.equal(n, 0.0)))
    large = E.logical_and(E.greater_equal(E.multiply(n, q), 10.0), E.logical_not(trivial))
    small = E.logical_and(E.logical_not(large), E.logical_not(trivial))
    use_inversion, use_btrs = _binomial_methods(n_scalar, p_scalar)
    with Reservation(seed, blocks_for(size) * BINOMIAL_STREAMS) as reservation:
        streams = Streams(reservation, size)
        k = E.full(dims, 0.0, "float64")
        if use_inversion:
            k = E.where(small, _binomial_inversion(dims, n, q, small, streams), k)
        if use_btrs:
            k = E.where(large, _binomial_btrs(dims, n, q, large, streams), k)
    k = E.where(flip, E.subtract(n, k), k)
    k = E.where(invalid, float("nan"), k)
    return E.cast(k, dtype)


def _binomial_methods(n_scalar, p_scalar):
    """Which of (inversion, BTRS) can matter: decided from Python numbers, never from tensors.

    With tensor parameters both methods run, masked. With plain numbers every element takes
    the same method, found here with the same float64 arithmetic the engine does, so the
    other method's rounds are skipped without changing a number.
    """
    if n_scalar is None or p_scalar is None:
        return True, True
    q = 1.0 - p_scalar if p_scalar > 0.5 else p_scalar
    if not math.isfinite(n_scalar) or q == 0.0 or n_scalar == 0.0:
        return False, False
    large = n_scalar * q >= 10.0
    return not large, large


def _binomial_inversion(dims, n, q, active, streams):
    """Counts geometric waiting times until they pass `n` (about n*q + 1 rounds are needed).

    An element still counting after the reserved rounds (a count of 63 or more where the mean
    is below 10) stops at the rounds counted.
    """
    safe_q = E.where(active, q, 0.5)
    log1m_q = E.log1p(E.negative(safe_q))
    geom_sum = E.full(dims, 0.0, "float64")
    num = E.full(dims, 0.0, "float64")
    for rnd in range(BINOMIAL_INVERSION_ROUNDS):
        u = streams.draw("uniform", dims, "float64", rnd)
        geom = E.ceil(E.divide(E.log(u), log1m_q))  # >= 1 successes' spacing (inf for u = 0)
        geom_sum = E.where(active, E.add(geom_sum, geom), geom_sum)
        num = E.where(active, E.add(num, 1.0), num)
        active = E.logical_and(active, E.less_equal(geom_sum, n))
    return E.subtract(num, 1.0)


def _binomial_btrs(dims, n, q, active, streams):
    """Hörmann (1993) BTRS for n*q >= 10 and q <= 1/2; accepts over 80% per round.

    An element no reserved round accepts gets the mode `floor((n + 1) q)`.
    """
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
    base = BINOMIAL_INVERSION_ROUNDS
    for rnd in range(BINOMIAL_BTRS_ROUNDS):
        u = E.subtract(streams.draw("uniform", dims, "float64", base + 2 * rnd), 0.5)
        v = streams.draw("uniform", dims, "float64", base + 2 * rnd + 1)
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
    return E.where(pending, m, result)
