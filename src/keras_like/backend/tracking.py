"""A global counter of structural changes (new variables, sublayers, trainable flags).

Layers cache their weight lists and compare the counter instead of re-walking their
attributes every training step.
"""

import threading

_version = [0]
# `+=` on a list item is a read and a write: two threads building layers at once could lose a
# bump, and a weight cache computed between their changes would then look current.
_lock = threading.Lock()


def version():
    return _version[0]


def bump():
    with _lock:
        _version[0] += 1
