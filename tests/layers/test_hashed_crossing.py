"""HashedCrossing against the bins, configs and errors of real Keras 3.15.1
(TensorFlow's `tf.sparse.cross_hashed`), bit for bit.

The oracle is data/hashing_fixtures.json, from data/make_text_fixtures.py.
"""

import json
import os

import numpy as np
import pytest
from helpers import run_layer_test

import keras_like as keras
from keras_like import layers, ops
from keras_like.layers.preprocessing._farmhash import fingerprint64, fingerprint_cat64

DATA_DIR = os.path.join(os.path.dirname(__file__), "..", "data")
with open(os.path.join(DATA_DIR, "hashing_fixtures.json"), encoding="utf-8") as _f:
    FIXTURES = json.load(_f)
CASES = FIXTURES["crossing"]
OK_CASES = sorted(n for n, c in CASES.items() if "error" not in c["outputs"][0])
ERROR_CASES = sorted(n for n, c in CASES.items() if "error" in c["outputs"][0])


def features(case):
    (x,), (dtypes,) = case["inputs"], case["input_dtypes"]
    return tuple(np.array(f) if d == "str" else np.array(f, dtype=d) for f, d in zip(x, dtypes))


@pytest.mark.parametrize("name", OK_CASES)
def test_matches_keras(name):
    case = CASES[name]
    layer = layers.HashedCrossing(**case["kwargs"])
    expected = case["outputs"][0]
    out = layer(features(case))
    assert str(out.dtype) == expected["dtype"]
    want = np.array(expected["value"], dtype=expected["dtype"])
    got = ops.convert_to_numpy(out)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    config = layer.get_config()
    config.pop("name")
    assert config == case["config"]
    clone = layers.HashedCrossing.from_config(json.loads(json.dumps(layer.get_config())))
    np.testing.assert_array_equal(ops.convert_to_numpy(clone(features(case))), want)


@pytest.mark.parametrize("name", ERROR_CASES)
def test_bad_inputs_raise_keras_errors(name):
    case = CASES[name]
    # Keras wraps the message in its call-context banner and prints TF tensors after
    # "Received"; the sentence before them is the error.
    message = case["outputs"][0]["message"].split("\x1b[1m")[1].split("Received")[0]
    with pytest.raises(ValueError) as info:
        layers.HashedCrossing(**case["kwargs"])(features(case))
    assert str(info.value).startswith(message)


def test_bad_output_mode_and_sparse():
    bad = FIXTURES["crossing_bad_args"]["output_mode"]
    with pytest.raises(ValueError) as info:
        layers.HashedCrossing(**bad["kwargs"])
    assert str(info.value) == bad["message"]
    with pytest.raises(ValueError, match="only be used with the TensorFlow backend"):
        layers.HashedCrossing(num_bins=3, output_mode="one_hot", sparse=True)


def test_cross_is_the_documented_fingerprint_fold():
    # tf.sparse.cross_hashed: FingerprintCat64 folds each feature into the default hash key;
    # strings by their fingerprint, integers by their value.
    key = np.array([0xDECAFCAFFE], dtype=np.uint64)
    value = fingerprint_cat64(key, fingerprint64([b"A"]))
    value = fingerprint_cat64(value, np.array([101], dtype=np.uint64))
    out = layers.HashedCrossing(num_bins=2**63 - 1)((np.array(["A"]), np.array([101])))
    assert ops.convert_to_numpy(out)[0] == int(value[0] % np.uint64(2**63 - 1))


def test_layer_contract_on_integer_features():
    a = np.array([[1], [2], [3]], dtype="int64")
    b = np.array([[4], [5], [6]], dtype="int64")
    expected = layers.HashedCrossing(num_bins=11)((a, b))
    run_layer_test(layers.HashedCrossing, init_kwargs={"num_bins": 11}, input_data=[a, b],
                   expected_output=ops.convert_to_numpy(expected),
                   expected_output_dtype="int64", expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0, run_gradient_check=False,
                   run_training_check=False)


def test_functional_model():
    a, b = keras.Input((1,), dtype="int64"), keras.Input((1,), dtype="int64")
    out = layers.HashedCrossing(num_bins=4, output_mode="one_hot")([a, b])
    assert out.shape == (None, 4)
    model = keras.Model([a, b], out)
    x = [np.array([[1], [2]]), np.array([[3], [3]])]
    want = ops.convert_to_numpy(layers.HashedCrossing(num_bins=4, output_mode="one_hot")(x))
    np.testing.assert_array_equal(ops.convert_to_numpy(model(x)), want)
