"""Fashion-MNIST dataset (`keras_like.datasets.fashion_mnist`)."""

import os

import numpy as np

from keras_like.datasets import _bounded, _cache

_FILES = [
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
]
# IDX files: an 8-byte header before labels, a 16-byte header before 28x28 uint8 images. The
# genuine files hold 60,000 training and 10,000 test samples; nothing larger is read.
_LIMITS = [60000 + 8, 60000 * 784 + 16, 10000 + 8, 10000 * 784 + 16]


def load_data():
    """Loads Fashion-MNIST from Keras's cache (`~/.keras/datasets/fashion-mnist/*.gz`).

    60,000 28x28 grayscale images of 10 fashion categories and 10,000 test images, read
    from the four gzipped IDX files Keras downloads (never downloaded here: a missing file
    raises `FileNotFoundError` naming the path and URL).

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt,
    7 Sneaker, 8 Bag, 9 Ankle boot.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: uint8 images shaped
        `(n, 28, 28)` and uint8 labels shaped `(n,)`.

    Example:
    >>> (x_train, y_train), _ = keras_like.datasets.fashion_mnist.load_data()
    >>> x_train.shape
    (60000, 28, 28)

    License: the copyright for Fashion-MNIST is held by Zalando SE; MIT license.
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [
        _cache.find_file(fname, origin=_cache.ORIGIN_FOLDER + fname, cache_subdir=subdir)
        for fname in _FILES
    ]

    data = [_bounded.read_gzip(p, limit, "a Fashion-MNIST file")
            for p, limit in zip(paths, _LIMITS)]
    y_train = np.frombuffer(data[0], np.uint8, offset=8)
    x_train = np.frombuffer(data[1], np.uint8, offset=16).reshape(len(y_train), 28, 28)
    y_test = np.frombuffer(data[2], np.uint8, offset=8)
    x_test = np.frombuffer(data[3], np.uint8, offset=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
