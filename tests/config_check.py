"""Checks that `get_config()` gives back every constructor argument a layer was built with.

Comparing a clone's config with the original's cannot see a key that `get_config` drops (both
lack it). These checks compare against the constructor arguments themselves: each init kwarg
must appear in the config with the same value; objects (initializers, regularizers,
constraints, dtype policies, functions) are compared in their serialized form.
"""

import json
import types

import numpy as np

from keras_like import constraints, dtype_policies, initializers, regularizers
from keras_like.saving import get_registered_name, serialize_keras_object

# Public module named in a config entry -> the package whose get()/serialize() made it.
_FAMILIES = {
    "keras.initializers": initializers,
    "keras.regularizers": regularizers,
    "keras.constraints": constraints,
}


def assert_config_has_init_kwargs(config, init_kwargs, exempt=None):
    """Every `init_kwargs` key is in `config` with an equal (or equally serialized) value.

    `exempt` maps keys Keras itself leaves out of the config to the reason.
    """
    exempt = exempt or {}
    for key, given in init_kwargs.items():
        if key in exempt:
            continue
        assert key in config, (
            f"get_config() lacks the constructor argument `{key}` (passed {key}={given!r}); "
            f"config keys: {sorted(config)}")
        got = config[key]
        assert values_match(given, got), (
            f"get_config()[{key!r}] is {got!r}, but the layer was built with {key}={given!r}")


def to_json_like(value):
    """`value` as it comes back from a JSON file (tuples become lists); raises if it cannot."""
    return json.loads(json.dumps(value, default=_json_default))


def _json_default(obj):
    raise TypeError(f"config value {obj!r} of type {type(obj).__name__} is not JSON-serializable")


def values_match(given, got):
    """Whether the config entry `got` describes the constructor argument `given`."""
    if isinstance(given, np.ndarray) or isinstance(got, np.ndarray):
        return _arrays_match(given, got)
    if isinstance(given, (int, float)) and not isinstance(given, bool) and \
            isinstance(got, (list, tuple)) and got:
        # Keras stores a number given for a per-axis argument as a tuple: output_shape=4 ->
        # (4,), kernel_size=3 -> (3, 3).
        return all(values_match(given, g) for g in got)
    if isinstance(given, (list, tuple)):
        if isinstance(got, (list, tuple)):
            return len(given) == len(got) and all(values_match(a, b) for a, b in zip(given, got))
        return False
    if isinstance(given, dict) and "class_name" not in given:
        return (isinstance(got, dict) and set(given) == set(got)
                and all(values_match(given[k], got[k]) for k in given))
    if _is_plain(given) and _is_plain(got):
        return isinstance(given, bool) == isinstance(got, bool) and given == got
    expected = _serialized_form(given, got)
    return expected is not None and _canonical(expected) == _canonical(got)


def _is_plain(value):
    return value is None or isinstance(value, (bool, int, float, str, np.generic))


def _arrays_match(given, got):
    try:
        a, b = np.asarray(given), np.asarray(got)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and np.array_equal(a, b)


def _canonical(value):
    try:
        return to_json_like(value)
    except TypeError:
        return value


def _serialized_form(given, got):
    """`given` serialized the way the config entry `got` was (None when nothing applies)."""
    if isinstance(got, dict) and got.get("class_name") == "DTypePolicy":
        return dtype_policies.serialize(dtype_policies.get(given))
    family = _FAMILIES.get(got.get("module")) if isinstance(got, dict) else None
    if family is not None:
        resolved = family.get(given)
        return None if resolved is None else family.serialize(resolved)
    if isinstance(given, (types.FunctionType, types.BuiltinFunctionType)) or (
            callable(given) and not hasattr(given, "get_config")):
        names = {getattr(given, "__name__", None), get_registered_name(given)}
        if isinstance(got, str):
            return got if got in names else None
        if isinstance(got, dict) and got.get("class_name") == "function":
            return got if got.get("config") in names else None
        return None
    if hasattr(given, "get_config"):
        return serialize_keras_object(given)
    return None
