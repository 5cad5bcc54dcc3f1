"""Boston Housing price regression dataset (`keras_like.datasets.boston_housing`)."""

from keras_like.datasets import _bounded, _cache
from keras_like.datasets._split import shuffle_split

# A genuine boston_housing.npz: 506 samples of 13 float64 features and float64 targets.
_LIMITS = {
    "x": _bounded.npy_bytes((506, 13), "float64"),
    "y": _bounded.npy_bytes((506,), "float64"),
}


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston Housing dataset from Keras's cache (`~/.keras/datasets/`).

    Samples hold 13 attributes of houses around Boston in the late 1970s; targets are the
    median house values (in k$). The data are shuffled with `np.random.RandomState(seed)`
    and the last `test_split` fraction becomes the test set, exactly as Keras does. Nothing
    is downloaded: a missing file raises `FileNotFoundError` naming the path and URL.

    **WARNING:** this dataset has an ethical problem: its variable "B" may appear to assume
    that racial self-segregation influences house prices. Use it only to illustrate ethical
    issues in data science and machine learning.

    Args:
        path: File name of the dataset in the cache (relative to `~/.keras/datasets`).
        test_split: Fraction of the data to reserve as test set, in `[0, 1)`.
        seed: Random seed for shuffling the data before computing the test split.

    Returns:
        Tuple of NumPy arrays: `(x_train, y_train), (x_test, y_test)`: features shaped
        `(n, 13)` and targets shaped `(n,)`.

    Example:
    >>> (x_train, y_train), (x_test, y_test) = keras_like.datasets.boston_housing.load_data()
    >>> x_train.shape, x_test.shape
    ((404, 13), (102, 13))
    """
    if not 0 <= test_split < 1:
        # Keras asserts this before looking for the file.
        raise ValueError(
            "Invalid value for argument `test_split`. Expected a float in [0, 1). "
            f"Received: test_split={test_split}"
        )
    path = _cache.find_file(path, origin=f"{_cache.ORIGIN_FOLDER}boston_housing.npz")
    f = _cache.load_npz(path, _LIMITS)
    return shuffle_split(f["x"], f["y"], test_split, seed)
