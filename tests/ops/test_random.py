"""keras_like.random: seeding rules, reproducibility, distributions and argument errors."""

import math
import random as python_random

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like import random as kr
from keras_like.random import seed_generator as sg
from keras_like.utils import set_random_seed

N = 100_000


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.fixture(autouse=True)
def _fresh_global_generator():
    # Tests that use seed=None must not depend on which tests ran before them.
    saved = sg._global_generator
    yield
    sg.set_global_seed_generator(saved)


# ---------------------------------------------------------------------------------------------
# SeedGenerator
# ---------------------------------------------------------------------------------------------


def test_seed_generator_state_variable():
    gen = kr.SeedGenerator(42)
    state = gen.state
    assert isinstance(state, keras.Variable)
    assert state.name == "seed_generator_state"
    assert state.dtype == "int64" and tuple(state.shape) == (2,)
    assert not state.trainable
    np.testing.assert_array_equal(state.numpy(), [42, 0])


def test_next_returns_state_then_advances():
    gen = kr.SeedGenerator(7)
    first = gen.next()
    assert first.dtype == "int64"
    np.testing.assert_array_equal(np_(first), [7, 0])
    np.testing.assert_array_equal(np_(gen.next(num_blocks=5)), [7, 1])
    np.testing.assert_array_equal(gen.state.numpy(), [7, 6])


@pytest.mark.parametrize("size, blocks", [(0, 1), (1, 1), (4, 1), (5, 2), (10, 3), (16, 4)])
def test_draws_advance_counter_by_blocks_read(size, blocks):
    gen = kr.SeedGenerator(3)
    kr.uniform((size,), seed=gen)
    np.testing.assert_array_equal(gen.state.numpy(), [3, blocks])


def test_successive_generator_draws_do_not_overlap():
    # One draw of 16 values reads blocks 0-3; draws of 6 values read blocks 0-1, then 2-3.
    whole = np_(kr.uniform((16,), seed=42))
    gen = kr.SeedGenerator(42)
    a = np_(kr.uniform((6,), seed=gen))
    b = np_(kr.uniform((6,), seed=gen))
    np.testing.assert_array_equal(a, whole[:6])
    np.testing.assert_array_equal(b, whole[8:14])


def test_generator_first_draw_matches_int_seed():
    gen = kr.SeedGenerator(42)
    np.testing.assert_array_equal(np_(kr.normal((5,), seed=gen)), np_(kr.normal((5,), seed=42)))


def test_seed_tensor_from_next_is_used_as_given():
    gen = kr.SeedGenerator(11)
    gen.next(num_blocks=2)
    seed = gen.next()  # [11, 2]
    whole = np_(kr.uniform((16,), seed=11))
    np.testing.assert_array_equal(np_(kr.uniform((4,), seed=seed)), whole[8:12])
    np.testing.assert_array_equal(np_(kr.uniform((4,), seed=seed)), whole[8:12])


def test_seed_generator_config_round_trip():
    gen = kr.SeedGenerator(123)
    assert gen.get_config() == {"seed": 123}
    clone = kr.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(np_(kr.normal((4,), seed=clone)),
                                  np_(kr.normal((4,), seed=gen)))
    assert kr.SeedGenerator().get_config() == {"seed": None}


def test_unseeded_generator_takes_seed_from_python_random():
    python_random.seed(5)
    a = kr.SeedGenerator().state.numpy()
    python_random.seed(5)
    b = kr.SeedGenerator().state.numpy()
    np.testing.assert_array_equal(a, b)
    assert 1 <= a[0] <= 10**9


def test_seed_generator_errors():
    with pytest.raises(ValueError, match="Argument `seed` must be an integer"):
        kr.SeedGenerator(1.5)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        kr.SeedGenerator(1, foo=2)
    with pytest.raises(ValueError, match="64-bit"):
        kr.SeedGenerator(2**70)


# ---------------------------------------------------------------------------------------------
# Seed argument semantics and reproducibility
# ---------------------------------------------------------------------------------------------


def test_int_seed_is_stateless():
    a = np_(kr.normal((100,), seed=9))
    b = np_(kr.normal((100,), seed=9))
    c = np_(kr.normal((100,), seed=10))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_generator_draws_differ():
    gen = kr.SeedGenerator(9)
    a = np_(kr.normal((100,), seed=gen))
    b = np_(kr.normal((100,), seed=gen))
    assert not np.array_equal(a, b)


def test_seed_none_uses_and_advances_global_generator():
    set_random_seed(21)
    state0 = sg.global_seed_generator().state.numpy()
    a = np_(kr.normal((8,)))
    b = np_(kr.normal((8,)))
    state1 = sg.global_seed_generator().state.numpy()
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(state0, [21, 0])
    np.testing.assert_array_equal(state1, [21, 4])
    np.testing.assert_array_equal(a, np_(kr.normal((8,), seed=21)))


def _program():
    gen = kr.SeedGenerator()  # seeded from Python's random
    return [
        np_(kr.normal((50,))),
        np_(kr.uniform((50,), seed=gen)),
        np_(kr.dropout(np.ones((10, 10), np.float32), 0.5)),
        np_(kr.gamma((50,), 0.7)),
        np_(kr.binomial((50,), 30, 0.4, seed=gen)),
        np.random.rand(3),
        np.array([python_random.random()]),
    ]


def test_set_random_seed_makes_programs_reproducible():
    set_random_seed(1337)
    first = _program()
    set_random_seed(1337)
    second = _program()
    for x, y in zip(first, second, strict=True):
        np.testing.assert_array_equal(x, y)
    set_random_seed(1338)
    assert not np.array_equal(_program()[0], first[0])
    assert keras.utils.rng_utils.get_random_seed() == 1338


def test_set_random_seed_rejects_non_integers():
    with pytest.raises(ValueError, match="Expected `seed` argument to be an integer"):
        set_random_seed(1.0)


def test_invalid_seed_argument():
    with pytest.raises(ValueError, match="Argument `seed` must be either an integer"):
        kr.normal((2,), seed="abc")
    with pytest.raises(ValueError, match="Argument `seed` must be either an integer"):
        kr.normal((2,), seed=1.5)


def _draw_everything():
    x = np.arange(40_000, dtype=np.float32).reshape(400, 100)
    return [
        kr.normal((N,), seed=1), kr.uniform((N,), seed=2), kr.truncated_normal((N,), seed=3),
        kr.randint((N,), -5, 50, seed=4), kr.gamma((N,), 0.8, seed=5),
        kr.beta((N,), 2.0, 3.0, seed=6), kr.binomial((N,), 40, 0.3, seed=7),
        kr.binomial((N,), 4, 0.3, seed=7), kr.categorical(np.zeros((100, 10)), 50, seed=8),
        kr.dropout(x, 0.4, seed=9), kr.shuffle(x, seed=10),
        kr.uniform((N,), dtype="float64", seed=11), kr.normal((N,), dtype="float16", seed=12),
    ]


def test_results_do_not_depend_on_thread_count():
    old = keras.config.get_num_threads()
    try:
        keras.config.set_num_threads(1)
        single = [np_(t) for t in _draw_everything()]
        keras.config.set_num_threads(2)
        double = [np_(t) for t in _draw_everything()]
    finally:
        keras.config.set_num_threads(old)
    for a, b in zip(single, double, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------------------------
# Continuous distributions
# ---------------------------------------------------------------------------------------------


def test_normal_moments_and_dtype():
    x = kr.normal((N,), mean=2.0, stddev=3.0, seed=1)
    assert x.dtype == "float32" and tuple(x.shape) == (N,)
    v = np_(x).astype(np.float64)
    assert abs(v.mean() - 2.0) < 0.05
    assert abs(v.std() - 3.0) < 0.05
    assert kr.normal((2, 3), dtype="float64", seed=1).dtype == "float64"


def test_normal_follows_floatx():
    old = keras.config.floatx()
    try:
        keras.config.set_floatx("float64")
        assert kr.normal((2,), seed=1).dtype == "float64"
    finally:
        keras.config.set_floatx(old)


def test_uniform_range_and_moments():
    v = np_(kr.uniform((N,), minval=-1.0, maxval=3.0, seed=2)).astype(np.float64)
    assert v.min() >= -1.0 and v.max() < 3.0
    assert abs(v.mean() - 1.0) < 0.03
    assert abs(v.var() - 16.0 / 12.0) < 0.03


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_uniform_low_precision_never_reaches_maxval(dtype):
    # Without care, float32 draws above 1 - 2**-12 round up to 1.0 in float16.
    x = kr.uniform((N,), dtype=dtype, seed=3)
    assert x.dtype == dtype
    v = np_(ops.cast(x, "float32"))
    assert v.max() < 1.0 and v.min() >= 0.0


def test_uniform_tensor_bounds():
    low = np.array([0.0, 10.0], np.float32)
    v = np_(kr.uniform((N // 2, 2), minval=low, maxval=low + 1.0, seed=4))
    assert (v[:, 0] >= 0).all() and (v[:, 0] < 1).all()
    assert (v[:, 1] >= 10).all() and (v[:, 1] < 11).all()


def test_truncated_normal_bounds_and_moments():
    mean, std = 1.0, 2.0
    v = np_(kr.truncated_normal((N,), mean=mean, stddev=std, seed=5)).astype(np.float64)
    assert v.min() >= mean - 2 * std and v.max() <= mean + 2 * std
    # Standard normal truncated to [-2, 2]: mean 0, variance 1 - 2 * 2 phi(2) / (Phi(2) - Phi(-2)).
    phi2 = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    z = (v - mean) / std
    assert abs(z.mean()) < 0.01
    assert abs(z.var() - (1 - 4 * phi2 / mass)) < 0.01
    # Re-drawing semantics: the density is the normal's, so the mass in |z| < 1 is
    # (Phi(1) - Phi(-1)) / (Phi(2) - Phi(-2)).
    assert abs(np.mean(np.abs(z) < 1) - math.erf(1 / math.sqrt(2)) / mass) < 0.01


@pytest.mark.parametrize("alpha", [0.3, 1.0, 3.5, 20.0])
def test_gamma_moments(alpha):
    v = np_(kr.gamma((N,), alpha, seed=6)).astype(np.float64)
    assert (v >= 0).all()
    assert abs(v.mean() - alpha) < 0.02 * alpha + 0.01
    assert abs(v.var() - alpha) < 0.05 * alpha + 0.01


def _ks_distance(samples, cdf):
    """Kolmogorov-Smirnov distance between a sample and an exact CDF (vectorised callable)."""
    x = np.sort(samples)
    f = cdf(x)
    n = len(x)
    return max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))


def _gamma_cdf_integer(alpha):
    def cdf(x):
        # P(Gamma(k) <= x) = 1 - sum_{j < k} e^-x x^j / j!  for whole k
        terms = sum(x**j / math.factorial(j) for j in range(int(alpha)))
        return 1.0 - np.exp(-x) * terms
    return cdf


_ERF = np.vectorize(math.erf)


@pytest.mark.parametrize("alpha, cdf", [
    (0.5, lambda x: _ERF(np.sqrt(x))),  # Gamma(1/2) is half a chi-square with 1 dof
    (1.0, _gamma_cdf_integer(1)),
    (3.0, _gamma_cdf_integer(3)),
    (20.0, _gamma_cdf_integer(20)),
])
def test_gamma_matches_exact_cdf(alpha, cdf):
    v = np_(kr.gamma((N,), alpha, dtype="float64", seed=22))
    # 1.95 / sqrt(N) is the 0.1% critical value of the KS statistic.
    assert _ks_distance(v, cdf) < 1.95 / math.sqrt(N)


@pytest.mark.parametrize("a, b, cdf", [
    (0.5, 0.5, lambda x: 2 / np.pi * np.arcsin(np.sqrt(x))),  # the arcsine law
    # I_x(2, 3) = P(Binomial(4, x) >= 2)
    (2.0, 3.0, lambda x: 1 - (1 - x) ** 4 - 4 * x * (1 - x) ** 3),
])
def test_beta_matches_exact_cdf(a, b, cdf):
    v = np_(kr.beta((N,), a, b, dtype="float64", seed=23))
    assert _ks_distance(v, cdf) < 1.95 / math.sqrt(N)


def test_gamma_array_alpha_and_dtype():
    alpha = np.array([0.5, 2.0, 8.0], np.float32)
    x = kr.gamma((N // 2, 3), alpha, dtype="float16", seed=7)
    assert x.dtype == "float16"
    v = np_(x).astype(np.float64)
    np.testing.assert_allclose(v.mean(axis=0), alpha, rtol=0.03)


@pytest.mark.parametrize("a, b", [(2.0, 3.0), (0.5, 0.5), (7.0, 15.0)])
def test_beta_moments(a, b):
    v = np_(kr.beta((N,), a, b, seed=8)).astype(np.float64)
    assert v.min() >= 0 and v.max() <= 1
    assert abs(v.mean() - a / (a + b)) < 0.005
    assert abs(v.var() - a * b / ((a + b) ** 2 * (a + b + 1))) < 0.005


def test_beta_tiny_parameters_stay_finite():
    # Both gammas underflow float32 here; the log-space ratio keeps the result defined.
    v = np_(kr.beta((N,), 0.01, 0.01, seed=9))
    assert not np.isnan(v).any()
    assert abs(v.mean() - 0.5) < 0.02


# ---------------------------------------------------------------------------------------------
# Discrete distributions
# ---------------------------------------------------------------------------------------------


def test_randint_range_and_uniformity():
    x = kr.randint((N,), -3, 7, seed=10)
    assert x.dtype == "int32"
    v = np_(x)
    assert v.min() == -3 and v.max() == 6
    counts = np.bincount(v + 3, minlength=10)
    expected = N / 10
    assert (np.abs(counts - expected) < 5 * math.sqrt(expected)).all()


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int64"])
def test_randint_dtypes(dtype):
    x = kr.randint((1000,), 0, 100, dtype=dtype, seed=11)
    assert x.dtype == dtype
    v = np_(x)
    assert v.min() >= 0 and v.max() < 100


def _binomial_pmf(n, p):
    return np.array([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])


@pytest.mark.parametrize("n, p", [(20, 0.3), (100, 0.3), (60, 0.75)])
def test_binomial_matches_exact_pmf(n, p):
    # (20, 0.3) uses the inversion sampler, the others BTRS (one through the p > 1/2 flip).
    v = np_(kr.binomial((N,), n, p, dtype="float64", seed=12))
    assert (v == np.round(v)).all() and v.min() >= 0 and v.max() <= n
    observed = np.bincount(v.astype(np.int64), minlength=n + 1)
    expected = _binomial_pmf(n, p) * N
    keep = expected >= 5
    chi2 = np.sum((observed[keep] - expected[keep]) ** 2 / expected[keep])
    dof = keep.sum() - 1
    assert (chi2 - dof) / math.sqrt(2 * dof) < 4  # about 4 standard deviations of chi2


def test_binomial_array_parameters_like_keras():
    counts = np.array([[1e5, 2e5, 3e5], [4e5, 5e5, 6e5]])
    probs = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    v = np_(kr.binomial((2, 3), counts, probs, seed=13))
    assert (v <= counts).all()
    np.testing.assert_allclose(v / counts, probs, rtol=0.005, atol=0.005)


def test_binomial_edge_parameters():
    counts = np.array([0.0, 5.0, 5.0, 5.0])
    probs = np.array([0.5, 0.0, 1.0, 1.5])
    v = np_(kr.binomial((4,), counts, probs, dtype="float64", seed=14))
    np.testing.assert_array_equal(v[:3], [0.0, 0.0, 5.0])
    assert np.isnan(v[3])


def test_categorical_frequencies_follow_softmax():
    logits = np.array([[0.0, 1.0, 2.0, -1.0], [3.0, 0.0, 0.0, -np.inf]], np.float32)
    x = kr.categorical(logits, N // 2, seed=15)
    assert x.dtype == "int32" and tuple(x.shape) == (2, N // 2)
    v = np_(x)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    for row in range(2):
        freq = np.bincount(v[row], minlength=4) / v.shape[1]
        np.testing.assert_allclose(freq, probs[row], atol=0.01)
    assert (v[1] != 3).all()  # a -inf logit is never drawn


def test_categorical_peaked_logits_like_keras():
    logits = np.eye(4) * 1e5 + 1e6
    v = np_(kr.categorical(logits, 10, dtype="int64", seed=16))
    np.testing.assert_array_equal(v, np.tile(np.arange(4)[:, None], (1, 10)))


# ---------------------------------------------------------------------------------------------
# dropout and shuffle
# ---------------------------------------------------------------------------------------------


def test_dropout_scaling_and_rate():
    x = np.random.default_rng(0).uniform(1, 2, size=(500, 200)).astype(np.float32)
    y = np_(kr.dropout(x, 0.3, seed=17))
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_array_equal(y[kept], x[kept] / np.float32(0.7))


def test_dropout_noise_shape_broadcasts_mask():
    x = np.ones((64, 5, 32), np.float32)
    y = np_(kr.dropout(x, 0.5, noise_shape=(None, 1, None), seed=18))
    assert y.shape == x.shape
    np.testing.assert_array_equal(y, np.broadcast_to(y[:, :1, :], y.shape))
    assert 0.4 < (y != 0).mean() < 0.6


def test_dropout_gradient_is_the_scaled_mask():
    x = ops.convert_to_tensor(np.random.default_rng(1).uniform(1, 2, (20, 30)))
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = kr.dropout(x, 0.25, seed=19)
    grad = np_(tape.gradient(y, x))
    expected = (np_(y) != 0) / 0.75
    np.testing.assert_allclose(grad, expected, rtol=1e-12)


def test_dropout_zero_rate_is_identity():
    x = np.arange(6, dtype=np.float32)
    np.testing.assert_array_equal(np_(kr.dropout(x, 0.0, seed=1)), x)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "a"])
def test_dropout_rejects_bad_rate(rate):
    with pytest.raises(ValueError, match="argument `rate`"):
        kr.dropout(np.ones(3, np.float32), rate)


def test_dropout_rejects_bad_noise_shape():
    with pytest.raises(ValueError, match="noise_shape"):
        kr.dropout(np.ones((2, 3), np.float32), 0.5, noise_shape=(2, 2))
    with pytest.raises(ValueError, match="noise_shape"):
        kr.dropout(np.ones((2, 3), np.float32), 0.5, noise_shape=(2,))


def test_shuffle_permutes_whole_slices():
    x = np.arange(200).reshape(20, 10)
    y = np_(kr.shuffle(x, seed=20))
    assert not np.array_equal(x, y)
    np.testing.assert_array_equal(np.sort(y[:, 0]), x[:, 0])
    np.testing.assert_array_equal(y, x[y[:, 0] // 10])  # rows moved intact
    z = np_(kr.shuffle(x, axis=1, seed=20))
    np.testing.assert_array_equal(z, x[:, z[0]])
    assert sorted(z[0].tolist()) == list(range(10))


def test_shuffle_is_uniform_over_permutations():
    gen = kr.SeedGenerator(21)
    counts = {}
    trials = 3000
    for _ in range(trials):
        perm = tuple(np_(kr.shuffle(np.arange(3), seed=gen)).tolist())
        counts[perm] = counts.get(perm, 0) + 1
    assert len(counts) == 6
    expected = trials / 6
    assert all(abs(c - expected) < 5 * math.sqrt(expected) for c in counts.values())


def test_shuffle_errors():
    with pytest.raises(ValueError, match="axis"):
        kr.shuffle(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="scalar"):
        kr.shuffle(np.float32(1.0))


# ---------------------------------------------------------------------------------------------
# Argument errors
# ---------------------------------------------------------------------------------------------


def test_dtype_errors():
    with pytest.raises(ValueError, match="`keras.random.uniform` requires a floating point"):
        kr.uniform((3, 4), minval=0, maxval=10, dtype="int64")
    with pytest.raises(ValueError, match="`keras.random.randint` requires an integer"):
        kr.randint((3, 4), minval=0, maxval=10, dtype="float64")
    with pytest.raises(ValueError, match="`keras.random.normal` requires a floating point"):
        kr.normal((3,), dtype="int32")


def test_parameter_errors():
    with pytest.raises(ValueError, match="`maxval`"):
        kr.randint((3,), 5, 5)
    with pytest.raises(ValueError, match="`alpha`"):
        kr.gamma((3,), 0.0)
    with pytest.raises(ValueError, match="`beta`"):
        kr.beta((3,), 1.0, -1.0)
    with pytest.raises(ValueError, match="`probabilities`"):
        kr.binomial((3,), 10, 1.5)
    with pytest.raises(ValueError, match="`shape`"):
        kr.normal((2, -1), seed=1)
    with pytest.raises(ValueError, match="`alpha` must broadcast"):
        kr.gamma((4,), np.ones(3), seed=1)


def test_categorical_errors():
    with pytest.raises(ValueError, match="2-D tensor"):
        kr.categorical(np.ones((5,)), 5)
    with pytest.raises(ValueError, match="2-D tensor"):
        kr.categorical(np.ones((5, 5, 5)), 5)
    with pytest.raises(ValueError, match="`num_samples`"):
        kr.categorical(np.ones((2, 3)), -1)
