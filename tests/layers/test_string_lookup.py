"""StringLookup against outputs, vocabularies, configs and errors of real Keras 3.15.1.

The oracle is data/lookup_fixtures.json, from data/make_lookup_fixtures.py (see there).
"""

import numpy as np
import pytest
from lookup_cases import (
    bad_arg_names,
    case_names,
    check_bad_args,
    check_case,
    check_rebuilt_from_config,
)

from keras_like import layers, ops
from keras_like.saving import serialization_lib


@pytest.mark.parametrize("name", case_names("StringLookup"))
def test_matches_keras(name, tmp_path):
    check_case(name, tmp_path)


@pytest.mark.parametrize("name", case_names("StringLookup"))
def test_rebuilds_from_config(name, tmp_path):
    check_rebuilt_from_config(name, tmp_path)


@pytest.mark.parametrize("name", bad_arg_names("StringLookup"))
def test_bad_arguments_raise_keras_errors(name):
    check_bad_args(name)


@pytest.mark.parametrize("kwargs", [{"sparse": True}, {"sparse": True, "output_mode": "count"}])
def test_sparse_is_refused(kwargs):
    # What Keras raises on every backend but TensorFlow.
    with pytest.raises(ValueError, match="only be used with the TensorFlow backend"):
        layers.StringLookup(**kwargs)


def test_several_oov_indices_are_not_implemented():
    # Keras hashes OOV strings with TensorFlow's FarmHash64, which keras_like lacks.
    with pytest.raises(NotImplementedError, match="FarmHash64"):
        layers.StringLookup(vocabulary=["a"], num_oov_indices=2)


def test_inputs_lists_bytes_and_object_arrays():
    layer = layers.StringLookup(vocabulary=["a", "é"])
    expected = [[1, 2, 0]]
    for x in ([["a", "é", "q"]], np.array([["a", "é", "q"]], dtype=object),
              np.array([[b"a", "é".encode(), b"q"]], dtype=object)):
        np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), expected)


def test_set_vocabulary_replaces_and_adapt_after_constructor_vocabulary_fails():
    layer = layers.StringLookup()
    layer.set_vocabulary(["x", "y"])
    assert layer.get_vocabulary() == ["[UNK]", "x", "y"]
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(["y", "a"])), [2, 0])
    with pytest.raises(ValueError, match="Cannot adapt layer"):
        layers.StringLookup(vocabulary=["a"]).adapt(np.array(["a"]))


def test_multi_hot_needs_a_vocabulary_before_call():
    with pytest.raises(RuntimeError, match="you must set the layer's vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(["a"])


def test_vocabulary_file_is_refused_in_safe_mode(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("a\nb\n")
    with serialization_lib.SafeModeScope(True):
        with pytest.raises(ValueError, match="outside of the model archive"):
            layers.StringLookup(vocabulary=str(path))
