"""Config keys a class's constructor does not take are dropped, with a warning, by `from_config`.

Newer Keras versions and tf.keras write keys this package does not know (tf.keras LSTM
`time_major`, MultiHeadAttention `softmax_robust_masking`, loss configs with `fn`). Real Keras
refuses such files (FORMATS.md §3.5); keras_like loads them instead. A direct constructor call
stays strict: `Dense(4, foo=1)` still raises, because only `from_config` filters.

Which keys a class takes is read from the `__init__` signatures along its MRO, for as long as
each one forwards `**kwargs`. A keras_like class whose `**kwargs` do not simply go to the next
`__init__` in its MRO says where they go with a class attribute `_config_kwargs`:

* a set of names: the `**kwargs` take exactly those (Layer: its legacy `input_shape`, ...);
* a class: the `**kwargs` go to that class's constructor (Model forwards to Layer);
* `None`: the `**kwargs` take any name (a loss wrapper passes them on to its function).

An `__init__` with `**kwargs` outside keras_like (a user's layer) may take any name: such
classes often pop their own keys from `**kwargs`, which no signature shows.
"""

import contextlib
import functools
import inspect
import threading
import warnings

_UNDECLARED = object()
_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@functools.cache
def accepted_keys(cls):
    """The keyword arguments `cls(...)` takes, as a frozenset, or None when it takes any."""
    names, forwarding = set(), False
    for klass in cls.__mro__:
        if klass is object:
            if forwarding:
                # Open `**kwargs` that no class in the chain claims: the class uses them itself.
                return None
            break
        init = vars(klass).get("__init__")
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        names.update(p.name for p in params if p.kind in _NAMED)
        forwarding = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
        if not forwarding:
            break
        declared = vars(klass).get("_config_kwargs", _UNDECLARED)
        if declared is _UNDECLARED:
            if not klass.__module__.startswith("keras_like."):
                # User code often pops its own keys from `**kwargs` before forwarding the
                # rest; nothing in a signature shows which, so every key goes through.
                return None
            continue
        if declared is None:
            return None
        if isinstance(declared, type):
            target = accepted_keys(declared)
            if target is None:
                return None
            names.update(target)
        else:
            names.update(declared)
        break
    names.discard("self")
    return frozenset(names)


def known_kwargs(cls, config, stacklevel=3):
    """`config` without the keys `cls`'s constructor does not take, warning about those.

    `stacklevel` is passed to `warnings.warn`: the default points at `from_config`'s caller.

    Example:
    >>> from keras_like.layers import Dense
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     sorted(known_kwargs(Dense, {"units": 2, "time_major": False}))
    ['units']
    """
    config = dict(config)
    accepted = accepted_keys(cls)
    if accepted is None:
        return config
    unknown = sorted(k for k in config if k not in accepted)
    if unknown:
        warn_unknown(cls, unknown, stacklevel)
        for key in unknown:
            del config[key]
    return config


def warn_unknown(cls, keys, stacklevel=2):
    """The warning `from_config` gives for the config keys `keys` it drops."""
    warnings.warn(
        f"{cls.__name__}.from_config ignores config keys that {cls.__name__} does not take "
        f"(written by another Keras version?): {sorted(keys)}", stacklevel=stacklevel + 1)


_lenient = threading.local()


@contextlib.contextmanager
def lenient_init(cls):
    """Within the block, the first Layer of class `cls` constructed drops (with a warning) the
    keyword arguments it does not know instead of raising.

    This covers what `known_kwargs` lets through: a user's layer whose `**kwargs` forward
    keys to Layer that a newer Keras added. Only the instance `from_config` builds is
    lenient; the sublayers its constructor makes stay strict.
    """
    previous = getattr(_lenient, "cls", None)
    _lenient.cls = cls
    try:
        yield
    finally:
        _lenient.cls = previous


def claim_lenient_init(layer_cls):
    """Whether the instance of `layer_cls` being constructed is the one `lenient_init` is for
    (asked once per instance: the answer is True at most once per block)."""
    if getattr(_lenient, "cls", None) is layer_cls:
        _lenient.cls = None
        return True
    return False
