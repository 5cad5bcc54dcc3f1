"""CIFAR-100 small images classification dataset (`keras_like.datasets.cifar100`)."""

import os

import numpy as np

from keras_like.backend import config
from keras_like.datasets import _cache
from keras_like.datasets.cifar import load_batch

_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
# The genuine archive: pickled `train` (50,000 images, about 155 MB) and `test` (10,000,
# about 31 MB) plus small files; extraction refuses anything much larger.
_MEMBER_LIMIT = 192 << 20
_TOTAL_LIMIT = 256 << 20


def load_data(label_mode="fine"):
    """Loads CIFAR-100 from Keras's cache.

    50,000 32x32 color training images and 10,000 test images, labeled over 100 fine-grained
    classes grouped into 20 coarse-grained superclasses.

    The `train` and `test` files are read from where Keras 3 extracts them,
    `~/.keras/datasets/cifar-100-python-target/cifar-100-python/`, or from the older
    `~/.keras/datasets/cifar-100-python/` layout. If only the downloaded archive is in the
    cache (`cifar-100-python-target_archive`, `cifar-100-python.tar.gz`) it is extracted.
    Nothing is downloaded: a missing file raises `FileNotFoundError` naming the path and URL.

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 superclasses).

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: uint8 images shaped
        `(n, 32, 32, 3)` (channels first if so configured) and int64 labels shaped `(n, 1)`.

    Example:
    >>> (x_train, y_train), _ = keras_like.datasets.cifar100.load_data(label_mode="coarse")
    >>> int(y_train.max())
    19
    """
    if label_mode not in ["fine", "coarse"]:
        raise ValueError(
            '`label_mode` must be one of `"fine"`, `"coarse"`. '
            f"Received: label_mode={label_mode}."
        )

    path = _cache.find_extracted_dir(
        layouts=[
            "cifar-100-python-target/cifar-100-python",
            "cifar-100-python",
            "cifar-100-python/cifar-100-python",
        ],
        needed=["train", "test"],
        archives=["cifar-100-python-target_archive", "cifar-100-python.tar.gz"],
        origin=_ORIGIN,
        member_limit=_MEMBER_LIMIT,
        total_limit=_TOTAL_LIMIT,
    )
    label_key = label_mode + "_labels"
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=label_key)
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=label_key)

    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))

    if config.image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)
