"""Hashing against the bins, configs and errors of real Keras 3.15.1 (TensorFlow's FarmHash64
and SipHash), bit for bit, plus the hash functions on their own.

The oracle is data/hashing_fixtures.json, from data/make_text_fixtures.py.
"""

import json
import os

import numpy as np
import pytest
from helpers import run_layer_test

import keras_like as keras
from keras_like import layers, ops
from keras_like.layers.preprocessing._farmhash import fingerprint64
from keras_like.layers.preprocessing._siphash import siphash

DATA_DIR = os.path.join(os.path.dirname(__file__), "..", "data")
with open(os.path.join(DATA_DIR, "hashing_fixtures.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["hashing"]
BAD_ARGS = FIXTURES["hashing_bad_args"]


def as_array(x, dtype):
    return np.array(x) if dtype is None else np.array(x, dtype=dtype)


def assert_output(out, expected):
    assert str(out.dtype) == expected["dtype"]
    got = ops.convert_to_numpy(out)
    want = np.array(expected["value"], dtype=expected["dtype"])
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    case = CASES[name]
    layer = layers.Hashing(**case["kwargs"])
    for x, dtype, expected in zip(case["inputs"], case["input_dtypes"], case["outputs"]):
        assert_output(layer(as_array(x, dtype)), expected)
    config = layer.get_config()
    config.pop("name")
    assert json.loads(json.dumps(config)) == case["config"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_rebuilds_from_config(name):
    case = CASES[name]
    config = json.loads(json.dumps(layers.Hashing(**case["kwargs"]).get_config()))
    clone = layers.Hashing.from_config(config)
    for x, dtype, expected in zip(case["inputs"], case["input_dtypes"], case["outputs"]):
        assert_output(clone(as_array(x, dtype)), expected)


@pytest.mark.parametrize("name", sorted(BAD_ARGS))
def test_bad_arguments_raise_keras_errors(name):
    case = BAD_ARGS[name]
    kwargs = dict(case["kwargs"])
    if name == "salt_triple":
        kwargs["salt"] = tuple(kwargs["salt"])
    with pytest.raises(ValueError) as info:
        layers.Hashing(**kwargs)
    assert str(info.value) == case["message"]


def test_sparse_is_refused():
    # What Keras raises on every backend but TensorFlow (for the modes that allow sparse).
    with pytest.raises(ValueError, match="only be used with the TensorFlow backend"):
        layers.Hashing(num_bins=3, output_mode="count", sparse=True)


def test_fingerprint64_of_known_values():
    # FarmHash's fingerprint of the empty string is its constant k2.
    assert fingerprint64([b""])[0] == np.uint64(0x9AE16A3B2F90404F)
    # Every length branch gives one value per string, whatever the order of the batch.
    data = [bytes(range(n % 256)) * 2 for n in range(0, 200, 7)]
    np.testing.assert_array_equal(fingerprint64(data)[::-1], fingerprint64(data[::-1]))
    assert len(set(fingerprint64(data).tolist())) == len(data)


def test_siphash_matches_the_reference_vector():
    # SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e.
    key = [int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little")]
    assert siphash([bytes(range(15))], key)[0] == np.uint64(0xA129CA6149BE45E5)


def test_hashes_a_hundred_thousand_strings_quickly():
    import time

    words = [f"word{i % 7919}_{i}" for i in range(100_000)]
    layer = layers.Hashing(num_bins=1000)
    start = time.perf_counter()
    layer(words)
    # Generous: the vectorised hash takes a few tens of milliseconds (see bench/text.py).
    assert time.perf_counter() - start < 5


def test_layer_contract_on_integer_inputs():
    x = np.array([[1, 2, 3], [40, 50, 60]], dtype="int64")
    expected = CASES["ints_small"]["outputs"][0]["value"]
    run_layer_test(layers.Hashing, init_kwargs={"num_bins": 7}, input_data=x,
                   expected_output=np.array(expected), expected_output_dtype="int64",
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   run_gradient_check=False, run_training_check=False)


def test_functional_model_and_keras_file_round_trip(tmp_path):
    inputs = keras.Input((4,), dtype="int64")
    outputs = layers.Hashing(num_bins=6, output_mode="count", mask_value=0)(inputs)
    assert outputs.shape == (None, 6) and outputs.dtype == "float32"
    model = keras.Model(inputs, outputs)
    x = np.array(CASES["count_ints_mask"]["inputs"][0])
    expected = np.array(CASES["count_ints_mask"]["outputs"][0]["value"])
    np.testing.assert_array_equal(ops.convert_to_numpy(model(x)), expected)
    path = str(tmp_path / "hashing.keras")
    model.save(path)
    revived = keras.saving.load_model(path)
    np.testing.assert_array_equal(ops.convert_to_numpy(revived(x)), expected)
