"""Random distributions (`keras.random`), drawn from the engine's counter-based Philox.

Thin public functions: the work happens in `keras_like.ops.random_draws` and
`keras_like.ops.random_samplers`, which reserve the Philox blocks a draw reads from its seed
(`seed=None` is the global `SeedGenerator`) and keep the state on the device (see
`keras_like.ops.random_state`).
"""

from keras_like.ops import random_draws, random_samplers
from keras_like.random import seed_generator as _seed_generator  # noqa: F401 (see below)

# Importing seed_generator registers the global generator that `seed=None` draws from.


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
    return random_draws.normal(shape, mean, stddev, dtype, seed)


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
    return random_draws.uniform(shape, minval, maxval, dtype, seed)


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
    return random_draws.truncated_normal(shape, mean, stddev, dtype, seed)


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
    return random_samplers.gamma(shape, alpha, dtype, seed)


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
    return random_samplers.beta(shape, alpha, beta, dtype, seed)


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
    return random_draws.randint(shape, minval, maxval, dtype, seed)


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
    return random_samplers.binomial(shape, counts, probabilities, dtype, seed)


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
    return random_draws.categorical(logits, num_samples, dtype, seed)


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
    return random_draws.dropout(inputs, rate, noise_shape, seed)


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
    return random_draws.shuffle(x, axis, seed)
