"""Keras's checks for the per-dimension arguments of convolution and pooling layers.

A config read from a file may hold anything: the checks run in the constructor so that a bad
`kernel_size` or `padding` fails there, with the argument named, instead of inside an op.
"""

from keras_like.layers._arg_checks import MAX_DIMENSION


def standardize_tuple(value, n, name, allow_zero=False):
    """An int or an iterable of `n` ints -> a tuple of `n` ints (> 0, or >= 0 if allowed)."""
    message = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, int) and not isinstance(value, bool):
        items = (value,) * n
    else:
        try:
            items = tuple(value)
        except TypeError:
            raise ValueError(message) from None
        if len(items) != n:
            raise ValueError(message)
        for item in items:
            if not isinstance(item, int) or isinstance(item, bool):
                raise ValueError(f"{message} including element {item} of type {type(item)}")
    low = 0 if allow_zero else 1
    bad = {v for v in items if not low <= v <= MAX_DIMENSION}
    if bad:
        requirement = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{message}, including values {bad} that do not satisfy "
                         f"`value {requirement}` (and <= {MAX_DIMENSION})")
    return items


def standardize_padding(value, allow_causal=False):
    """"valid" / "same" (and "causal" where allowed), case-insensitive."""
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be a list/tuple or one of "
                         f"{sorted(allowed)}. Received: {value}")
    return padding


def conv_output_size(size, window, stride, padding, dilation=1):
    """One spatial output size (None stays None); negative sizes are an error, as in Keras."""
    if size is None:
        return None
    if padding == "valid":
        out = (size - dilation * (window - 1) - 1) // stride + 1
    else:
        out = (size - 1) // stride + 1
    if out < 0:
        raise ValueError(f"Computed output size would be negative. Received: input size "
                         f"{size}, window {window}, dilation_rate {dilation}, stride {stride}.")
    return out
