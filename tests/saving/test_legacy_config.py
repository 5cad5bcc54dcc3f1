"""`keras3_model_config`: the tf.keras 2 configs of the fixture models become what Keras 3
itself wrote for the same models (the oracle: the config.json of their `.keras` files)."""

import copy
import json
import os
import zipfile

import h5py
import numpy as np
import pytest
from legacy_h5_cases import data

from keras_like.saving.legacy_config import keras3_model_config

TESTS_DATA = os.path.dirname(data(""))


def _keras3(name):
    """The Keras 3 config.json of fixture model `name` (f1..f5)."""
    if name in ("f1", "f2"):
        with zipfile.ZipFile(os.path.join(os.path.dirname(TESTS_DATA), f"{name}.keras")) as z:
            return json.loads(z.read("config.json"))
    with open(os.path.join(os.path.dirname(TESTS_DATA), f"keras_{name}_config.json")) as f:
        return json.load(f)


def _keras2(name):
    """The tf.keras 2 model_config of fixture model `name`."""
    if name in ("f1", "f2"):
        with h5py.File(data(f"k2_{name}.h5"), "r") as f:
            return json.loads(f.attrs["model_config"])
    path = data(f"keras2_{name}_config.json") if name != "f4" else \
        os.path.join(os.path.dirname(TESTS_DATA), "keras2_f4_config.json")
    with open(path) as f:
        return json.load(f)


def _tensors(value):
    """The structure of a node with each tensor entry replaced by its keras_history."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return tuple(value["config"]["keras_history"])
    if isinstance(value, dict):
        return {k: _tensors(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tensors(v) for v in value]
    return value


def _histories(value):
    found = []

    def walk(v):
        if isinstance(v, tuple):
            found.append(v)
        elif isinstance(v, dict):
            for key in sorted(v):
                walk(v[key])
        elif isinstance(v, list):
            for item in v:
                walk(item)

    walk(_tensors(value))
    return found


def _axes(axis, rank):
    return [a % rank for a in (axis if isinstance(axis, list) else [axis])]


def _without_sharing_ids(value):
    """Configs without `shared_object_id` (meaningless across files, FORMATS.md §1.2)."""
    if isinstance(value, dict):
        return {k: _without_sharing_ids(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_without_sharing_ids(v) for v in value]
    return value


@pytest.mark.parametrize("name", ["f2", "f3", "f4", "f5"])
def test_keras2_functional_config_becomes_keras3(name):
    keras2, keras3 = _keras2(name), _keras3(name)
    converted = keras3_model_config(keras2)
    for key in ("module", "class_name", "registered_name"):
        assert converted[key] == keras3[key]
    ours, theirs = converted["config"], keras3["config"]
    assert ours["input_layers"] == theirs["input_layers"]
    assert ours["output_layers"] == theirs["output_layers"]
    assert [e["name"] for e in ours["layers"]] == [e["name"] for e in theirs["layers"]]
    for mine, real in zip(ours["layers"], theirs["layers"]):
        for key in ("module", "class_name", "registered_name"):
            assert mine[key] == real[key], (mine["name"], key)
        # The keys Keras 3's legacy loader rewrites (tf.keras writes axes as non-negative
        # 1-element lists, Keras 3 as -1 or [-1]: the same axis of the layer's input).
        if "batch_shape" in real["config"]:
            assert mine["config"]["batch_shape"] == real["config"]["batch_shape"]
        if "axis" in real["config"]:
            rank = len(real["build_config"]["input_shape"])
            assert _axes(mine["config"]["axis"], rank) == _axes(real["config"]["axis"], rank)
        assert len(mine["inbound_nodes"]) == len(real["inbound_nodes"])
        for node, real_node in zip(mine["inbound_nodes"], real["inbound_nodes"]):
            # The same tensors in the same order; tf.keras passes MHA's value by keyword,
            # Keras 3 positionally, so the argument structure is compared without kwargs.
            assert _histories(node) == _histories(real_node)
            if not _histories(node["kwargs"]):
                assert _tensors(node["args"]) == _tensors(real_node["args"])


def test_keras3_legacy_h5_config_gets_the_keras_file_entries():
    """f1.h5 (Keras 3's legacy writer: no modules) and f1.keras (Keras 3 proper) describe the
    same model; converted, the first has the second's class fields and configs."""
    with h5py.File(data("f1.h5"), "r") as f:
        legacy = json.loads(f.attrs["model_config"])
    converted, real = keras3_model_config(legacy), _keras3("f1")
    for key in ("module", "class_name", "registered_name", "build_config"):
        assert converted[key] == real[key]
    for mine, theirs in zip(converted["config"]["layers"], real["config"]["layers"]):
        for key in ("module", "class_name", "registered_name", "config"):
            assert _without_sharing_ids(mine[key]) == _without_sharing_ids(theirs[key])


@pytest.mark.parametrize("name", ["f1", "f2", "f3", "f4", "f5"])
def test_keras3_configs_pass_through_unchanged(name):
    config = _keras3(name)
    original = copy.deepcopy(config)
    assert keras3_model_config(config) == original
    assert config == original


def test_the_input_is_not_modified():
    config = _keras2("f4")
    original = copy.deepcopy(config)
    keras3_model_config(config)
    assert config == original


def _broken(change):
    config = copy.deepcopy(_keras2("f4"))
    change(config)
    return config


@pytest.mark.parametrize("config, problem", [
    ([1, 2], "must be a JSON object"),
    ({"class_name": "Functional"}, "'config'"),
    ({"class_name": 3, "config": {}}, "'class_name'"),
    (_broken(lambda c: c["config"].update(layers={"a": 1})), "must be a list"),
    (_broken(lambda c: c["config"]["layers"][1]["inbound_nodes"][0][0].__setitem__(0, "nope")),
     "unknown layer 'nope'"),
    (_broken(lambda c: c["config"]["layers"][1].__setitem__("inbound_nodes", [[["in_a", 0]]])),
     "invalid input"),
    (_broken(lambda c: c["config"]["layers"][1].__setitem__("inbound_nodes", "in_a")),
     "must be a list"),
    (_broken(lambda c: c["config"].update(output_layers=[["missing", 0, 0]])), "output_layers"),
    (_broken(lambda c: c["config"]["layers"][2].pop("name")), "needs a string 'name'"),
    (_broken(lambda c: c["config"]["layers"][3].__setitem__("config", [1])), "JSON object"),
])
def test_malformed_configs_raise_value_errors(config, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(")):
        keras3_model_config(config)


def _keras2_nested(kind, nested_is_output):
    """A tf.keras 2 `to_json()` of Input(4) -> nested model (Dense 3, relu) [-> Dense 2].

    tf.keras lists a nested model's own graph as its node 0, so its first call is node 1
    everywhere the outer model refers to it (`_should_skip_first_node`): e.g. a real tf.keras
    2 file with a nested Sequential has `"inbound_nodes": [[["sequential", 1, 0, {}]]]` in
    its consumer, while the Sequential's own entry lists that call with its input.
    """
    inner_input = {"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False,
        "name": "inner_in"}}
    inner_dense = {"class_name": "Dense", "config": {
        "name": "inner_dense", "trainable": True, "dtype": "float32", "units": 3,
        "activation": "relu"}}
    if kind == "Sequential":
        inner_config = {"name": "inner", "layers": [inner_input, inner_dense]}
    else:
        inner_config = {"name": "inner", "layers": [
            {**inner_input, "name": "inner_in", "inbound_nodes": []},
            {**inner_dense, "name": "inner_dense",
             "inbound_nodes": [[["inner_in", 0, 0, {}]]]}],
            "input_layers": [["inner_in", 0, 0]], "output_layers": [["inner_dense", 0, 0]]}
    layers = [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4],
                                                "dtype": "float32", "name": "outer_in"},
         "name": "outer_in", "inbound_nodes": []},
        {"class_name": kind, "config": inner_config, "name": "inner",
         "inbound_nodes": [[["outer_in", 0, 0, {}]]]},
    ]
    output = ["inner", 1, 0]
    if not nested_is_output:
        layers.append({"class_name": "Dense", "config": {
            "name": "head", "trainable": True, "dtype": "float32", "units": 2,
            "activation": "linear"}, "name": "head", "inbound_nodes": [[["inner", 1, 0, {}]]]})
        output = ["head", 0, 0]
    return {"class_name": "Functional", "config": {
        "name": "outer", "layers": layers, "input_layers": [["outer_in", 0, 0]],
        "output_layers": [output]}, "keras_version": "2.21.0", "backend": "tensorflow"}


@pytest.mark.parametrize("kind", ["Sequential", "Functional", "Model"])
@pytest.mark.parametrize("nested_is_output", [False, True])
def test_keras2_nested_models_rebuild(kind, nested_is_output):
    from keras_like.models import model_from_json

    model = model_from_json(json.dumps(_keras2_nested(kind, nested_is_output)))
    inner = model.get_layer("inner")
    assert type(inner).__name__ == ("Sequential" if kind == "Sequential" else "Functional")
    x = np.random.default_rng(0).standard_normal((5, 4)).astype("float32")
    kernel, bias = (w.numpy() for w in inner.weights)
    expected = np.maximum(x @ kernel + bias, 0)
    if not nested_is_output:
        head_kernel, head_bias = (w.numpy() for w in model.get_layer("head").weights)
        expected = expected @ head_kernel + head_bias
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
