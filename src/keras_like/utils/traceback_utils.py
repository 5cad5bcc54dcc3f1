"""The traceback-filtering switch of `keras.config`.

Keras trims its own frames from the tracebacks of errors it raises; keras_like never trims
tracebacks, so the switch changes nothing here. It exists so that programs which set or read
it run unchanged.
"""

_TRACEBACK_FILTERING = True


def enable_traceback_filtering():
    """Turns traceback filtering back on (the default setting).

    Example:

    >>> enable_traceback_filtering()
    >>> is_traceback_filtering_enabled()
    True
    """
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    """Turns traceback filtering off.

    Example:

    >>> disable_traceback_filtering()
    >>> is_traceback_filtering_enabled()
    False
    >>> enable_traceback_filtering()
    """
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled():
    """Returns the setting: True unless `disable_traceback_filtering()` was called.

    Example:

    >>> is_traceback_filtering_enabled()
    True
    """
    return _TRACEBACK_FILTERING
