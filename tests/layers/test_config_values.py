"""Absurd or wrong-typed values in a layer config fail in the constructor, before any weight
exists, with a ValueError that names the layer and the argument.

A config is data read from a file. Each case loads a config through `from_config` and then
calls the layer (which would build its weights); it runs in a child process, so a crash or a
huge allocation fails the test instead of the runner.
"""

import pytest
from child_process import run_cases

from keras_like import layers
from keras_like.layers._arg_checks import MAX_DIMENSION

X = "np.ones((2, 3), 'float32')"
IDS = "np.zeros((2, 3), 'int32')"

# (layer class, config, input expression, argument the error must name)
CASES = [
    ("Dense", {"units": 10**12}, X, "units"),
    ("Dense", {"units": 2**31}, X, "units"),
    ("Dense", {"units": -4}, X, "units"),
    ("Dense", {"units": 0}, X, "units"),
    ("Dense", {"units": "4"}, X, "units"),
    ("Dense", {"units": 4.0}, X, "units"),
    ("Dense", {"units": None}, X, "units"),
    ("Dense", {"units": [4]}, X, "units"),
    ("Embedding", {"input_dim": 10**12, "output_dim": 4}, IDS, "input_dim"),
    ("Embedding", {"input_dim": 10, "output_dim": 10**12}, IDS, "output_dim"),
    ("Embedding", {"input_dim": "10", "output_dim": 4}, IDS, "input_dim"),
    ("Embedding", {"input_dim": 10, "output_dim": -1}, IDS, "output_dim"),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 10**12}, X, "output_shape"),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": [-3]}, X, "output_shape"),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": "4"}, X, "output_shape"),
    ("CategoryEncoding", {"num_tokens": 10**12}, IDS, "num_tokens"),
    ("CategoryEncoding", {"num_tokens": "3"}, IDS, "num_tokens"),
    ("RepeatVector", {"n": 10**12}, X, "n"),
    ("RepeatVector", {"n": -2}, X, "n"),
    ("Reshape", {"target_shape": [10**12, -1]}, X, "target_shape"),
    ("Reshape", {"target_shape": ["3"]}, X, "target_shape"),
    ("Reshape", {"target_shape": 3.0}, X, "target_shape"),
    ("Permute", {"dims": [1, "2"]}, "np.ones((2, 3, 4), 'float32')", "dims"),
]

# InputLayer has no call: the model built on it would allocate the next layer's weights.
INPUT_CASES = [
    ({"batch_shape": [None, 10**12]}, "batch_shape"),
    ({"shape": [10**12]}, "shape"),
    ({"shape": [-3]}, "shape"),
    ({"shape": ["3"]}, "shape"),
    ({"shape": [3], "batch_size": -1}, "batch_size"),
    ({"shape": [3], "batch_size": 10**12}, "batch_size"),
    ({"shape": [3], "batch_size": "8"}, "batch_size"),
]


def _expressions():
    for name, config, x, _ in CASES:
        yield f"keras.layers.{name}.from_config({config!r})({x})"
    for config, _ in INPUT_CASES:
        yield (f"keras.Sequential([keras.layers.InputLayer.from_config({config!r}), "
               f"keras.layers.Dense(2)])({X})")


def test_absurd_config_values_raise_a_value_error_naming_layer_and_argument():
    expected = [(name, arg) for name, _, _, arg in CASES] + \
        [("InputLayer", arg) for _, arg in INPUT_CASES]
    failures = []
    for (layer, arg), outcome in zip(expected, run_cases(list(_expressions()), timeout=120)):
        if not (outcome.raised("ValueError") and layer in outcome.message
                and f"`{arg}`" in outcome.message):
            failures.append(outcome.describe())
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("make", [
    lambda: layers.Dense(MAX_DIMENSION),
    lambda: layers.Embedding(MAX_DIMENSION, 1),
    lambda: layers.RepeatVector(MAX_DIMENSION),
    lambda: layers.Reshape((MAX_DIMENSION, -1)),
    lambda: layers.InputLayer(shape=(MAX_DIMENSION,), batch_size=MAX_DIMENSION),
    lambda: layers.CategoryEncoding(MAX_DIMENSION),
    lambda: layers.EinsumDense("ab,bc->ac", output_shape=MAX_DIMENSION),
], ids=["Dense", "Embedding", "RepeatVector", "Reshape", "InputLayer", "CategoryEncoding",
        "EinsumDense"])
def test_the_largest_allowed_size_constructs(make):
    # Only the constructor: the bound refuses what no weight could hold, nothing below it.
    make()


def test_repeat_vector_keeps_keras_type_error():
    # Keras raises TypeError for a non-integer `n`; the message names the layer too.
    with pytest.raises(TypeError, match="RepeatVector: Expected an integer value for `n`"):
        layers.RepeatVector("3")
