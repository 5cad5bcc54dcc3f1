"""Dropout: zeroes random entries during training and rescales the rest."""

import numbers

from keras_like import random
from keras_like.layers.layer import Layer


def validate_rate(rate, name="rate"):
    """Checks a drop probability (used by the dropout-like layers); returns it."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a float in [0, 1). "
            f"Received: {name}={rate}"
        )
    # NumPy scalars become Python numbers so the config stays JSON-serializable.
    return rate.item() if hasattr(rate, "item") else rate


def validate_noise_shape(noise_shape):
    """Returns `noise_shape` as a tuple of positive ints / None, or raises Keras's errors."""
    if noise_shape is None:
        return None
    if isinstance(noise_shape, str):
        raise ValueError(
            "Invalid value received for argument `noise_shape`. Expected a tuple or list of "
            f"integers. Received: noise_shape={noise_shape}"
        )
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(
            "Invalid value received for argument `noise_shape`. Expected an iterable of "
            f"integers (e.g., a tuple or list). Received: noise_shape={noise_shape}"
        ) from None
    for i, dim in enumerate(noise_shape):
        if dim is None:
            continue
        if isinstance(dim, bool) or not isinstance(dim, int):
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected all elements to "
                f"be integers or None. Received element at index {i}: {dim} "
                f"(type: {type(dim).__name__})"
            )
        if dim <= 0:
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected all dimensions "
                f"to be positive integers or None. Received negative or zero value at index "
                f"{i}: {dim}"
            )
    return noise_shape


class Dropout(Layer):
    """Randomly sets entries to 0 with probability `rate` during training.

    Kept entries are scaled by `1 / (1 - rate)` so the expected sum is unchanged. The layer
    only acts when called with `training=True` (as `fit()` does); otherwise it returns its
    inputs.

    Args:
        rate: Float in [0, 1), the fraction of entries to drop.
        noise_shape: Shape of the keep/drop mask, broadcast against the inputs; `None`
            entries take the input's size. `(batch, 1, features)` drops the same features at
            every timestep.
        seed: Integer seed of the layer's `SeedGenerator`.

    Example:
    >>> layer = Dropout(0.5, seed=1)
    >>> y = layer(np.ones((2, 4), dtype="float32"), training=True)
    >>> sorted(set(y.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
    True
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = validate_rate(rate)
        self.seed = seed
        self.noise_shape = validate_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape,
                                  seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}
