"""CIFAR-10 small images classification dataset (`keras_like.datasets.cifar10`)."""

import os

import numpy as np

from keras_like.backend import config
from keras_like.datasets import _cache
from keras_like.datasets.cifar import load_batch

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_FILES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
# The genuine archive: six pickled batches of 10,000 images (about 31 MB each) and two small
# files; extraction refuses anything much larger.
_MEMBER_LIMIT = 40 << 20
_TOTAL_LIMIT = 256 << 20


def load_data():
    """Loads CIFAR-10 from Keras's cache.

    50,000 32x32 color training images and 10,000 test images over 10 classes: 0 airplane,
    1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.

    The batches are read from where Keras 3 extracts them,
    `~/.keras/datasets/cifar-10-batches-py-target/cifar-10-batches-py/`, or from the older
    `~/.keras/datasets/cifar-10-batches-py/` layout of tf.keras. If only the downloaded
    archive is in the cache (`cifar-10-batches-py-target_archive`,
    `cifar-10-batches-py.tar.gz` or `cifar-10-python.tar.gz`) it is extracted. Nothing is
    downloaded: a missing file raises `FileNotFoundError` naming the path and URL.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: uint8 images shaped
        `(n, 32, 32, 3)` (`(n, 3, 32, 32)` when `image_data_format()` is
        `"channels_first"`) and uint8 labels shaped `(n, 1)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = keras_like.datasets.cifar10.load_data()
    >>> x_train.shape, y_train.shape
    ((50000, 32, 32, 3), (50000, 1))
    """
    path = _cache.find_extracted_dir(
        layouts=[
            "cifar-10-batches-py-target/cifar-10-batches-py",
            "cifar-10-batches-py",
            "cifar-10-batches-py/cifar-10-batches-py",
        ],
        needed=_FILES,
        archives=[
            "cifar-10-batches-py-target_archive",
            "cifar-10-batches-py.tar.gz",
            "cifar-10-python.tar.gz",
        ],
        origin=_ORIGIN,
        member_limit=_MEMBER_LIMIT,
        total_limit=_TOTAL_LIMIT,
    )
    batches = [load_batch(os.path.join(path, name)) for name in _FILES[:5]]
    # Keras fills preallocated uint8 arrays of 5 x 10000 images; concatenating gives the
    # same arrays and also reads batches of other sizes.
    x_train = np.concatenate([b[0] for b in batches]).astype("uint8", copy=False)
    y_train = np.concatenate([np.asarray(b[1]) for b in batches]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))

    if config.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)

    x_test = x_test.astype(x_train.dtype)
    y_test = y_test.astype(y_train.dtype)
    return (x_train, y_train), (x_test, y_test)
