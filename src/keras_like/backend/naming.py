"""Name scopes that build Variable paths ("dense/kernel")."""

import threading

_state = threading.local()


def _stack():
    if not hasattr(_state, "stack"):
        _state.stack = []
    return _state.stack


class name_scope:
    """Context manager prefixing the paths of variables created inside it."""

    def __init__(self, name, caller=None):
        if not isinstance(name, str) or not name:
            raise ValueError(f"Argument `name` must be a non-empty string. Received: name={name}")
        self.name = name
        self.caller = caller
        self._pushed = False

    def __enter__(self):
        stack = _stack()
        # A layer re-entering its own scope (build, then add_weight) does not nest twice.
        if not (self.caller is not None and stack and stack[-1] == (self.name, id(self.caller))):
            stack.append((self.name, None if self.caller is None else id(self.caller)))
            self._pushed = True
        return self

    def __exit__(self, *exc):
        if self._pushed:
            _stack().pop()


def current_path(name):
    return "/".join([*(entry[0] for entry in _stack()), name])


_NAME_COUNTS = {}
# Layers created in several threads at once must still get distinct names.
_NAME_COUNTS_LOCK = threading.Lock()


def to_snake_case(name):
    """CamelCase class names to Keras's snake_case layer names ("Conv2D" -> "conv2d")."""
    import re

    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def auto_name(prefix):
    """Unique names like Keras: "dense", "dense_1", "dense_2", ..."""
    with _NAME_COUNTS_LOCK:
        count = _NAME_COUNTS.get(prefix, 0)
        _NAME_COUNTS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_automatic_names():
    """Starts automatic names and uids again (part of `backend.clear_session()`)."""
    with _NAME_COUNTS_LOCK:
        _NAME_COUNTS.clear()
