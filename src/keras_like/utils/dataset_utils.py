"""`keras_like.utils.split_dataset` for in-memory NumPy data."""

import random

import numpy as np


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Splits a dataset into a left half and a right half (e.g. train / test).

    keras_like has no `tf.data`: the splits come back as NumPy data of the input's kind. An
    array gives two arrays; a tuple or list of same-length arrays gives two tuples of arrays
    (Keras's samples are tuples, so a list also comes back as tuples).

    Args:
        dataset: A NumPy array, or a list/tuple of NumPy arrays with the same length.
        left_size: Float in `(0, 1)`: the fraction of the samples in the left split; int: the
            number of samples in the left split. `None`: the complement of `right_size`.
        right_size: Like `left_size`, for the right split. `None`: the complement of
            `left_size`.
        shuffle: Whether to shuffle the samples before splitting.
        seed: Random seed for the shuffle. The permutation is the one Keras draws
            (`random.seed(seed); random.shuffle(samples)`), without touching Python's
            global random state.

    Returns:
        A tuple `(left, right)` of the two splits.

    Example:
    >>> data = np.random.random(size=(1000, 4))
    >>> left, right = split_dataset(data, left_size=0.8)
    >>> left.shape, right.shape
    ((800, 4), (200, 4))
    """
    if isinstance(dataset, tuple):
        kind = tuple
    elif isinstance(dataset, list):
        kind = list
    elif isinstance(dataset, np.ndarray):
        kind = np.ndarray
    else:
        raise TypeError(
            "The `dataset` argument must be either "
            "a NumPy array or a list/tuple of NumPy arrays. "
            f"Received: dataset={dataset} of type {type(dataset)}"
        )

    if right_size is None and left_size is None:
        raise ValueError(
            "At least one of the `left_size` or `right_size` "
            "must be specified. Received: left_size=None and "
            "right_size=None"
        )

    total_length = _num_samples(dataset, kind)
    order = list(range(total_length))
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        # Shuffling the indices draws the same permutation as shuffling the samples.
        random.Random(seed).shuffle(order)

    left_size, right_size = _rescale_dataset_split_sizes(left_size, right_size, total_length)
    order = np.asarray(order, dtype=np.int64)
    left, right = order[:left_size], order[-right_size:]
    if kind is np.ndarray:
        return dataset[left], dataset[right]
    return tuple(a[left] for a in dataset), tuple(a[right] for a in dataset)


def _num_samples(dataset, kind):
    if kind is np.ndarray:
        if len(dataset) == 0:
            raise ValueError(
                "Received an empty dataset. Argument `dataset` must "
                "be a non-empty list/tuple of `numpy.ndarray` objects."
            )
        return len(dataset)

    name = "list" if kind is list else "tuple"
    if len(dataset) == 0:
        raise ValueError(
            f"Received an empty {name} dataset. "
            f"Please provide a non-empty {name} of arrays."
        )
    expected_shape = None
    for i, element in enumerate(dataset):
        if not isinstance(element, np.ndarray):
            raise ValueError(
                f"Expected a {name} of `numpy.ndarray` objects, "
                f"Received: {type(element)} at index {i}."
            )
        if element.ndim == 0:
            raise ValueError(
                f"Expected a {name} of arrays with a sample axis. "
                f"Received a 0-d array at index {i}."
            )
        if expected_shape is None:
            expected_shape = element.shape
        elif element.shape[0] != expected_shape[0]:
            raise ValueError(
                f"Received a {name} of NumPy arrays with different lengths. "
                f"Mismatch found at index {i}, "
                f"Expected shape={expected_shape} "
                f"Received shape={element.shape}. "
                f"Please provide a {name} of NumPy arrays of the same length."
            )
    if expected_shape[0] == 0:
        raise ValueError(
            "Received an empty dataset. Argument `dataset` must "
            "be a non-empty list/tuple of `numpy.ndarray` objects."
        )
    return expected_shape[0]


def _rescale_dataset_split_sizes(left_size, right_size, total_length):
    """Turns fractions and counts into two sample counts that fit in `total_length`."""
    left_size_type = type(left_size)
    right_size_type = type(right_size)

    if (left_size is not None and left_size_type not in [int, float]) and (
        right_size is not None and right_size_type not in [int, float]
    ):
        raise TypeError(
            "Invalid `left_size` and `right_size` Types. Expected: "
            "integer or float or None, Received: type(left_size)="
            f"{left_size_type} and type(right_size)={right_size_type}"
        )

    if left_size is not None and left_size_type not in [int, float]:
        raise TypeError(
            "Invalid `left_size` Type. Expected: int or float or None, "
            f"Received: type(left_size)={left_size_type}.  "
        )

    if right_size is not None and right_size_type not in [int, float]:
        raise TypeError(
            "Invalid `right_size` Type. "
            "Expected: int or float or None,"
            f"Received: type(right_size)={right_size_type}."
        )

    if left_size == 0 and right_size == 0:
        raise ValueError(
            "Both `left_size` and `right_size` are zero. "
            "At least one of the split sizes must be non-zero."
        )

    if (
        left_size_type is int
        and (left_size <= 0 or left_size >= total_length)
        or left_size_type is float
        and (left_size <= 0 or left_size >= 1)
    ):
        raise ValueError(
            "`left_size` should be either a positive integer "
            f"smaller than {total_length}, or a float "
            "within the range `[0, 1]`. Received: left_size="
            f"{left_size}"
        )

    if (
        right_size_type is int
        and (right_size <= 0 or right_size >= total_length)
        or right_size_type is float
        and (right_size <= 0 or right_size >= 1)
    ):
        raise ValueError(
            "`right_size` should be either a positive integer "
            f"and smaller than {total_length} or a float "
            "within the range `[0, 1]`. Received: right_size="
            f"{right_size}"
        )

    if right_size_type is left_size_type is float and right_size + left_size > 1:
        raise ValueError(
            "The sum of `left_size` and `right_size` is greater "
            "than 1. It must be less than or equal to 1."
        )

    if left_size_type is float:
        left_size = round(left_size * total_length)
    elif left_size_type is int:
        left_size = float(left_size)

    if right_size_type is float:
        right_size = round(right_size * total_length)
    elif right_size_type is int:
        right_size = float(right_size)

    if left_size is None:
        left_size = total_length - right_size
    elif right_size is None:
        right_size = total_length - left_size

    if left_size + right_size > total_length:
        raise ValueError(
            "The sum of `left_size` and `right_size` should "
            f"be smaller than the {total_length}. "
            f"Received: left_size + right_size = {left_size + right_size} "
            f"and total_length = {total_length}"
        )

    for split, side in [(left_size, "left"), (right_size, "right")]:
        if split == 0:
            raise ValueError(
                f"With `dataset` of length={total_length}, `left_size`="
                f"{left_size} and `right_size`={right_size}. "
                f"Resulting {side} side dataset split will be empty. "
                "Adjust any of the aforementioned parameters"
            )

    return int(left_size), int(right_size)
