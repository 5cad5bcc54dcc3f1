"""The shuffle-then-split Keras's boston_housing loader uses (shared with `digits`)."""

import numpy as np


def shuffle_split(x, y, test_split, seed):
    """Shuffles `(x, y)` with `RandomState(seed)` and cuts off the last `test_split` part."""
    if not 0 <= test_split < 1:
        raise ValueError(
            "Invalid value for argument `test_split`. Expected a float in [0, 1). "
            f"Received: test_split={test_split}"
        )
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x = x[indices]
    y = y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
