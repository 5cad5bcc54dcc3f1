"""Whether console output is interactive (`keras.config.enable_interactive_logging`)."""

_INTERACTIVE_LOGGING = True


def enable_interactive_logging():
    """Turns on interactive logging (the default): logs go to stdout.

    Example:

    >>> enable_interactive_logging()
    >>> is_interactive_logging_enabled()
    True
    """
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging():
    """Turns off interactive logging.

    Keras then sends its logs to `absl.logging`. keras_like keeps the setting for code that
    queries it; its own progress output still goes to stdout.

    Example:

    >>> disable_interactive_logging()
    >>> is_interactive_logging_enabled()
    False
    >>> enable_interactive_logging()
    """
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_interactive_logging_enabled():
    """Returns True unless `disable_interactive_logging()` was called.

    Example:

    >>> is_interactive_logging_enabled()
    True
    """
    return _INTERACTIVE_LOGGING
