"""Replays the real-Keras lookup recipes of data/lookup_fixtures.json on keras_like.

The fixtures come from data/make_lookup_fixtures.py (real Keras 3.15.1 on TensorFlow); each
case holds a recipe (class, constructor kwargs, adapt data or vocabulary file, inputs) and
what Keras gave for it. Shared by test_string_lookup.py and test_integer_lookup.py.
"""

import json
import os

import numpy as np
import pytest

from keras_like import layers, ops

DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
with open(os.path.join(DATA_DIR, "lookup_fixtures.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["cases"]
BAD_ARGS = FIXTURES["bad_args"]


def case_names(cls):
    return sorted(name for name, case in CASES.items() if case["cls"] == cls)


def bad_arg_names(cls):
    return sorted(name for name, case in BAD_ARGS.items() if case["cls"] == cls)


def build(case, tmp_path):
    kwargs = dict(case["kwargs"])
    if case["file"] is not None:
        path = tmp_path / "vocab.txt"
        path.write_text("\n".join(case["file"]) + "\n", encoding="utf-8")
        kwargs["vocabulary"] = str(path)
    layer = getattr(layers, case["cls"])(**kwargs)
    if case["adapt"] is not None:
        layer.adapt(np.array(case["adapt"]))
    if case["batches"] is not None:
        layer.adapt((np.array(b) for b in case["batches"]), steps=case["steps"])
    return layer


def as_input(case, x):
    if case["cls"] == "StringLookup" and case["kwargs"].get("invert"):
        return np.array(x, dtype="int64")
    return np.array(x)


def assert_output(out, expected):
    if expected["dtype"] == "string":
        assert isinstance(out, np.ndarray) and out.dtype == object
        assert out.tolist() == expected["value"]
        return
    assert str(out.dtype) == expected["dtype"]
    np.testing.assert_allclose(ops.convert_to_numpy(out), np.array(expected["value"]),
                               rtol=1e-6, atol=0)


def check_case(name, tmp_path):
    """Outputs, vocabulary and config of the case's layer equal real Keras's."""
    case = CASES[name]
    layer = build(case, tmp_path)
    for x, expected in zip(case["inputs"], case["outputs"]):
        if "error" in expected:
            # Keras raises TF's InvalidArgumentError from a graph assertion; keras_like a
            # ValueError with the same text.
            with pytest.raises(ValueError, match="When `num_oov_indices=0` all inputs should"):
                layer(as_input(case, x))
        else:
            assert_output(layer(as_input(case, x)), expected)
    assert layer.get_vocabulary() == case["vocabulary"]
    assert layer.get_vocabulary(include_special_tokens=False) == case["vocabulary_no_special"]
    assert layer.vocabulary_size() == case["vocabulary_size"]
    # As in Keras, an adapted or file-read vocabulary is not in the config (it is an asset).
    config = layer.get_config()
    config.pop("name")
    assert json.loads(json.dumps(config)) == case["config"]
    return layer


def rebuild(layer, tmp_path):
    """The layer as `.keras` loading rebuilds it: from its JSON config, then its weights
    entries (`save_own_variables`) and its asset folder (`save_assets`), in Keras's order."""
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    store = {}
    layer.save_own_variables(store)
    folder = tmp_path / "assets"
    folder.mkdir()
    layer.save_assets(str(folder))
    clone.load_own_variables(store)
    clone.load_assets(str(folder))
    assert json.loads(json.dumps(clone.get_config())) == config
    return clone


def check_rebuilt_from_config(name, tmp_path):
    """A layer rebuilt from its config, weights entries and assets gives the same outputs
    and vocabulary; the config alone carries the vocabulary only when it was given."""
    case = CASES[name]
    layer = build(case, tmp_path)
    bare = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    if case["config"]["vocabulary"] is None and \
            layer.vocabulary_size() > layer._token_start_index():
        assert bare.get_vocabulary() != layer.get_vocabulary()
    clone = rebuild(layer, tmp_path)
    assert clone.get_vocabulary() == layer.get_vocabulary()
    for x, expected in zip(case["inputs"], case["outputs"]):
        if "error" not in expected:
            assert_output(clone(as_input(case, x)), expected)


def check_bad_args(name):
    case = BAD_ARGS[name]
    with pytest.raises(ValueError) as info:
        getattr(layers, case["cls"])(**case["kwargs"])
    # Keras prints NumPy scalars in a few messages (`np.str_('a')`); compare up to them.
    message = case["message"]
    prefix = message.split("[np.")[0]
    assert str(info.value).startswith(prefix), (str(info.value), message)
    if "[np." not in message:
        assert str(info.value) == message
