"""Constructor checks for the size arguments of layers, run before any weight exists.

A config is data from a file: `"units": 1e12`, `"units": "4"` or `"units": -3` must fail in the
constructor with a ValueError that names the layer and the argument, not at build time as a
multi-terabyte allocation or an unrelated TypeError deep inside an op.
"""

# No dimension of a weight or an output may exceed this: it is far beyond any real model
# (a float32 vector that long is 8 GiB) and keeps sizes within the int32 range Keras files use.
MAX_DIMENSION = 2**31 - 1


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def dimension(layer, name, value, minimum=1):
    """`value` if it is an int in `[minimum, MAX_DIMENSION]`; otherwise a ValueError.

    `layer` is the layer being constructed (its class name goes into the message).
    """
    if not _is_int(value) or not minimum <= value <= MAX_DIMENSION:
        expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(
            f"{type(layer).__name__}: Received an invalid value for `{name}`, expected "
            f"{expected} no larger than {MAX_DIMENSION}. Received: {name}={value!r}"
        )
    return value


def shape_entries(layer, name, shape, minimum=0, allow=(None,)):
    """`shape` as a tuple whose entries are in `allow` or ints in `[minimum, MAX_DIMENSION]`."""
    if _is_int(shape):
        shape = (shape,)
    if isinstance(shape, (str, bytes, dict)) or not hasattr(shape, "__iter__"):
        raise ValueError(f"{type(layer).__name__}: Argument `{name}` must be a tuple of "
                         f"integers. Received: {name}={shape!r}")
    shape = tuple(shape)
    specials = [a for a in allow if a is not None]
    for d in shape:
        if (d is None and None in allow) or (_is_int(d) and d in specials):
            continue
        if not _is_int(d) or not minimum <= d <= MAX_DIMENSION:
            raise ValueError(
                f"{type(layer).__name__}: Argument `{name}` must be a tuple of integers in "
                f"[{minimum}, {MAX_DIMENSION}]"
                + "".join(f" or {a!r}" for a in allow)
                + f". Received: {name}={shape!r}")
    return shape
