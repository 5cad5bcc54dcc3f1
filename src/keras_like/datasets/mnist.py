"""MNIST handwritten digits dataset (`keras_like.datasets.mnist`)."""

from keras_like.datasets import _bounded, _cache

# The largest arrays a genuine mnist.npz holds: 60,000 + 10,000 uint8 images and labels.
_LIMITS = {
    "x_train": _bounded.npy_bytes((60000, 28, 28), "uint8"),
    "y_train": _bounded.npy_bytes((60000,), "uint8"),
    "x_test": _bounded.npy_bytes((10000, 28, 28), "uint8"),
    "y_test": _bounded.npy_bytes((10000,), "uint8"),
}


def load_data(path="mnist.npz"):
    """Loads the MNIST dataset from Keras's cache (`~/.keras/datasets/mnist.npz`).

    60,000 28x28 grayscale training images of the 10 digits and 10,000 test images. The
    file is the one Keras downloads; keras_like never downloads it (no network access is
    assumed) and raises `FileNotFoundError` naming the path and URL when it is missing.

    Args:
        path: File name of the dataset in the cache (relative to `~/.keras/datasets`).

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: uint8 images shaped
        `(60000, 28, 28)` / `(10000, 28, 28)` with values 0..255 and uint8 labels 0..9.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = keras_like.datasets.mnist.load_data()
    >>> x_train.shape
    (60000, 28, 28)

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative of the
    NIST datasets, made available under CC BY-SA 3.0.
    """
    path = _cache.find_file(path, origin=f"{_cache.ORIGIN_FOLDER}mnist.npz")
    f = _cache.load_npz(path, _LIMITS)
    return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
