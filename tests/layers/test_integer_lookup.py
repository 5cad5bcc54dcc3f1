"""IntegerLookup against outputs, vocabularies, configs and errors of real Keras 3.15.1.

The oracle is data/lookup_fixtures.json, from data/make_lookup_fixtures.py (see there).
"""

import numpy as np
import pytest
from helpers import run_layer_test
from lookup_cases import (
    CASES,
    bad_arg_names,
    case_names,
    check_bad_args,
    check_case,
    check_rebuilt_from_config,
)

import keras_like as keras
from keras_like import layers, ops


@pytest.mark.parametrize("name", case_names("IntegerLookup"))
def test_matches_keras(name, tmp_path):
    check_case(name, tmp_path)


@pytest.mark.parametrize("name", case_names("IntegerLookup"))
def test_rebuilds_from_config(name, tmp_path):
    check_rebuilt_from_config(name, tmp_path)


@pytest.mark.parametrize("name", ["i_int", "i_mask", "i_oov3_mask", "i_one_hot",
                                  "i_multi_hot_mask", "i_count_pad", "i_tf_idf", "i_invert"])
def test_layer_contract(name):
    case = CASES[name]
    x, expected = np.array(case["inputs"][0]), case["outputs"][0]
    # Lookups are not differentiable and the layer has no weights: no gradient checks.
    run_layer_test(layers.IntegerLookup, init_kwargs=case["kwargs"], input_data=x,
                   expected_output=np.array(expected["value"]),
                   expected_output_dtype=expected["dtype"],
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   run_gradient_check=False, run_training_check=False)


@pytest.mark.parametrize("name", bad_arg_names("IntegerLookup"))
def test_bad_arguments_raise_keras_errors(name):
    check_bad_args(name)


def test_sparse_is_refused():
    # What Keras raises on every backend but TensorFlow.
    with pytest.raises(ValueError, match="only be used with the TensorFlow backend"):
        layers.IntegerLookup(sparse=True, output_mode="count")


@pytest.mark.parametrize("kwargs", [{"oov_method": "farmhash"},
                                    {"oov_method": "farmhash", "salt": 7}])
def test_hashed_oov_buckets_are_not_implemented(kwargs):
    with pytest.raises(NotImplementedError, match="FarmHash64"):
        layers.IntegerLookup(vocabulary=[1], num_oov_indices=2, **kwargs)
    # With one OOV index there is nothing to hash.
    layer = layers.IntegerLookup(vocabulary=[1], **kwargs)
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(np.array([1, 5]))), [1, 0])


def test_tensor_and_list_inputs():
    layer = layers.IntegerLookup(vocabulary=[12, 36])
    for x in ([36, 12, 7], ops.convert_to_tensor(np.array([36, 12, 7], dtype="int32"))):
        out = layer(x)
        assert str(out.dtype) == "int64"
        np.testing.assert_array_equal(ops.convert_to_numpy(out), [2, 1, 0])


def test_functional_model_and_keras_file_round_trip(tmp_path):
    layer = layers.IntegerLookup(output_mode="tf_idf", max_tokens=6, pad_to_max_tokens=True)
    layer.adapt(np.array([[3, 1, 2, 1], [3, 2, 4, 5]]))
    inputs = keras.Input((4,), dtype="int64")
    outputs = layer(inputs)
    assert outputs.shape == (None, 6) and outputs.dtype == "float32"
    model = keras.Model(inputs, outputs)
    x = np.array([[1, 1, 9, 4], [0, 5, 5, 3]])
    expected = ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(expected, ops.convert_to_numpy(layer(x)))
    path = str(tmp_path / "lookup.keras")
    model.save(path)
    # The adapted vocabulary travels as the layer's vocabulary.txt asset, as in Keras.
    revived = keras.saving.load_model(path)
    np.testing.assert_allclose(ops.convert_to_numpy(revived(x)), expected)


def test_vocabulary_size_is_frozen_after_the_first_vocabulary():
    layer = layers.IntegerLookup(vocabulary=[1, 2], output_mode="multi_hot")
    with pytest.raises(RuntimeError, match="vocabulary size cannot be changed"):
        layer.set_vocabulary([1, 2, 3])
