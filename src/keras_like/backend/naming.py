"""Name scopes that build Variable paths ("dense/kernel")."""

import threading

_state = threading.local()


def _stack():
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


class name_scope:
    """Context manager prefixing the paths of variables created inside it."""

    def __init__(self, name):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Argument `name` must be a non-empty string. Received: name={name}")
        self.name = name

    def __enter__(self):
        _stack().append(self.name)
        return self

    def __exit__(self, *exc):
        _stack().pop()


def current_path(name):
    return "/".join([*_stack(), name])
