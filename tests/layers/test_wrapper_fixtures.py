"""Bidirectional, TimeDistributed and Wrapper against real Keras 3.15.1 (JAX backend).

tests/data/make_wrapper_fixtures.py wrote each case's recipe, Keras's config, build config,
weight paths, output shapes, weights, inputs, masks and outputs; every case is replayed here
with Keras's weights and must give Keras's outputs to 1e-5, the same output masks, the same
config and the same weight paths. Keras's refusals must come with Keras's messages. Keras's
.keras, legacy .h5 and .weights.h5 files must load and predict like Keras, and files saved
here must have Keras's layout.
"""

import io
import json
import os
import re
import zipfile

import h5py
import numpy as np
import pytest
from config_check import to_json_like
from wrapper_models import text_model, video_model

import keras_like as keras
from keras_like import layers, ops

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
with open(os.path.join(DATA, "wrapper_fixtures.json")) as _f:
    FIXTURES = json.load(_f)
ARRAYS = np.load(os.path.join(DATA, "wrapper_fixtures.npz"))
ATOL = 1e-5
BUILDERS = {"wrapper_text_model": text_model, "wrapper_video_model": video_model}


def _np(x):
    return ops.convert_to_numpy(x)


def _make(value):
    """A layer from a `{"class", "kwargs"}` spec of the generator, anything else as it is."""
    if isinstance(value, dict) and set(value) == {"class", "kwargs"}:
        return getattr(layers, value["class"])(
            **{k: _make(v) for k, v in value["kwargs"].items()})
    return value


def _kwargs(kwargs):
    return {k: _make(v) for k, v in kwargs.items()}


def _numbered(prefix):
    found, i = [], 0
    while f"{prefix}{i}" in ARRAYS.files:
        found.append(ARRAYS[f"{prefix}{i}"])
        i += 1
    return found


def _call(layer, recipe, x, mask, states):
    kwargs = dict(recipe["call"])
    if mask is not None:
        kwargs["mask"] = ops.convert_to_tensor(mask)
    if states:
        kwargs["initial_state"] = [ops.convert_to_tensor(s) for s in states]
    return layer(ops.convert_to_tensor(x), **kwargs)


def _replay(name):
    """Our layer built like Keras's, with Keras's weights; returns (layer, outputs)."""
    recipe = FIXTURES["cases"][name]
    layer = getattr(layers, recipe["cls"])(**_kwargs(recipe["kwargs"]), name=name)
    x = ARRAYS[f"{name}/x"]
    mask = ARRAYS[f"{name}/mask"] if recipe["mask"] is not None else None
    states = _numbered(f"{name}/initial_state")
    if recipe["keras_mask"]:
        # As the generator: a Masking layer in a functional model gives the input's mask.
        symbolic = keras.Input(batch_shape=(None, *x.shape[1:]), name="x")
        model = keras.Model(symbolic, layer(layers.Masking(0.0)(symbolic)))
        layer.set_weights(_numbered(f"{name}/weight"))
        outputs = model(ops.convert_to_tensor(x))
    else:
        _call(layer, recipe, x, mask, states)
        layer.set_weights(_numbered(f"{name}/weight"))
        outputs = _call(layer, recipe, x, mask, states)
    return layer, list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_outputs_and_masks_match_keras(name):
    recipe = FIXTURES["cases"][name]
    layer, outputs = _replay(name)
    expected = _numbered(f"{name}/output")
    assert len(outputs) == len(expected) == recipe["num_outputs"]
    for i, (got, want) in enumerate(zip(outputs, expected)):
        assert tuple(got.shape) == want.shape, (i, got.shape, want.shape)
        np.testing.assert_allclose(_np(got), want, atol=ATOL, rtol=ATOL,
                                   err_msg=f"output {i} differs from Keras")
    for i, (got, has_mask) in enumerate(zip(outputs, recipe["output_has_mask"])):
        mask = getattr(got, "_keras_mask", None)
        assert (mask is not None) == has_mask, f"output {i}: Keras mask present={has_mask}"
        if has_mask:
            np.testing.assert_array_equal(_np(mask), ARRAYS[f"{name}/output_mask{i}"])
    # Statistics a training call updates (BatchNormalization's moving mean and variance).
    for w, want in zip(layer.weights, _numbered(f"{name}/weight_after")):
        np.testing.assert_allclose(w.numpy(), want, atol=ATOL, rtol=ATOL,
                                   err_msg=f"weight {w.path} after the call differs")


def _without_counters(config):
    """The config with the counters of automatic names dropped (`forward_lstm_5` ->
    `forward_lstm`): the wrapped layers are named automatically, and the count depends on
    how many layers each process made before."""
    if isinstance(config, dict):
        return {k: re.sub(r"_\d+$", "", v) if k == "name" and isinstance(v, str)
                else _without_counters(v) for k, v in config.items()}
    if isinstance(config, list):
        return [_without_counters(v) for v in config]
    return config


def _paths_without_counters(paths):
    return [re.sub(r"_\d+/", "/", p) for p in paths]


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_config_build_config_shapes_and_weight_paths_match_keras(name):
    recipe = FIXTURES["cases"][name]
    layer, _ = _replay(name)
    assert _without_counters(to_json_like(layer.get_config())) == \
        _without_counters(recipe["config"])
    assert to_json_like(layer.get_build_config()) == recipe["build_config"]
    assert _paths_without_counters(w.path for w in layer.weights) == \
        _paths_without_counters(recipe["weight_paths"])
    assert [list(w.shape) for w in layer.weights] == recipe["weight_shapes"]
    shape = layer.compute_output_shape((None, *recipe["x"][1:]))
    assert to_json_like(shape) == recipe["output_shape_of_input_shape"]


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_layer_from_keras_config_matches_keras(name):
    recipe = FIXTURES["cases"][name]
    layer = getattr(layers, recipe["cls"]).from_config(recipe["config"])
    layer.build_from_config(recipe["build_config"])
    assert to_json_like(layer.get_config()) == recipe["config"]
    assert [list(w.shape) for w in layer.weights] == recipe["weight_shapes"]
    if recipe["keras_mask"] or recipe["mask"] is not None or recipe["call"]:
        return
    layer.set_weights(_numbered(f"{name}/weight"))
    outputs = _call(layer, recipe, ARRAYS[f"{name}/x"], None,
                    _numbered(f"{name}/initial_state"))
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    for got, want in zip(outputs, _numbered(f"{name}/output")):
        np.testing.assert_allclose(_np(got), want, atol=ATOL, rtol=ATOL)


def test_stateful_bidirectional_matches_keras():
    name = "bi_stateful"
    layer = layers.Bidirectional(layers.LSTM(2, stateful=True, return_sequences=True),
                                 name=name)
    x = ARRAYS[f"{name}/x"]
    layer(x[:, :3])
    layer.set_weights(_numbered(f"{name}/weight"))
    layer.reset_state()
    np.testing.assert_allclose(_np(layer(x[:, :3])), ARRAYS[f"{name}/first"], atol=ATOL)
    np.testing.assert_allclose(_np(layer(x[:, 3:])), ARRAYS[f"{name}/second"], atol=ATOL)
    np.testing.assert_allclose(np.stack([s.numpy() for s in layer.states]),
                               ARRAYS[f"{name}/states"], atol=ATOL)
    layer.reset_state()
    np.testing.assert_allclose(_np(layer(x[:, :3])), ARRAYS[f"{name}/after_reset"],
                               atol=ATOL)
    assert _without_counters(to_json_like(layer.get_config())) == \
        _without_counters(FIXTURES["stateful"]["config"])
    assert _paths_without_counters(w.path for w in layer.weights) == \
        _paths_without_counters(FIXTURES["stateful"]["weight_paths"])


def _core_message(message):
    """The error itself, without the "Exception encountered when calling ..." frame that
    Keras's traceback filtering puts around errors raised inside `call`."""
    inner = re.search("\x1b\\[1m(.*)\x1b\\[0m", message, re.S)
    return inner.group(1) if inner else message


def _raises_like(refusal):
    error = {"ValueError": ValueError, "AttributeError": AttributeError}[refusal["type"]]
    return pytest.raises(error, match=f"^{re.escape(_core_message(refusal['message']))}$")


@pytest.mark.parametrize("name", sorted(FIXTURES["bad_args"]))
def test_bad_arguments_raise_like_keras(name):
    refusal = FIXTURES["bad_args"][name]
    with _raises_like(refusal):
        getattr(layers, refusal["cls"])(**_kwargs(refusal["kwargs"]))


@pytest.mark.parametrize("name", sorted(set(FIXTURES["bad_calls"]) - {"bi_reset_not_stateful"}))
def test_bad_calls_raise_like_keras(name):
    refusal = FIXTURES["bad_calls"][name]
    layer = getattr(layers, refusal["cls"])(**_kwargs(refusal["kwargs"]))
    x = np.zeros(refusal["x"], "float32")
    with _raises_like(refusal):
        if refusal["mask"] is None:
            layer(x)
        else:
            layer(x, mask=np.ones(refusal["mask"], bool))


def test_reset_state_of_a_stateless_bidirectional_raises_like_keras():
    with _raises_like(FIXTURES["bad_calls"]["bi_reset_not_stateful"]):
        layers.Bidirectional(layers.LSTM(2)).reset_state()


# ---------------------------------------------------------------------------------------------
# Model files written by Keras
# ---------------------------------------------------------------------------------------------

MODELS = sorted(FIXTURES["models"])


@pytest.mark.parametrize("name", MODELS)
def test_keras_model_file_loads_and_predicts_like_keras(name):
    model = keras.saving.load_model(os.path.join(DATA, f"{name}.keras"))
    got = _np(model(ARRAYS[f"{name}/input"]))
    np.testing.assert_allclose(got, ARRAYS[f"{name}/expected"], atol=ATOL, rtol=ATOL)
    assert [w.path for w in model.weights] == \
        FIXTURES["models"][name]["reloaded_weight_paths"]


def test_keras_legacy_h5_loads_and_predicts_like_keras():
    name = "wrapper_video_model"  # Keras cannot read its own .h5 of the other (see generator)
    with pytest.warns(UserWarning, match="No training configuration found"):
        model = keras.saving.load_model(os.path.join(DATA, f"{name}.h5"))
    np.testing.assert_allclose(_np(model(ARRAYS[f"{name}/input"])),
                               ARRAYS[f"{name}/keras_reloaded_h5"], atol=ATOL, rtol=ATOL)


def test_keras_weights_file_loads_into_a_model_built_here():
    name = "wrapper_text_model"
    model = text_model(keras)
    model.load_weights(os.path.join(DATA, f"{name}.weights.h5"))
    np.testing.assert_allclose(_np(model(ARRAYS[f"{name}/input"])), ARRAYS[f"{name}/expected"],
                               atol=ATOL, rtol=ATOL)


def _h5_layout(keras_path):
    """The generator's `h5_layout`: groups (with @name) and datasets (with shapes), without
    the seed generator groups keras_like adds (Keras neither writes nor reads them; see
    saving/saveable_tree.py)."""
    with zipfile.ZipFile(keras_path) as archive:
        data = archive.read("model.weights.h5")
    layout = []
    with h5py.File(io.BytesIO(data), "r") as f:
        def visit(path, obj):
            if isinstance(obj, h5py.Dataset):
                layout.append([path, list(obj.shape)])
            else:
                label = obj.attrs.get("name")
                layout.append([path, None if label is None else str(label)])
        f.visititems(visit)
    return [entry for entry in layout if "seed_generator" not in entry[0]]


def _legacy_layout(h5_path):
    """The generator's `legacy_layout`: layer_names and each layer's weight_names + shapes."""
    with h5py.File(h5_path, "r") as f:
        group = f["model_weights"]
        result = []
        for n in group.attrs["layer_names"]:
            n = n.decode() if isinstance(n, bytes) else str(n)
            names = [w.decode() if isinstance(w, bytes) else str(w)
                     for w in group[n].attrs["weight_names"]]
            result.append([n, [[w, list(group[n][w].shape)] for w in names]])
    return result


@pytest.mark.parametrize("name", MODELS)
def test_loaded_model_saves_with_keras_layout(name, tmp_path):
    model = keras.saving.load_model(os.path.join(DATA, f"{name}.keras"))
    path = str(tmp_path / "model.keras")
    model.save(path)
    assert _h5_layout(path) == FIXTURES["models"][name]["h5_layout"]
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(_np(reloaded(ARRAYS[f"{name}/input"])),
                               ARRAYS[f"{name}/expected"], atol=ATOL, rtol=ATOL)


@pytest.mark.parametrize("name", MODELS)
def test_model_built_here_writes_keras_files(name, tmp_path):
    """A model built from scratch here (not loaded) writes Keras's weights groups and
    Keras's legacy layer and weight names, and its files give back its outputs."""
    model = BUILDERS[name](keras)
    assert [w.path for w in model.weights] == [
        n for _, weights in FIXTURES["models"][name]["legacy_layout"] for n, _ in weights]
    model.set_weights(keras.saving.load_model(
        os.path.join(DATA, f"{name}.keras")).get_weights())
    keras_path, h5_path = str(tmp_path / "model.keras"), str(tmp_path / "model.h5")
    model.save(keras_path)
    model.save(h5_path)
    assert _h5_layout(keras_path) == FIXTURES["models"][name]["h5_layout"]
    assert _legacy_layout(h5_path) == FIXTURES["models"][name]["legacy_layout"]
    x = ARRAYS[f"{name}/input"]
    for path in (keras_path, h5_path):
        reloaded = keras.saving.load_model(path)
        np.testing.assert_allclose(_np(reloaded(x)), ARRAYS[f"{name}/expected"], atol=ATOL,
                                   rtol=ATOL)
