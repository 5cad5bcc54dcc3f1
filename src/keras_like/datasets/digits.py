"""UCI handwritten digits, bundled with keras_like (`keras_like.datasets.digits`).

Optical Recognition of Handwritten Digits (UCI Machine Learning Repository, E. Alpaydin and
C. Kaynak, 1998; CC BY 4.0): the 1797-image set as distributed with scikit-learn. See
`data/README.md` next to this file.
"""

import os

import numpy as np

from keras_like.datasets._split import shuffle_split

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "digits.npz")


def load_data(test_split=0.2, seed=113):
    """Loads the bundled 8x8 handwritten digits (1797 images); needs no download.

    The images are shuffled with `np.random.RandomState(seed)` and the last `test_split`
    fraction becomes the test set (the split Keras's `boston_housing` loader uses).

    Args:
        test_split: Fraction of the data to reserve as test set, in `[0, 1)`.
        seed: Random seed for shuffling the data before computing the test split.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: uint8 images shaped
        `(n, 8, 8)` with pixel values 0..16 and uint8 labels 0..9 shaped `(n,)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = keras_like.datasets.digits.load_data()
    >>> x_train.shape, x_test.shape
    ((1437, 8, 8), (360, 8, 8))
    """
    with np.load(_PATH, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffle_split(x, y, test_split, seed)
