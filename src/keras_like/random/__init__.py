"""`keras_like.random`: seeded random distributions (the `keras.random` API).

    import keras_like as keras
    gen = keras.random.SeedGenerator(1337)
    x = keras.random.normal((2, 3), seed=gen)
"""

from keras_like.random.random import (
    beta,
    binomial,
    categorical,
    dropout,
    gamma,
    normal,
    randint,
    shuffle,
    truncated_normal,
    uniform,
)
from keras_like.random.seed_generator import SeedGenerator

__all__ = [
    "SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint",
    "shuffle", "truncated_normal", "uniform",
]
