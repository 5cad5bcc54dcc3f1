"""ConvLSTM1D / ConvLSTM2D / ConvLSTM3D against real Keras 3.15.1 (JAX backend).

tests/data/make_conv_lstm_fixtures.py wrote each case's recipe, Keras's config, build config,
weight paths, weights, inputs (and initial states) and outputs; every case is replayed here
with Keras's weights and must give Keras's outputs to 1e-5, the same config and the same
weight paths. Keras's conv_lstm_model.keras must load and predict like Keras, and a file
saved here must have Keras's HDF5 layout.
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
with open(os.path.join(DATA, "conv_lstm_fixtures.json")) as _f:
    FIXTURES = json.load(_f)
ARRAYS = np.load(os.path.join(DATA, "conv_lstm_fixtures.npz"))
ATOL = 1e-5
MODEL = "conv_lstm_model"


def _np(x):
    return ops.convert_to_numpy(x)


def _case_arrays(name, prefix):
    found, i = [], 0
    while f"{name}/{prefix}{i}" in ARRAYS.files:
        found.append(ARRAYS[f"{name}/{prefix}{i}"])
        i += 1
    return found


def _call(layer, name):
    kwargs = {}
    if FIXTURES["cases"][name]["initial_state"]:
        kwargs["initial_state"] = [ARRAYS[f"{name}/h0"], ARRAYS[f"{name}/c0"]]
    return layer(ops.convert_to_tensor(ARRAYS[f"{name}/inputs"]), **kwargs)


def _replay(name):
    """Our layer built like Keras's, with Keras's weights; returns (layer, outputs)."""
    recipe = FIXTURES["cases"][name]
    layer = getattr(layers, recipe["cls"])(**recipe["kwargs"], name=name)
    _call(layer, name)
    layer.set_weights(_case_arrays(name, "weight"))
    outputs = _call(layer, name)
    return layer, list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_outputs_match_keras(name):
    _, outputs = _replay(name)
    expected = _case_arrays(name, "output")
    assert len(outputs) == len(expected) == FIXTURES["cases"][name]["num_outputs"]
    for i, (got, want) in enumerate(zip(outputs, expected)):
        assert tuple(got.shape) == want.shape, (i, got.shape, want.shape)
        np.testing.assert_allclose(_np(got), want, atol=ATOL, rtol=ATOL,
                                   err_msg=f"output {i} differs from Keras")


@pytest.mark.parametrize("name", sorted(FIXTURES["cases"]))
def test_config_build_config_and_weights_match_keras(name):
    recipe = FIXTURES["cases"][name]
    layer, _ = _replay(name)
    assert to_json_like(layer.get_config()) == recipe["config"]
    assert to_json_like(layer.get_build_config()) == recipe["build_config"]
    assert [w.path for w in layer.weights] == recipe["weight_paths"]
    assert [list(w.shape) for w in layer.weights] == recipe["weight_shapes"]
    rebuilt = getattr(layers, recipe["cls"]).from_config(recipe["config"])
    rebuilt.build_from_config(recipe["build_config"])
    assert [w.path for w in rebuilt.weights] == recipe["weight_paths"]
    assert to_json_like(rebuilt.get_config()) == recipe["config"]


def _canonical_sets(message):
    """Keras prints allowed values as a Python set, whose order changes from run to run;
    a list or set of quoted words is compared sorted."""
    def sort(match):
        return "{" + ", ".join(sorted(match.group(1).split(", "))) + "}"
    return re.sub(r"[\[{]('[^']*'(?:, '[^']*')*)[\]}]", sort, message)


@pytest.mark.parametrize("name", sorted(FIXTURES["bad_args"]))
def test_bad_arguments_raise_like_keras(name):
    refusal = FIXTURES["bad_args"][name]
    # JSON turned the generator's tuples into lists; Keras's message shows what it was given.
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in refusal["kwargs"].items()}
    with pytest.raises(ValueError) as caught:
        getattr(layers, refusal["cls"])(**kwargs)
    assert refusal["type"] == "ValueError"
    # Ours may add a bound after Keras's sentence ("(and <= 2147483647)"), never change it.
    assert _canonical_sets(str(caught.value)).startswith(_canonical_sets(refusal["message"])), \
        (str(caught.value), refusal["message"])


def test_keras_model_file_loads_and_predicts_like_keras():
    model = keras.saving.load_model(os.path.join(DATA, f"{MODEL}.keras"))
    got = _np(model(ARRAYS[f"{MODEL}/input0"]))
    np.testing.assert_allclose(got, ARRAYS[f"{MODEL}/expected"], atol=ATOL, rtol=ATOL)
    np.testing.assert_allclose(got, ARRAYS[f"{MODEL}/keras_reloaded"], atol=ATOL, rtol=ATOL)
    assert [w.path for w in model.weights] == FIXTURES["models"][MODEL]["weight_paths"]


def _h5_layout(keras_path):
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
    return layout


def test_saved_file_has_keras_layout(tmp_path):
    model = keras.saving.load_model(os.path.join(DATA, f"{MODEL}.keras"))
    path = str(tmp_path / "model.keras")
    model.save(path)
    # keras_like also stores each cell's seed generator state (documented in
    # saving/saveable_tree.py); Keras neither writes nor reads those groups.
    ours = [entry for entry in _h5_layout(path) if "/seed_generator" not in entry[0]]
    assert ours == FIXTURES["models"][MODEL]["h5_layout"]
    reloaded = keras.saving.load_model(path)
    np.testing.assert_allclose(_np(reloaded(ARRAYS[f"{MODEL}/input0"])),
                               ARRAYS[f"{MODEL}/expected"], atol=ATOL, rtol=ATOL)
