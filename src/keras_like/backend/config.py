"""Global settings: float type, epsilon, image layout, threads (`keras_like.config`)."""

import numbers

from keras_like.backend.engine import _engine

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"
_FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")


def floatx():
    """Returns the default float type, as a string (`"float32"` unless changed)."""
    return _FLOATX


def set_floatx(value):
    """Sets the default float type: one of float16, bfloat16, float32, float64."""
    global _FLOATX
    value = str(value)
    if value not in _FLOAT_TYPES:
        raise ValueError(
            f"Unknown `floatx` value: {value}. Expected one of {set(_FLOAT_TYPES)}"
        )
    _FLOATX = value


def epsilon():
    """Returns the fuzz factor used in numeric expressions (default 1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """Returns `"channels_last"` or `"channels_first"`."""
    return _IMAGE_DATA_FORMAT


def standardize_data_format(data_format):
    """`None` -> the configured image data format; otherwise a checked lower-case value.

    The one check behind every `data_format` argument (layers, ops.nn, ops.image, utils).
    """
    if data_format is None:
        return _IMAGE_DATA_FORMAT
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value}"
        )
    return value


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    _IMAGE_DATA_FORMAT = standardize_data_format(str(data_format))


def backend():
    """Name of the backend running the ops."""
    return "keras_like"


# Far above any core count; a pool of a million threads cannot be started, and the engine
# reported the requested count even after failing to start it.
MAX_NUM_THREADS = 1024


def set_num_threads(n):
    """Sets the engine's thread count (default: the cores this process may use).

    Args:
        n: An integer in [1, 1024].

    Example:
    >>> set_num_threads(2)
    >>> get_num_threads()
    2
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not \
            1 <= n <= MAX_NUM_THREADS:
        raise ValueError(
            f"Invalid value for argument `n`. Expected an integer in [1, {MAX_NUM_THREADS}]. "
            f"Received: n={n!r}"
        )
    previous = _engine.num_threads()
    try:
        _engine.set_num_threads(int(n))
    except Exception:
        # The operating system refused the threads: leave the pool as it was.
        _engine.set_num_threads(previous)
        raise


def get_num_threads():
    return _engine.num_threads()
