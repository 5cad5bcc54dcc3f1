"""Discretization against outputs and adapted boundaries written by real Keras 3.15.

The oracle (tests/data/discretization_fixtures.*) comes from
tests/data/make_discretization_fixtures.py; rerun it with real Keras to refresh it.
"""

import json
import os

import numpy as np
import pytest
from helpers import run_layer_test

import keras_like as keras
from keras_like import layers, ops

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
FIXTURES = np.load(os.path.join(DATA_DIR, "discretization_fixtures.npz"))
with open(os.path.join(DATA_DIR, "discretization_fixtures.json")) as f:
    CASES = json.load(f)["cases"]
MODES = ("int", "one_hot", "multi_hot", "count")
DOC_INPUT = FIXTURES["fixed/doc/input"]


def _np(x):
    return ops.convert_to_numpy(x)


def _expected_dtype(mode):
    return "int32" if mode == "int" else "float32"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", ["doc", "ties", "column", "int_input", "rank3"])
def test_fixed_boundaries_match_keras_and_layer_contract(case, mode):
    kwargs = {**CASES["fixed"][case], "output_mode": mode}
    # The outputs are piecewise constant and the inputs sit on boundaries on purpose, so
    # central differences there would not be zero: no gradient check.
    run_layer_test(layers.Discretization, init_kwargs=kwargs,
                   input_data=FIXTURES[f"fixed/{case}/input"],
                   expected_output=FIXTURES[f"fixed/{case}/{mode}"],
                   expected_output_dtype=_expected_dtype(mode),
                   expected_num_trainable_weights=0, expected_num_non_trainable_weights=0,
                   run_gradient_check=False)


@pytest.mark.parametrize("mode", MODES)
def test_vector_input_matches_keras(mode):
    # A 1-D input is one sample for multi_hot / count, so it stays out of run_layer_test
    # (whose functional check needs a batch axis in the output).
    layer = layers.Discretization(**CASES["fixed"]["vector"], output_mode=mode)
    out = layer(FIXTURES["fixed/vector/input"])
    assert str(out.dtype) == _expected_dtype(mode)
    np.testing.assert_array_equal(_np(out), FIXTURES[f"fixed/vector/{mode}"])


def test_bucket_is_number_of_boundaries_at_or_below_value():
    boundaries = [-1.0, 0.0, 0.0, 2.5]
    x = np.array([-3.0, -1.0, -0.2, 0.0, 1e-7, 2.5, 100.0], dtype="float32")
    out = _np(layers.Discretization(bin_boundaries=boundaries)(x))
    np.testing.assert_array_equal(out, np.searchsorted(boundaries, x, side="right"))


def _adapt_data(name, case):
    batches = [FIXTURES[f"adapt/{name}/data/{i}"] for i in range(len(FIXTURES.files))
               if f"adapt/{name}/data/{i}" in FIXTURES.files]
    return batches if case["batched"] else batches[0]


@pytest.mark.parametrize("name", sorted(CASES["adapt"]))
def test_adapt_boundaries_match_keras(name):
    case = CASES["adapt"][name]
    layer = layers.Discretization(**case["kwargs"])
    layer.adapt(_adapt_data(name, case), steps=case["steps"])
    expected = FIXTURES[f"adapt/{name}/boundaries"]
    assert len(layer.bin_boundaries) == len(expected)
    np.testing.assert_allclose(layer.bin_boundaries, expected, rtol=1e-6, atol=1e-7)
    assert layer.bin_boundaries == case["config"]["bin_boundaries"]
    np.testing.assert_array_equal(_np(layer(DOC_INPUT)), FIXTURES[f"adapt/{name}/output"])


def test_adapt_takes_generators_tensors_and_steps():
    case = CASES["adapt"]["batches_steps"]
    batches = _adapt_data("batches_steps", case)
    layer = layers.Discretization(**case["kwargs"])
    layer.adapt((b for b in batches), steps=2)
    np.testing.assert_allclose(layer.bin_boundaries, FIXTURES["adapt/batches_steps/boundaries"],
                               rtol=1e-6)
    tensor_layer = layers.Discretization(num_bins=5)
    tensor_layer.adapt(ops.convert_to_tensor(FIXTURES["adapt/normal_5/data/0"]))
    np.testing.assert_allclose(tensor_layer.bin_boundaries,
                               FIXTURES["adapt/normal_5/boundaries"], rtol=1e-6)
    # adapt() starts over: a second call forgets the first one's data.
    tensor_layer.adapt(np.arange(10.0))
    assert len(tensor_layer.bin_boundaries) == 4


def test_adapted_layer_config_round_trip():
    case = CASES["adapt"]["doc"]
    layer = layers.Discretization(**case["kwargs"], name="disc")
    layer.adapt(DOC_INPUT)
    config = layer.get_config()
    keras_config = case["config"]
    # Keras's keys, plus the `trainable` every keras_like layer config carries.
    assert set(config) == set(keras_config) | {"trainable"}
    for key in ("bin_boundaries", "num_bins", "epsilon", "output_mode", "sparse"):
        assert config[key] == keras_config[key], key
    for clone in (layers.Discretization.from_config(config),
                  layers.deserialize(layers.serialize(layer))):
        assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 4
        np.testing.assert_array_equal(_np(clone(DOC_INPUT)), FIXTURES["adapt/doc/output"])
    # Keras writes the dtype as a plain string; reading such a config works too.
    from_keras = layers.Discretization.from_config({**keras_config, "name": "from_keras"})
    np.testing.assert_array_equal(_np(from_keras(DOC_INPUT)), FIXTURES["adapt/doc/output"])


def test_adapted_layer_in_a_saved_model(tmp_path):
    layer = layers.Discretization(num_bins=4, output_mode="one_hot")
    layer.adapt(DOC_INPUT)
    inputs = layers.Input(shape=(4,))
    model = keras.Model(inputs, layer(inputs))
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(_np(loaded(DOC_INPUT)), _np(model(DOC_INPUT)))


@pytest.mark.parametrize("case", CASES["output_shapes"],
                         ids=lambda c: f"{c['kwargs']}-{c['input_shape']}")
def test_compute_output_shape_matches_keras(case):
    layer = layers.Discretization(**case["kwargs"])
    assert tuple(layer.compute_output_shape(tuple(case["input_shape"]))) == \
        tuple(case["output_shape"])


@pytest.mark.parametrize("mode", MODES)
def test_symbolic_call_shapes_and_dtypes(mode):
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode=mode)
    for shape in ((3,), (1,), (3, 4)):
        out = layer(layers.Input(shape=shape))
        assert tuple(out.shape) == tuple(layer.compute_output_shape((None, *shape)))
        assert str(out.dtype) == _expected_dtype(mode)


def test_output_dtype_follows_layer_dtype_except_int():
    x = np.array([[0.5, 2.0]])
    assert str(layers.Discretization(bin_boundaries=[1.0], dtype="float64")(x).dtype) == "int32"
    encoded = layers.Discretization(bin_boundaries=[1.0], output_mode="one_hot",
                                    dtype="float64")(x)
    assert str(encoded.dtype) == "float64"


@pytest.mark.parametrize("kwargs,message", [
    ({"bin_boundaries": [1.0], "output_mode": "tf_idf"},
     "Unknown value for `output_mode` argument of Discretization. Allowed values are: "
     "('int', 'one_hot', 'multi_hot', 'count'). Received: output_mode=tf_idf"),
    ({"num_bins": -1}, "`num_bins` must be greater than or equal to 0. Received: "
                       "`num_bins=-1`"),
    ({"num_bins": 2, "bin_boundaries": [1.0]},
     "Both `num_bins` and `bin_boundaries` should not be set. Received: `num_bins=2` and "
     "`bin_boundaries=[1.0]`"),
    ({}, "You need to set either `num_bins` or `bin_boundaries`."),
    ({"bin_boundaries": [1.0], "sparse": True},
     "`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, or "
     "`'count'`. Received: sparse=True and output_mode=int"),
    ({"bin_boundaries": [1.0], "output_mode": "count", "sparse": True},
     "keras_like has no sparse tensors: `Discretization` needs `sparse=False`."),
])
def test_bad_arguments_raise_keras_errors(kwargs, message):
    with pytest.raises(ValueError) as info:
        layers.Discretization(**kwargs)
    assert message in str(info.value)


def test_adapt_and_call_misuse_raise():
    with pytest.raises(ValueError, match="Cannot adapt a Discretization layer that has been "
                                         "initialized with `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(DOC_INPUT)
    with pytest.raises(ValueError, match="call `adapt\\(dataset\\)` before"):
        layers.Discretization(num_bins=3)(DOC_INPUT)
