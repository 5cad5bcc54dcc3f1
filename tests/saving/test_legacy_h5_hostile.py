"""Hostile and broken legacy `.h5` files: each is refused with a ValueError or OSError whose
message names the file and the problem. The loads run in one child process (capped memory,
see tests/child_process.py), so a crash or a runaway allocation fails a case instead of the run.
Problems with the training configuration or optimizer state only warn: the model still loads."""

import json
import os
import re

import h5py
import numpy as np
import pytest
from child_process import run_cases
from legacy_h5_cases import data, f1_architecture, file_weights, writable_copy

import keras_like as keras
from keras_like.saving import h5_guard
from keras_like.saving.legacy_h5 import (
    load_model_from_hdf5,
    load_weights_from_hdf5,
    save_model_to_hdf5,
)

KERNEL = "model_weights/hidden/f1_mlp/hidden/kernel"
CASES = {}


def case(name, error, pattern, call="load_model"):
    """Registers a builder `fn(path)` that turns a copy of f1.h5 at `path` into a hostile
    file; loading it must raise `error` with a message naming the file and matching
    `pattern`."""
    def register(fn):
        CASES[name] = (fn, error, pattern, call)
        return fn
    return register


def _replace(path, where, **dataset):
    with h5py.File(path, "r+") as f:
        del f[where]
        f.create_dataset(where, **dataset)


def _write_raw(path, content):
    os.remove(path)
    with open(path, "wb") as f:
        f.write(content)


def _set_attribute(path, name, value, where="/"):
    with h5py.File(path, "r+") as f:
        if value is None:
            del f[where].attrs[name]
        else:
            f[where].attrs[name] = value


@case("random_bytes_after_signature", "OSError", "HDF5")
def _(path):
    _write_raw(path, b"\x89HDF\r\n\x1a\n" + np.random.default_rng(0).bytes(8192))


@case("not_hdf5", "OSError", "HDF5")
def _(path):
    _write_raw(path, b'{"class_name": "Sequential"}\n' * 50)


@case("empty_file", "OSError", "HDF5")
def _(path):
    _write_raw(path, b"")


@case("truncated", "OSError", ".")
def _(path):
    with open(path, "rb") as f:
        content = f.read()
    _write_raw(path, content[:len(content) // 2])


@case("missing_file", "OSError", "No such file")
def _(path):
    os.remove(path)


@case("no_model_config", "ValueError", "no model config")
def _(path):
    _set_attribute(path, "model_config", None)


@case("model_config_not_json", "ValueError", "not valid JSON")
def _(path):
    _set_attribute(path, "model_config", b'{"class_name": "Sequential", "config": ')


@case("model_config_deeply_nested", "ValueError", "nests deeper")
def _(path):
    _set_attribute(path, "model_config", b"[" * 200_000)


@case("model_config_not_an_object", "ValueError", "must be a JSON object")
def _(path):
    _set_attribute(path, "model_config", b"[1, 2, 3]")


@case("model_config_a_number", "ValueError", "must be a string")
def _(path):
    _set_attribute(path, "model_config", np.int64(7))


@case("model_config_names_foreign_module", "ValueError", "system")
def _(path):
    config = {"class_name": "Sequential", "config": {"name": "evil", "layers": [
        {"module": "os", "class_name": "system", "config": {"command": "echo owned"},
         "registered_name": None}]}}
    _set_attribute(path, "model_config", json.dumps(config).encode())


@case("model_config_unbuildable_layer", "ValueError", "units")
def _(path):
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
    config["config"]["layers"][1]["config"]["units"] = -3
    _set_attribute(path, "model_config", json.dumps(config).encode())


@case("lambda_in_safe_mode", "ValueError", "lambda")
def _(path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2.0)])
    save_model_to_hdf5(model, path)


@case("tf_keras_lambda_in_safe_mode", "ValueError", "lambda")
def _(path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2.0)])
    save_model_to_hdf5(model, path)
    with h5py.File(path, "r") as f:
        config = json.loads(f.attrs["model_config"])
    inner = config["config"]["layers"][1]["config"]
    code = inner["function"]["config"]
    # The form tf.keras writes (`func_dump`): a [code, defaults, closure] list.
    inner.update(function=[code["code"], code["defaults"], code["closure"]],
                 function_type="lambda", module="__main__", output_shape_type="raw")
    _set_attribute(path, "model_config", json.dumps(config).encode())


@case("weight_wrong_shape", "ValueError", r"'hidden'.*\(20, 64\).*\(20, 65\)")
def _(path):
    _replace(path, KERNEL, data=np.zeros((20, 65), "float32"))


@case("weight_strings", "ValueError", "string")
def _(path):
    _replace(path, KERNEL, data=np.array([["w"] * 64] * 20, dtype=h5py.string_dtype()))


@case("weight_fixed_strings", "ValueError", "string")
def _(path):
    _replace(path, KERNEL, data=np.array([[b"w"] * 64] * 20))


@case("weight_compound", "ValueError", "numbers")
def _(path):
    _replace(path, KERNEL, data=np.zeros((20, 64), dtype=[("a", "f4"), ("b", "f4")]))


@case("weight_soft_link", "ValueError", "soft link")
def _(path):
    with h5py.File(path, "r+") as f:
        del f[KERNEL]
        f[KERNEL] = h5py.SoftLink("/model_weights/probs/f1_mlp/probs/kernel")


@case("weight_external_link", "ValueError", "external link")
def _(path):
    with h5py.File(path, "r+") as f:
        del f[KERNEL]
        f[KERNEL] = h5py.ExternalLink(os.path.join(os.path.dirname(path), "other.h5"), "/k")


@case("group_soft_link", "ValueError", "soft link")
def _(path):
    with h5py.File(path, "r+") as f:
        del f["model_weights/hidden"]
        f["model_weights/hidden"] = h5py.SoftLink("/model_weights/probs")


@case("weight_external_storage", "ValueError", "other files")
def _(path):
    raw = os.path.join(os.path.dirname(path), "raw.bin")
    with open(raw, "wb") as f:
        f.write(np.zeros((20, 64), "float32").tobytes())
    _replace(path, KERNEL, shape=(20, 64), dtype="f4", external=[(raw, 0, 20 * 64 * 4)])


@case("weight_declares_absurd_size", "ValueError", "declares")
def _(path):
    _replace(path, KERNEL, shape=(2**26, 64), dtype="f4")


@case("weight_compressed_absurd_size", "ValueError", "declares")
def _(path):
    _replace(path, KERNEL, shape=(2**40, 64), dtype="f4", chunks=(1024, 64),
             compression="gzip")


@case("weight_missing", "ValueError", "missing")
def _(path):
    with h5py.File(path, "r+") as f:
        del f[KERNEL]


@case("weight_names_numbers", "ValueError", "must hold strings")
def _(path):
    _set_attribute(path, "weight_names", np.arange(2), where="model_weights/hidden")


@case("weight_names_dotdot", "ValueError", "invalid object name")
def _(path):
    _set_attribute(path, "weight_names", [b"../probs/f1_mlp/probs/kernel", b"f1_mlp/hidden/bias"],
                   where="model_weights/hidden")


@case("layer_group_missing", "ValueError", "missing")
def _(path):
    _set_attribute(path, "layer_names", [b"hidden", b"drop", b"nowhere"],
                   where="model_weights")


@case("layer_names_missing", "ValueError", "layer count mismatch")
def _(path):
    _set_attribute(path, "layer_names", None, where="model_weights")


@case("model_weights_missing", "ValueError", "model_weights")
def _(path):
    with h5py.File(path, "r+") as f:
        del f["model_weights"]


@case("load_weights_soft_link", "ValueError", "soft link", call="load_weights")
def _(path):
    with h5py.File(path, "r+") as f:
        del f[KERNEL]
        f[KERNEL] = h5py.SoftLink("/model_weights/probs/f1_mlp/probs/kernel")


@case("load_weights_wrong_shape", "ValueError", r"\(20, 64\).*\(3,\)", call="load_weights")
def _(path):
    _replace(path, KERNEL, data=np.zeros((3,), "float32"))


@case("load_weights_random_bytes", "OSError", "HDF5", call="load_weights")
def _(path):
    _write_raw(path, b"\x89HDF\r\n\x1a\n" + np.random.default_rng(1).bytes(4096))


_CALLS = {
    "load_model": "__import__('keras_like.saving.legacy_h5', fromlist=['_'])"
                  ".load_model_from_hdf5({path!r})",
    "load_weights": "__import__('keras_like.saving.legacy_h5', fromlist=['_'])"
                    ".load_weights_from_hdf5(keras.Sequential([keras.Input((20,)), "
                    "keras.layers.Dense(64, name='hidden'), keras.layers.Dense(3, "
                    "name='probs')]), {path!r})",
}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile_h5")
    paths, codes = {}, []
    for name, (build, _, _, call) in CASES.items():
        case_folder = folder / name
        case_folder.mkdir()
        path = writable_copy("f1.h5", case_folder)
        build(path)
        paths[name] = path
        codes.append(_CALLS[call].format(path=path))
    results = run_cases(codes, timeout=240)
    return {name: (paths[name], result) for name, result in zip(CASES, results)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused_naming_the_file(outcomes, name):
    path, outcome = outcomes[name]
    _, error, pattern, _ = CASES[name]
    assert outcome.kind == "error", outcome.describe()
    assert outcome.raised(error), outcome.describe()
    assert path in outcome.message, outcome.describe()
    assert re.search(pattern, outcome.message, re.IGNORECASE | re.DOTALL), outcome.describe()


# ---- in-process cases: lenient loading and the limits -----------------------------------------

def test_lambda_loads_and_runs_with_safe_mode_false(tmp_path):
    path = tmp_path / "lambda.h5"
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2.0 + 1.0)])
    save_model_to_hdf5(model, path)
    loaded = load_model_from_hdf5(path, compile=False, safe_mode=False)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), x * 2.0 + 1.0)


def _training_config(path, change):
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["training_config"])
        change(config)
        f.attrs["training_config"] = json.dumps(config).encode()


@pytest.mark.parametrize("change", [
    lambda c: c.update(loss="no_such_loss"),
    lambda c: c["optimizer_config"].update(class_name="NoSuchOptimizer"),
    lambda c: c.update(metrics=[{"class_name": "NoSuchMetric", "config": {}}]),
    lambda c: c["optimizer_config"]["config"].update(learning_rate="fast"),
    lambda c: c.update(metrics=["no_such_metric"]),
])
def test_unusable_training_config_warns_and_returns_uncompiled(tmp_path, change):
    path = writable_copy("f1.h5", tmp_path)
    _training_config(path, change)
    with pytest.warns(UserWarning, match=re.escape(path)):
        model = load_model_from_hdf5(path)
    assert not model.compiled
    x, expected = np.load(data("f1_input.npy")), np.load(data("f1_expected.npy"))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=0, atol=1e-5)


def test_training_config_not_json_warns(tmp_path):
    path = writable_copy("f1.h5", tmp_path)
    _set_attribute(path, "training_config", b"{oops")
    with pytest.warns(UserWarning, match="not valid JSON"):
        model = load_model_from_hdf5(path)
    assert not model.compiled


def test_mismatched_optimizer_state_warns_and_keeps_a_fresh_optimizer(tmp_path):
    path = writable_copy("f1.h5", tmp_path)
    _replace(path, "optimizer_weights/adam/f1_mlp_hidden_kernel_momentum",
             data=np.ones((21, 64), "float32"))
    with pytest.warns(UserWarning, match="optimizer state"):
        model = load_model_from_hdf5(path)
    assert model.compiled
    assert all(not np.any(v.numpy()) for v in model.optimizer.variables[2:])
    assert int(model.optimizer.iterations.numpy()) == 0


@pytest.mark.parametrize("damage, message", [
    ("soft_link", "soft link"),
    ("legacy_optimizer", "legacy tf.keras optimizer"),
    ("keras_version_number", "must be a string"),
])
def test_unusable_optimizer_state_warns_and_keeps_a_fresh_optimizer(tmp_path, damage, message):
    path = writable_copy("f1.h5", tmp_path)
    if damage == "soft_link":
        with h5py.File(path, "r+") as f:
            del f["optimizer_weights/adam/iteration"]
            f["optimizer_weights/adam/iteration"] = h5py.SoftLink("/model_weights")
    elif damage == "legacy_optimizer":
        # tf.keras < 2.11 optimizers save hyperparameters and per-kind slot blocks.
        _training_config(path, lambda c: c["optimizer_config"]["config"].update(
            is_legacy_optimizer=True))
    else:
        _set_attribute(path, "keras_version", np.int64(3))
    with pytest.warns(UserWarning, match=message):
        model = load_model_from_hdf5(path)
    assert model.compiled
    assert int(model.optimizer.iterations.numpy()) == 0


def test_unknown_training_config_keys_are_ignored(tmp_path):
    path = writable_copy("f1.h5", tmp_path)
    _training_config(path, lambda c: c.update(sample_weight_mode=None, something_new=3))
    model = load_model_from_hdf5(path)
    assert model.compiled


def test_attribute_size_limits(tmp_path, monkeypatch):
    path = data("f1.h5")
    monkeypatch.setattr(h5_guard, "MAX_STRING_BYTES", 100)
    with pytest.raises(ValueError, match="longer than 100") as info:
        load_model_from_hdf5(path)
    assert path in str(info.value)
    monkeypatch.setattr(h5_guard, "MAX_STRING_BYTES", 64 << 20)
    monkeypatch.setattr(h5_guard, "MAX_NAMES", 2)
    with pytest.raises(ValueError, match="declares 3 elements") as info:
        load_weights_from_hdf5(f1_architecture(), path)
    assert path in str(info.value)


def test_failed_weight_load_changes_nothing(tmp_path):
    path = writable_copy("f1.h5", tmp_path)
    _replace(path, "model_weights/probs/f1_mlp/probs/bias", data=np.zeros((4,), "float32"))
    model = f1_architecture()
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ValueError, match=re.escape(path)):
        load_weights_from_hdf5(model, path)
    for variable, value in zip(model.weights, before):
        np.testing.assert_array_equal(variable.numpy(), value)
    # The layers before the bad one would load fine on their own (by name, skipping).
    with pytest.warns(UserWarning, match="probs"):
        load_weights_from_hdf5(model, path, by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(model.get_layer("hidden").weights[0].numpy(),
                                  file_weights(path)["hidden"][0])


def _mutations(content, count, seed=5):
    """Deterministically damaged copies of a file: scrambled windows, flipped bits, and
    random bytes after an intact head."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        damaged = bytearray(content)
        if i % 3 == 0:
            start, size = int(rng.integers(0, len(damaged) - 512)), int(rng.integers(1, 512))
            damaged[start:start + size] = rng.bytes(size)
        elif i % 3 == 1:
            for _ in range(int(rng.integers(1, 40))):
                damaged[int(rng.integers(0, len(damaged)))] ^= 1 << int(rng.integers(0, 8))
        else:
            cut = int(rng.integers(100, 4000))
            damaged[cut:] = rng.bytes(len(damaged) - cut)
        yield bytes(damaged)


def test_damaged_files_load_or_fail_cleanly(tmp_path):
    """Random damage to a real Keras file: every load either succeeds or raises a ValueError
    or OSError naming the file; none crashes, hangs or raises anything else."""
    with open(data("f1.h5"), "rb") as f:
        content = f.read()
    codes = []
    for i, damaged in enumerate(_mutations(content, 30)):
        path = str(tmp_path / f"damaged_{i}.h5")
        with open(path, "wb") as f:
            f.write(damaged)
        codes.append(_CALLS["load_model"].format(path=path))
        codes.append(_CALLS["load_weights"].format(path=path))
    for outcome in run_cases(codes, timeout=400):
        if outcome.kind in ("value", "object"):
            continue
        assert outcome.kind == "error", outcome.describe()
        assert outcome.raised("ValueError") or outcome.raised("OSError"), outcome.describe()
        assert str(tmp_path) in outcome.message, outcome.describe()
