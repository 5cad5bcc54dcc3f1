"""`keras_like.utils.set_random_seed`: one call that makes a program reproducible."""

import random

import numpy as np

_GLOBAL_RANDOM_SEED = None


def set_random_seed(seed):
    """Sets all random seeds: Python's `random`, NumPy's global RNG and keras_like's own.

    keras_like's ops read their randomness from a global `SeedGenerator` (for `seed=None`)
    and from `SeedGenerator`s whose seed was picked with Python's `random`; after this call
    both start from `seed`, so a program that calls it first gives the same bits every run
    (on any thread count).

    Args:
        seed: Integer, the random seed to use.

    Example:
    >>> set_random_seed(1337)
    >>> a = keras_like.random.normal((3,))
    >>> set_random_seed(1337)
    >>> b = keras_like.random.normal((3,))
    >>> bool((a.numpy() == b.numpy()).all())
    True
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, (bool, np.bool_)):
        raise ValueError(
            "Expected `seed` argument to be an integer. "
            f"Received: seed={seed} (of type {type(seed)})"
        )
    # Imported here: keras_like.backend imports keras_like.utils while it initialises.
    from keras_like.random import seed_generator

    global _GLOBAL_RANDOM_SEED
    seed = int(seed)
    _GLOBAL_RANDOM_SEED = seed
    random.seed(seed)
    np.random.seed(seed % 2**32)  # NumPy's legacy seeding accepts 0 .. 2**32 - 1 only
    seed_generator.set_global_seed_generator(
        seed_generator.SeedGenerator(seed, name="global_seed_generator"))


def get_random_seed():
    """The seed last given to `set_random_seed`, or None."""
    return _GLOBAL_RANDOM_SEED
