"""A global counter of structural changes (new variables, sublayers, trainable flags).

Layers cache their weight lists and compare the counter instead of re-walking their
attributes every training step.
"""

_version = [0]


def version():
    return _version[0]


def bump():
    _version[0] += 1
