"""Argument parsing shared by the upsampling, zero-padding and cropping layers.

Keras accepts `size=2`, `padding=(1, 2)` or `cropping=((1, 0), (2, 3))` for the same arguments;
these helpers turn every accepted form into tuples of Python ints, so configs hold plain ints
(JSON-safe, equal across round trips) and bad values fail in the constructor with Keras's
messages instead of later inside an op.
"""

import numbers

from keras_like.layers._arg_checks import MAX_DIMENSION


def as_int(value):
    """`value` as a Python int if it is an integer (numpy ones too), else None."""
    # bool is an Integral too, but `padding=True` is a mistake, not a 1.
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    return None


def standardize_tuple(value, n, name, allow_zero=False):
    """An int or an iterable of `n` ints -> a tuple of `n` ints (> 0, or >= 0 with
    `allow_zero`)."""
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    single = as_int(value)
    if single is not None:
        values = (single,) * n
    else:
        if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
            raise ValueError(message)
        items = tuple(value)
        if len(items) != n:
            raise ValueError(message)
        values = tuple(as_int(v) for v in items)
        for v, item in zip(values, items):
            if v is None:
                raise ValueError(f"{message} including element {item} of type {type(item)}")
    low = 0 if allow_zero else 1
    bad = sorted({v for v in values if not low <= v <= MAX_DIMENSION})
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{message}, including values {set(bad)} that do not satisfy "
                         f"`value {requirement}` and `value <= {MAX_DIMENSION}`")
    return values


_ORDINALS = ("1st", "2nd", "3rd")


def standardize_pairs(value, rank, name, forms):
    """`padding` / `cropping` of a 2D or 3D layer -> `rank` (before, after) pairs.

    An int applies to both sides of every spatial axis; `rank` ints are symmetric per axis;
    `rank` pairs are taken as given. `forms` describes the accepted forms for the message.
    """
    single = as_int(value)
    if single is not None:
        if single < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return standardize_pairs((single,) * rank, rank, name, forms)
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__"):
        raise ValueError(f"`{name}` should be either an int, {forms}. Received: {name}={value}.")
    if len(value) != rank:
        raise ValueError(f"`{name}` should have {rank} elements. Received: {name}={value}.")
    return tuple(standardize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
                 for i, entry in enumerate(value))


def spatial_axes(data_format, rank):
    """Positions of the `rank` spatial axes in a `(batch, ..., channels)` tensor."""
    start = 2 if data_format == "channels_first" else 1
    return tuple(range(start, start + rank))
