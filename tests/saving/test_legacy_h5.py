"""Legacy HDF5 model files: files written by real Keras 3 and tf.keras 2 load and predict as
real Keras did, weights load by order and by name, and keras_like's own files round-trip
bit-exactly with Keras's layout (FORMATS.md section 3)."""

import json
import re
import warnings

import h5py
import numpy as np
import pytest
from legacy_h5_cases import (
    data,
    f1_architecture,
    file_optimizer_weights,
    file_weights,
    h5_layout,
    model_inputs,
    nested_model,
    two_input_model,
)

import keras_like as keras
from keras_like.models import model_from_json
from keras_like.saving.legacy_h5 import (
    load_model_from_hdf5,
    load_weights_from_hdf5,
    save_model_to_hdf5,
)

LABELS = np.array([0, 1, 2, 0, 1, 2, 2, 1])


def _expected(name):
    return np.load(data(f"{name}_input.npy")), np.load(data(f"{name}_expected.npy"))


# ---- files written by real Keras -------------------------------------------------------------

@pytest.mark.parametrize("name, saves_learning_rate", [("f1", True), ("k2_f1", False)])
def test_keras_file_loads_compiled_and_predicts_like_keras(name, saves_learning_rate):
    path = data(f"{name}.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complete, valid file loads without complaint
        model = load_model_from_hdf5(path)
    x, expected = _expected(name)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)

    with h5py.File(path, "r") as f:
        training = json.loads(f.attrs["training_config"])
    optimizer_config = training["optimizer_config"]["config"]
    assert model.compiled and isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate.numpy()) == \
        np.float32(optimizer_config["learning_rate"])
    assert model.optimizer.beta_2 == optimizer_config["beta_2"]
    # Loss and metric are restored: evaluate against NumPy's cross-entropy and accuracy of
    # the predictions real Keras made.
    logs = model.evaluate(x, LABELS, verbose=0, return_dict=True)
    picked = expected[np.arange(len(LABELS)), LABELS].astype(np.float64)
    np.testing.assert_allclose(logs["loss"], -np.log(picked).mean(), rtol=1e-5)
    assert logs["accuracy"] == pytest.approx(np.mean(expected.argmax(-1) == LABELS))

    saved = file_optimizer_weights(path)
    variables = model.optimizer.variables
    if not saves_learning_rate:  # tf.keras saves no learning_rate variable (FORMATS §3.1)
        variables = [variables[0]] + variables[2:]
    assert len(variables) == len(saved) and len(saved) > 2
    for variable, value in zip(variables, saved):
        np.testing.assert_array_equal(variable.numpy(), value)
    assert int(model.optimizer.iterations.numpy()) == int(saved[0])


@pytest.mark.parametrize("name", ["f1", "k2_f1"])
def test_keras_file_loads_uncompiled(name):
    model = load_model_from_hdf5(data(f"{name}.h5"), compile=False)
    assert not model.compiled
    x, expected = _expected(name)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("name", ["f2", "k2_f2"])
@pytest.mark.parametrize("compile", [True, False])
def test_cnn_files_load_or_name_the_missing_layer(name, compile):
    path = data(f"{name}.h5")
    if hasattr(keras.layers, "Conv2D"):  # the vision layers have landed: the CNN must load
        model = load_model_from_hdf5(path, compile=compile)
        x, expected = _expected(name)
        np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)
        return
    message = f"keras_like cannot load layer class 'Conv2D' from {path}: not implemented yet"
    with pytest.raises(ValueError, match=re.escape(message)):
        load_model_from_hdf5(path, compile=compile)


# ---- load_weights ----------------------------------------------------------------------------

@pytest.mark.parametrize("file, oracle", [("k2_f1_legacy_weights.h5", "k2_f1"),
                                          ("k2_f1.h5", "k2_f1"), ("f1.h5", "f1")])
@pytest.mark.parametrize("by_name", [False, True])
def test_load_weights_into_fresh_model(file, oracle, by_name):
    model = f1_architecture()
    load_weights_from_hdf5(model, data(file), by_name=by_name)
    x, expected = _expected(oracle)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


def test_load_weights_by_order_ignores_layer_names():
    model = f1_architecture(names=("a", "b", "c"), name="renamed")
    load_weights_from_hdf5(model, data("f1.h5"))
    x, expected = _expected("f1")
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


def test_load_weights_by_name_touches_only_matching_layers():
    model = f1_architecture(names=("hidden", "drop", "other"))
    before = [w.numpy() for w in model.get_layer("other").weights]
    load_weights_from_hdf5(model, data("k2_f1_legacy_weights.h5"), by_name=True)
    saved = file_weights(data("k2_f1_legacy_weights.h5"), group=None)
    for variable, value in zip(model.get_layer("hidden").weights, saved["hidden"]):
        np.testing.assert_array_equal(variable.numpy(), value)
    for variable, value in zip(model.get_layer("other").weights, before):
        np.testing.assert_array_equal(variable.numpy(), value)


@pytest.mark.parametrize("by_name", [False, True])
def test_shape_mismatch_raises_and_changes_nothing(by_name):
    path = data("f1.h5")
    model = f1_architecture(units=(64, 4))
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ValueError) as info:
        load_weights_from_hdf5(model, path, by_name=by_name)
    message = str(info.value)
    for part in (path, "'probs'", "(64, 4)", "(64, 3)"):
        assert part in message
    for variable, value in zip(model.weights, before):
        np.testing.assert_array_equal(variable.numpy(), value)


@pytest.mark.parametrize("by_name", [False, True])
def test_skip_mismatch_warns_and_loads_the_rest(by_name):
    path = data("f1.h5")
    model = f1_architecture(units=(64, 4))
    before = [w.numpy() for w in model.get_layer("probs").weights]
    with pytest.warns(UserWarning, match="probs"):
        load_weights_from_hdf5(model, path, by_name=by_name, skip_mismatch=True)
    saved = file_weights(path)
    for variable, value in zip(model.get_layer("hidden").weights, saved["hidden"]):
        np.testing.assert_array_equal(variable.numpy(), value)
    for variable, value in zip(model.get_layer("probs").weights, before):
        np.testing.assert_array_equal(variable.numpy(), value)


def test_layer_count_mismatch_by_order_names_the_file():
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, name="hidden")])
    path = data("k2_f1_legacy_weights.h5")
    with pytest.raises(ValueError, match="layer count mismatch") as info:
        load_weights_from_hdf5(model, path)
    assert path in str(info.value)


# ---- keras_like's own files ------------------------------------------------------------------

def _targets(model, batch):
    shape = tuple(model.outputs[0].shape[1:])
    return np.random.default_rng(1).standard_normal((batch, *shape)).astype("float32")


def _assert_same_weights(a, b):
    assert [v.path for v in a] == [v.path for v in b]
    for x, y in zip(a, b):
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x.numpy(), y.numpy())


BUILDERS = {"sequential": f1_architecture, "two_inputs": two_input_model,
            "nested": nested_model}


@pytest.mark.parametrize("builder", sorted(BUILDERS))
@pytest.mark.parametrize("compiled", [False, True])
def test_round_trip_is_bit_exact(tmp_path, builder, compiled):
    model = BUILDERS[builder]()
    x = model_inputs(model, batch=6)
    if compiled:
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mean_squared_error",
                      metrics=["mean_absolute_error"])
        model.fit(x, _targets(model, 6), epochs=2, batch_size=3, verbose=0)
    path = tmp_path / "model.h5"
    save_model_to_hdf5(model, path)
    if compiled:
        loaded = load_model_from_hdf5(path)
    else:
        with pytest.warns(UserWarning, match="No training configuration"):
            loaded = load_model_from_hdf5(path)

    assert type(loaded).__name__ == type(model).__name__
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    _assert_same_weights(model.weights, loaded.weights)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.compiled == compiled
    if not compiled:
        with h5py.File(path, "r") as f:
            assert "training_config" not in f.attrs and "optimizer_weights" not in f
        return
    assert loaded.get_compile_config() == model.get_compile_config()
    _assert_same_weights(model.optimizer.variables, loaded.optimizer.variables)
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    if any(isinstance(layer, keras.layers.Dropout) for layer in model.layers):
        return  # the two models' dropout draws differ; the continued step would too
    # The restored optimizer continues exactly where the saved one stopped.
    y = _targets(model, 6)
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    _assert_same_weights(model.weights, loaded.weights)
    _assert_same_weights(model.optimizer.variables, loaded.optimizer.variables)


def test_include_optimizer_false_writes_no_training_state(tmp_path):
    model = two_input_model()
    model.compile(optimizer="adam", loss="mean_squared_error")
    path = tmp_path / "model.h5"
    save_model_to_hdf5(model, path, include_optimizer=False)
    with h5py.File(path, "r") as f:
        assert "training_config" not in f.attrs and "optimizer_weights" not in f
    with pytest.warns(UserWarning, match="No training configuration"):
        loaded = load_model_from_hdf5(path)
    assert not loaded.compiled


def test_written_layout_matches_keras(tmp_path):
    """keras_like's file for f1's architecture has exactly the groups, attributes (names,
    string kinds, dtypes, shapes) and datasets of the f1.h5 real Keras wrote."""
    model = f1_architecture()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x, _ = _expected("f1")
    model.fit(x, LABELS, epochs=1, verbose=0)
    path = tmp_path / "f1_like.h5"
    save_model_to_hdf5(model, path)

    ours, keras_layout = h5_layout(path), h5_layout(data("f1.h5"))
    assert [e[0] for e in ours] == [e[0] for e in keras_layout]
    for mine, theirs in zip(ours, keras_layout):
        if mine[0].endswith("/iteration"):
            # int32 from Keras's JAX backend, int64 from its TF backend and from keras_like.
            assert mine[2] in ("int32", "int64") and mine[3] == theirs[3] == ()
        else:
            assert mine == theirs
    with h5py.File(path, "r") as f, h5py.File(data("f1.h5"), "r") as k:
        assert json.loads(f.attrs["model_config"]) == json.loads(k.attrs["model_config"])
        mine = json.loads(f.attrs["training_config"])
        theirs = json.loads(k.attrs["training_config"])
        assert list(mine) == list(theirs)
        # keras_like never JIT-compiles; everything else is the same compile call.
        assert {key: v for key, v in mine.items() if key != "jit_compile"} == \
            {key: v for key, v in theirs.items() if key != "jit_compile"}


def _f4_without_layer_normalization():
    """f4's graph (see keras3_f4_h5_model_config.json) minus its LayerNormalization, which
    keras_like does not have yet."""
    in_a, in_b = keras.Input((16,), name="in_a"), keras.Input((8,), name="in_b")
    dense_a = keras.layers.Dense(16, activation="relu", name="dense_a")(in_a)
    residual = keras.layers.Add(name="residual")([in_a, dense_a])
    dense_b = keras.layers.Dense(8, activation="tanh", name="dense_b")(in_b)
    concat = keras.layers.Concatenate(name="concat")([residual, dense_b])
    act = keras.layers.Activation("gelu", name="act")(concat)
    out = keras.layers.Dense(4, name="out")(act)
    return keras.Model([in_a, in_b], out, name="f4_two_inputs")


def test_written_functional_config_matches_keras(tmp_path):
    """Functional entries as Keras 3's legacy writer makes them (f4.h5's model_config)."""
    with open(data("keras3_f4_h5_model_config.json")) as f:
        keras_config = json.load(f)
    path = tmp_path / "f4_like.h5"
    save_model_to_hdf5(_f4_without_layer_normalization(), path)
    with h5py.File(path, "r") as f:
        ours = json.loads(f.attrs["model_config"])
        layer_names = list(f["model_weights"].attrs["layer_names"])
    assert ours["class_name"] == keras_config["class_name"] == "Functional"
    mine, theirs = ours["config"], keras_config["config"]
    assert list(mine) == list(theirs)
    for key in ("name", "trainable", "input_layers", "output_layers"):
        assert mine[key] == theirs[key]
    expected = [entry for entry in theirs["layers"] if entry["name"] != "ln"]
    assert [entry["name"] for entry in mine["layers"]] == [e["name"] for e in expected]
    assert layer_names == [e["name"] for e in expected]
    for entry, real in zip(mine["layers"], expected):
        if entry["name"] == "act":  # called on `concat` here, on `ln` in f4
            entry, real = dict(entry), dict(real)
            del entry["inbound_nodes"], real["inbound_nodes"]
        assert entry == real


def test_long_name_lists_are_chunked_and_read_back(tmp_path):
    names = [f"activation_{i:03d}_" + "x" * 240 for i in range(300)]
    model = keras.Sequential([keras.Input((3,))] +
                             [keras.layers.Activation("linear", name=n) for n in names] +
                             [keras.layers.Dense(2, name="last")])
    path = tmp_path / "long.h5"
    save_model_to_hdf5(model, path)
    with h5py.File(path, "r") as f:
        group = f["model_weights"]
        assert "layer_names" not in group.attrs
        chunks = sorted((k for k in group.attrs if k.startswith("layer_names")),
                        key=lambda k: int(k[len("layer_names"):]))
        assert len(chunks) > 1
        assert all(group.attrs[k].nbytes <= 64512 for k in chunks)
        stored = [n.decode() for k in chunks for n in group.attrs[k]]
    assert stored == names + ["last"]
    loaded = load_model_from_hdf5(path, compile=False)
    assert [layer.name for layer in loaded.layers] == names + ["last"]
    _assert_same_weights(model.weights, loaded.weights)


def test_fixed_length_and_chunked_attributes_are_read(tmp_path):
    """h5py-2-era files: fixed-length `|S` strings, chunked name lists."""
    path = tmp_path / "old_style.h5"
    with h5py.File(data("f1.h5"), "r") as source, h5py.File(path, "w") as f:
        for key in ("backend", "keras_version", "model_config", "training_config"):
            f.attrs[key] = np.bytes_(source.attrs[key].encode())
        source.copy("optimizer_weights", f)
        source.copy("model_weights", f)
        group = f["model_weights"]
        names = list(group.attrs["layer_names"])
        del group.attrs["layer_names"]
        group.attrs["layer_names0"] = np.array([n.encode() for n in names[:2]])
        group.attrs["layer_names1"] = np.array([n.encode() for n in names[2:]])
        for layer in names:
            weight_names = group[layer].attrs["weight_names"]
            if len(weight_names):
                group[layer].attrs["weight_names"] = np.array([w.encode() for w in weight_names])
    model = load_model_from_hdf5(path)
    x, expected = _expected("f1")
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)
    assert model.compiled


def test_save_replaces_an_existing_file_atomically(tmp_path):
    path = tmp_path / "model.h5"
    first = two_input_model()
    save_model_to_hdf5(first, path)
    second = two_input_model()
    save_model_to_hdf5(second, str(path))
    _assert_same_weights(second.weights, load_model_from_hdf5(path, compile=False).weights)
    assert [p.name for p in tmp_path.iterdir()] == ["model.h5"]


# ---- Keras 2 JSON ----------------------------------------------------------------------------

def test_keras2_to_json_loads_with_model_from_json():
    # k2_f1.h5's model_config is what tf.keras's `model.to_json()` writes.
    path = data("k2_f1.h5")
    with h5py.File(path, "r") as f:
        json_string = f.attrs["model_config"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = model_from_json(json_string)
    assert isinstance(model, keras.Sequential) and model.name == "k2_f1_mlp"
    assert [layer.name for layer in model.layers] == ["hidden", "drop", "probs"]
    load_weights_from_hdf5(model, path)
    x, expected = _expected("k2_f1")
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


def test_unknown_config_keys_warn_and_are_ignored():
    with h5py.File(data("k2_f1.h5"), "r") as f:
        config = json.loads(f.attrs["model_config"])
    config["config"]["layers"][1]["config"]["time_major"] = False  # an LSTM key, on a Dense
    config["keras_version"], config["backend"] = "2.21.0", "tensorflow"  # as to_json writes
    with pytest.warns(UserWarning, match="time_major"):
        model = model_from_json(json.dumps(config))
    assert model.get_layer("hidden").units == 64


# ---- through the public API, as Keras code calls it ------------------------------------------

def test_keras_api_saves_and_loads_h5(tmp_path):
    path = str(tmp_path / "model.h5")
    model = keras.models.load_model(data("k2_f1.h5"))
    x, expected = _expected("k2_f1")
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)
    with pytest.warns(UserWarning, match="legacy"):
        model.save(path)
    again = keras.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    fresh = f1_architecture()
    fresh.load_weights(data("k2_f1_legacy_weights.h5"), by_name=True)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


def test_open_h5py_files_are_accepted():
    x, expected = _expected("f1")
    with h5py.File(data("f1.h5"), "r") as f:
        model = load_model_from_hdf5(f, compile=False)
        fresh = f1_architecture()
        load_weights_from_hdf5(fresh, f)
        assert f.id.valid  # the caller's file stays open
    for m in (model, fresh):
        np.testing.assert_allclose(m.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


@keras.saving.register_keras_serializable(package="legacy_h5_tests")
class _Scale(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_registered_custom_layer_round_trips(tmp_path):
    model = keras.Sequential([keras.Input((3,)), _Scale(3.0, name="scale"),
                              keras.layers.Dense(2, name="d")])
    model.get_layer("scale").w.assign(np.array([1.0, -2.0, 0.5], "float32"))
    path = tmp_path / "custom.h5"
    save_model_to_hdf5(model, path)
    with h5py.File(path, "r") as f:
        entry = json.loads(f.attrs["model_config"])["config"]["layers"][1]
    assert entry["class_name"] == "legacy_h5_tests>_Scale"  # the registered name, as Keras
    loaded = load_model_from_hdf5(path, compile=False)
    assert isinstance(loaded.get_layer("scale"), _Scale) and loaded.get_layer("scale").factor == 3
    x = model_inputs(model)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
