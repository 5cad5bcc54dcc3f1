"""The attention layers against real Keras 3.15.1 (TensorFlow backend).

tests/data/make_attention_fixtures.py wrote each case's recipe, Keras's config, build config,
weight paths, weights, inputs, masks and outputs; every case is replayed here with Keras's
weights and must give Keras's outputs to 1e-5, the same output masks, the same config and
the same weight paths. Keras's .keras (and legacy .h5) model files must load and predict
like Keras, and a file saved here must have Keras's HDF5 layout.
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

import keras_like as keras
from keras_like import layers, ops

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
with open(os.path.join(DATA, "attention_fixtures.json")) as _f:
    FIXTURES = json.load(_f)
ARRAYS = np.load(os.path.join(DATA, "attention_fixtures.npz"))
ATOL = 1e-5


def _np(x):
    return ops.convert_to_numpy(x)


def _case_arrays(name, prefix):
    found, i = [], 0
    while f"{name}/{prefix}{i}" in ARRAYS.files:
        found.append(ARRAYS[f"{name}/{prefix}{i}"])
        i += 1
    return found


def _call(layer, recipe, tensors, masks):
    if recipe["style"] == "list":
        mask_list = [masks.get(f"{n}_mask") for n in recipe["inputs"]]
        kwargs = dict(recipe["call"])
        if any(m is not None for m in mask_list):
            kwargs["mask"] = mask_list
        return layer([tensors[n] for n in recipe["inputs"]], **kwargs)
    return layer(**tensors, **masks, **recipe["call"])


def _replay(name):
    """Our layer built like Keras's, with Keras's weights; returns (layer, outputs)."""
    recipe = FIXTURES["cases"][name]
    layer = getattr(layers, recipe["cls"])(**recipe["kwargs"], name=name)
    inputs = {n: ARRAYS[f"{name}/{n}"] for n in recipe["inputs"]}
    masks = {n: ops.convert_to_tensor(ARRAYS[f"{name}/{n}"]) for n in recipe["masks"]}
    if recipe["keras_masks"]:
        # As the generator: Masking layers in a functional model give the inputs' masks.
        symbolic = {n: keras.Input(batch_shape=(None, *a.shape[1:]), name=n)
                    for n, a in inputs.items()}
        fed = {n: layers.Masking(0.0)(t) if n in recipe["keras_masks"] else t
               for n, t in symbolic.items()}
        model = keras.Model(symbolic, _call(layer, recipe, fed, {}))
        layer.set_weights(_case_arrays(name, "weight"))
        outputs = model({n: ops.convert_to_tensor(a) for n, a in inputs.items()})
    else:
        tensors = {n: ops.convert_to_tensor(a) for n, a in inputs.items()}
        _call(layer, recipe, tensors, masks)
        layer.set_weights(_case_arrays(name, "weight"))
        outputs = _call(layer, recipe, tensors, masks)
    return layer, list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_outputs_match_keras(name):
    recipe = FIXTURES["cases"][name]
    layer, outputs = _replay(name)
    expected = _case_arrays(name, "output")
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


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_config_build_config_and_weight_paths_match_keras(name):
    recipe = FIXTURES["cases"][name]
    layer, _ = _replay(name)
    assert to_json_like(layer.get_config()) == recipe["config"]
    assert to_json_like(layer.get_build_config()) == recipe["build_config"]
    assert [w.path for w in layer.weights] == recipe["weight_paths"]
    assert [list(w.shape) for w in layer.weights] == recipe["weight_shapes"]


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_layer_from_keras_config_matches_keras(name):
    recipe = FIXTURES["cases"][name]
    layer = getattr(layers, recipe["cls"]).from_config(recipe["config"])
    layer.build_from_config(recipe["build_config"])
    assert [w.path for w in layer.weights] == recipe["weight_paths"]
    assert to_json_like(layer.get_config()) == recipe["config"]


@pytest.mark.parametrize("name", sorted(FIXTURES["bad_args"]))
def test_bad_arguments_raise_like_keras(name):
    refusal = FIXTURES["bad_args"][name]
    with pytest.raises(getattr(__builtins__, refusal["type"], None) or ValueError,
                       match=f"^{re.escape(refusal['message'])}$"):
        getattr(layers, refusal["cls"])(**refusal["kwargs"])


@pytest.mark.parametrize("name", sorted(FIXTURES["bad_calls"]))
def test_bad_calls_raise_like_keras(name):
    refusal = FIXTURES["bad_calls"][name]
    layer = getattr(layers, refusal["cls"])(**refusal["kwargs"])
    rng = np.random.default_rng(0)
    if refusal["style"] == "symbolic":
        tensors = {n: keras.Input(batch_shape=(None, *s[1:])) for n, s in
                   refusal["inputs"].items()}
    else:
        tensors = {n: rng.normal(size=s).astype("float32") for n, s in
                   refusal["inputs"].items()}
    # Shapes print as Python tuples here and in Keras alike.
    with pytest.raises(ValueError, match=f"^{re.escape(_core_message(refusal['message']))}$"):
        if refusal["style"] == "list":
            layer(list(tensors.values()))
        else:
            layer(**tensors)


def _core_message(message):
    """The error itself, without the "Exception encountered when calling ..." frame that
    Keras's traceback filtering puts around errors raised inside a symbolic call."""
    inner = re.search("\x1b\\[1m(.*)\x1b\\[0m", message, re.S)
    return inner.group(1) if inner else message


# ---------------------------------------------------------------------------------------------
# Model files written by Keras
# ---------------------------------------------------------------------------------------------

MODELS = sorted(FIXTURES["models"])


def _model_inputs(name):
    inputs = _case_arrays(name, "input")
    return inputs[0] if len(inputs) == 1 else inputs


@pytest.mark.parametrize("name", MODELS)
def test_keras_model_file_loads_and_predicts_like_keras(name):
    model = keras.saving.load_model(os.path.join(DATA, f"{name}.keras"))
    got = _np(model(_model_inputs(name)))
    np.testing.assert_allclose(got, ARRAYS[f"{name}/expected"], atol=ATOL, rtol=ATOL)
    assert [w.path for w in model.weights] == FIXTURES["models"][name]["weight_paths"]


def test_keras_legacy_h5_loads_and_predicts_like_keras():
    name = "attention_legacy_model"
    with pytest.warns(UserWarning, match="No training configuration found"):
        model = keras.saving.load_model(os.path.join(DATA, f"{name}.h5"))
    np.testing.assert_allclose(_np(model(_model_inputs(name))),
                               ARRAYS[f"{name}/keras_reloaded_h5"], atol=ATOL, rtol=ATOL)


def _h5_layout(keras_path, auto_named):
    """Keras's `h5_layout` of the generator: groups (with @name) and datasets (shapes).
    Groups of layers Keras names automatically (`softmax_30`) compare by path only."""
    with zipfile.ZipFile(keras_path) as archive:
        data = archive.read("model.weights.h5")
    layout = []
    with h5py.File(io.BytesIO(data), "r") as f:
        def visit(path, obj):
            if isinstance(obj, h5py.Dataset):
                layout.append([path, list(obj.shape)])
                return
            label = obj.attrs.get("name")
            label = None if label is None else str(label)
            layout.append([path, "<auto>" if auto_named(path) else label])
        f.visititems(visit)
    return layout


def _auto_named(path):
    return path.endswith(("_softmax/vars", "_dropout_layer/vars"))


@pytest.mark.parametrize("name", MODELS)
def test_saved_file_has_keras_layout(name, tmp_path):
    model = keras.saving.load_model(os.path.join(DATA, f"{name}.keras"))
    path = str(tmp_path / "model.keras")
    model.save(path)
    want = [[p, "<auto>" if _auto_named(p) else v]
            for p, v in FIXTURES["models"][name]["h5_layout"]]
    assert _h5_layout(path, _auto_named) == want
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(_np(reloaded(_model_inputs(name))), ARRAYS[f"{name}/expected"],
                               atol=ATOL, rtol=ATOL)


def test_mha_model_built_here_matches_keras_layout(tmp_path):
    """A model built from scratch here (not loaded) writes Keras's groups too."""
    tokens = keras.Input(shape=(5, 8), name="tokens")
    x = layers.Masking(0.0, name="pad")(tokens)
    y = layers.MultiHeadAttention(2, 4, name="mha")(x, x)
    h = layers.LayerNormalization(name="norm")(layers.Add(name="residual")([x, y]))
    out = layers.Dense(3, name="head")(layers.GlobalAveragePooling1D(name="pool")(h))
    model = keras.Model(tokens, out, name="mha_model")
    path = str(tmp_path / "model.keras")
    model.save(path)
    want = [[p, "<auto>" if _auto_named(p) else v]
            for p, v in FIXTURES["models"]["attention_mha_model"]["h5_layout"]]
    assert _h5_layout(path, _auto_named) == want
