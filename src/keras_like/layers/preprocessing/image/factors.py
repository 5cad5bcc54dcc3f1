"""The `factor` forms of the augmentation layers: a number `f` or a pair `(lower, upper)`."""

import numbers


def is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def bounded_factor(factor, bounds, message):
    """Keras's base-layer rule: `f` -> `(max(-|f|, low), |f|)`; a pair is sorted and must
    overlap `bounds`. Refusals raise `ValueError(message)`."""
    low, high = bounds
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or not all(is_number(f) for f in factor):
            raise ValueError(message)
        if factor[0] > high or factor[1] < low:
            raise ValueError(message)
        lower, upper = sorted(float(f) for f in factor)
        return lower, upper
    if not is_number(factor) or factor < low or factor > high:
        raise ValueError(message)
    factor = abs(float(factor))
    return max(-factor, low), factor


def symmetric_factor(factor, message, name):
    """`f` -> `(-|f|, |f|)`; a pair is sorted; every number must lie in [-1, 1]."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(f"{message}Received: {name}={factor}")
        for value in factor:
            _check_unit(value, message)
        lower, upper = sorted(float(f) for f in factor)
        return lower, upper
    if not is_number(factor):
        raise ValueError(f"{message}Received: {name}={factor}")
    _check_unit(factor, message)
    factor = abs(float(factor))
    return -factor, factor


def _check_unit(value, message):
    if not is_number(value) or value > 1.0 or value < -1.0:
        raise ValueError(f"{message}Received: input_number={value}")


def config_value(factor):
    """The factor as given (pairs as lists), so `from_config` rebuilds the same range."""
    if isinstance(factor, (tuple, list)):
        return [_plain(f) for f in factor]
    return _plain(factor)


def value_range_pair(value_range):
    message = "The `value_range` argument should be a list of two numbers. "
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2 or \
            not all(is_number(v) for v in value_range):
        raise ValueError(f"{message}Received: value_range={value_range}")
    return sorted(_plain(v) for v in value_range)
