"""Sequential: building from a list or with add/pop, lazy building, errors, configs."""

import json
import os
import zipfile

import numpy as np
import pytest
from helpers import random_array

import keras_like as keras
from keras_like import layers, models

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def dense_np(layer, x):
    w, b = layer.get_weights()
    return x @ w + b


def test_built_from_an_input():
    model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(8, activation="relu"),
                               layers.Dense(2)], name="mlp")
    assert model.built
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert len(model.weights) == 4 and model.count_params() == 4 * 8 + 8 + 8 * 2 + 2
    x = random_array((5, 4))
    d1, d2 = model.layers
    expected = dense_np(d2, np.maximum(dense_np(d1, x), 0.0))
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    assert model.inputs[0].shape == (None, 4) and model.outputs[0].shape == (None, 2)


def test_lazy_build_on_first_call():
    model = models.Sequential([layers.Dense(4), layers.Dense(2)])
    assert not model.built and model.weights == []
    assert model.input_shape is None and model.output_shape is None
    x = random_array((3, 5))
    out = model(x)
    assert model.built and tuple(out.shape) == (3, 2)
    assert model.input_shape == (None, 5) and model.output_shape == (None, 2)
    assert [w.shape for w in model.weights] == [(5, 4), (4,), (4, 2), (2,)]


def test_build_with_a_shape_and_first_layer_input_shape():
    model = models.Sequential([layers.Dense(3)])
    model.build((None, 7))
    assert model.built and model.output_shape == (None, 3)
    model = models.Sequential([layers.Dense(3, input_shape=(6,)), layers.Dense(1)])
    assert model.built and model.input_shape == (None, 6) and model.output_shape == (None, 1)
    with pytest.raises(ValueError, match="You must provide an `input_shape` argument"):
        models.Sequential([layers.Dense(3)]).build()


def test_add_and_pop():
    model = models.Sequential(name="stack")
    model.add(layers.Input(shape=(3,)))
    model.add(layers.Dense(4, name="d1"))
    assert model.output_shape == (None, 4)
    model.add(layers.Dense(2, name="d2"))
    assert model.output_shape == (None, 2) and len(model.layers) == 2
    popped = model.pop()
    assert popped.name == "d2"
    assert [layer.name for layer in model.layers] == ["d1"]
    assert model.output_shape == (None, 4)
    x = random_array((2, 3))
    np.testing.assert_allclose(model(x).numpy(), dense_np(model.layers[0], x), rtol=1e-5,
                               atol=1e-6)
    model.pop()
    assert model.layers == []
    with pytest.raises(TypeError, match="There are no layers in the model."):
        model.pop()


def test_add_errors():
    model = models.Sequential([layers.Input(shape=(3,)), layers.Dense(2, name="same")])
    with pytest.raises(ValueError, match="Only instances of `keras.Layer` can be added"):
        model.add("dense")
    with pytest.raises(ValueError, match='"same" is already the name of a layer'):
        model.add(layers.Dense(2, name="same"))
    with pytest.raises(ValueError, match="You cannot add a different Input layer"):
        model.add(layers.Input(shape=(3,)))
    with pytest.raises(ValueError, match="cannot be built because it has no layers"):
        models.Sequential().build((None, 3))


def test_nested_sequential_and_summary():
    inner = models.Sequential([layers.Dense(4, activation="relu", name="inner_d")], name="inner")
    model = models.Sequential([layers.Input(shape=(3,)), inner, layers.Dense(1, name="out")],
                              name="outer")
    x = random_array((2, 3))
    h = np.maximum(dense_np(inner.layers[0], x), 0.0)
    np.testing.assert_allclose(model(x).numpy(), dense_np(model.layers[1], h), rtol=1e-5,
                               atol=1e-5)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "outer"' in text and "inner (Sequential)" in text and "out (Dense)" in text
    assert "Total params: 21" in text  # 3*4+4 + 4*1+1
    assert "Connected to" not in text


def test_config_round_trip():
    model = models.Sequential([layers.Input(shape=(4,), name="feat"),
                               layers.Dense(3, activation="tanh", name="h"),
                               layers.Dense(2, name="o")], name="seq")
    config = model.get_config()
    assert config["name"] == "seq"
    assert [e["class_name"] for e in config["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert config["layers"][0]["config"]["batch_shape"] == [None, 4]
    assert "build_config" not in config["layers"][0]
    assert config["layers"][1]["build_config"] == {"input_shape": [None, 4]}
    revived = models.Sequential.from_config(json.loads(json.dumps(config)))
    assert revived.get_config() == config
    assert revived.built and revived.output_shape == (None, 2)
    revived.set_weights(model.get_weights())
    x = random_array((3, 4))
    np.testing.assert_allclose(revived(x).numpy(), model(x).numpy(), rtol=1e-6)
    # The generic loader dispatches on the class name.
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(model))
    assert isinstance(revived, models.Sequential) and revived.output_shape == (None, 2)


def test_unbuilt_config_round_trip():
    model = models.Sequential([layers.Dense(3, name="a"), layers.Dense(1, name="b")])
    revived = models.Sequential.from_config(model.get_config())
    assert not revived.built
    assert [layer.name for layer in revived.layers] == ["a", "b"]
    assert tuple(revived(random_array((2, 5))).shape) == (2, 1)


def test_real_keras_f1_config_layers():
    with zipfile.ZipFile(os.path.join(DATA, "f1.keras")) as archive:
        saved = json.loads(archive.read("config.json"))
    for entry in saved["config"]["layers"]:
        if not hasattr(layers, entry["class_name"]):
            pytest.skip(f"keras_like.layers has no {entry['class_name']} yet")
    model = models.Sequential.from_config(saved["config"])
    assert [layer.name for layer in model.layers] == ["hidden", "drop", "probs"]
    assert model.input_shape == (None, 20) and model.output_shape == (None, 3)
    x = random_array((4, 20))
    probs = model(x).numpy()
    np.testing.assert_allclose(probs.sum(axis=1), np.ones(4), rtol=1e-5)
    ours = model.get_config()["layers"]
    for mine, theirs in zip(ours, saved["config"]["layers"]):
        assert mine["class_name"] == theirs["class_name"]
        assert mine["module"] == theirs["module"]
        if theirs["class_name"] in ("InputLayer", "Dense"):
            theirs_config = {k: v for k, v in theirs["config"].items()}
            if isinstance(theirs_config.get("dtype"), dict):
                theirs_config["dtype"] = {k: v for k, v in theirs_config["dtype"].items()
                                          if k != "shared_object_id"}
            assert mine["config"] == theirs_config
            assert mine.get("build_config") == theirs.get("build_config")
