"""Validating shapes given by users (`Input(shape=...)`), with Keras's messages."""

import numbers


def standardize_shape(shape):
    """`shape` as a tuple of non-negative ints and `None`s; raises ValueError otherwise.

    Example:
    >>> standardize_shape([None, 3])
    (None, 3)
    """
    if not isinstance(shape, tuple):
        if shape is None:
            raise ValueError("Undefined shapes are not supported.")
        if not hasattr(shape, "__iter__"):
            raise ValueError(f"Cannot convert '{shape}' to a shape.")
        shape = tuple(shape)
    for e in shape:
        if e is None:
            continue
        if isinstance(e, bool) or not isinstance(e, numbers.Integral):
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. Found invalid entry '{e}' of type "
                f"'{type(e)}'. "
            )
        if e < 0:
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed."
            )
    return tuple(None if e is None else int(e) for e in shape)
