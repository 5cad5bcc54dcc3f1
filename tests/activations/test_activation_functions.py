"""keras_like.activations: every Keras 3 activation vs NumPy, gradients, and name resolution."""

import math

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like
from keras_like import activations, ops
from keras_like.backend.keras_tensor import KerasTensor

_erf = np.vectorize(math.erf)
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(0.0, x)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _sparsemax(x):
    # Martins & Astudillo (2016), Algorithm 1, one row at a time.
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape[:-1]):
        z = x[idx]
        s = np.sort(z)[::-1]
        k = np.arange(1, z.size + 1)
        support = 1 + k * s > np.cumsum(s)
        kz = k[support][-1]
        tau = (np.cumsum(s)[kz - 1] - 1) / kz
        out[idx] = np.maximum(z - tau, 0)
    return out


def _glu(x):
    a, b = np.split(x, 2, axis=-1)
    return a * _sigmoid(b)


# name -> NumPy reference (defaults of keras.activations); "smooth" activations get a float64
# gradient check, the rest are piecewise and checked away from their kinks.
REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "relu6": lambda x: np.clip(x, 0, 6),
    "softmax": _softmax,
    "celu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "elu": _elu,
    "selu": lambda x: _SELU_SCALE * _elu(x, _SELU_ALPHA),
    "softplus": _softplus,
    "softsign": lambda x: x / (np.abs(x) + 1),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
    "sparse_plus": lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "glu": _glu,
    "tanh": np.tanh,
    "tanh_shrink": lambda x: x - np.tanh(x),
    "sigmoid": _sigmoid,
    "sparse_sigmoid": lambda x: np.clip((x + 1) / 2, 0, 1),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_silu": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_swish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0),
    "linear": lambda x: x,
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "log_softmax": _log_softmax,
    "log_sigmoid": lambda x: -_softplus(-x),
    "sparsemax": _sparsemax,
}

# The names keras.activations.get accepts in Keras 3.15 (ALL_OBJECTS_DICT and its aliases).
KERAS_NAMES = set(REFERENCES) | {"threshold"}


def test_every_keras_name_resolves():
    assert set(activations.ALL_OBJECTS_DICT) == KERAS_NAMES
    for name in KERAS_NAMES:
        assert callable(activations.get(name))
        assert getattr(activations, name) is activations.get(name)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_forward_and_gradient_against_numpy(name):
    fn = activations.get(name)

    def run(x):
        return ops.convert_to_tensor(fn(x)) if name == "linear" else fn(x)

    # float64 so that the finite-difference gradient check is tight.
    check_op(run, REFERENCES[name], [(3, 6)], dtype="float64", low=-4.0, high=4.0)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_float32_forward(name):
    x = random_array((4, 6), "float32", -5.0, 5.0)
    got = ops.convert_to_numpy(activations.get(name)(ops.convert_to_tensor(x)))
    expected = REFERENCES[name](x.astype(np.float64))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-6)


RELU_CASES = [
    {"negative_slope": 0.5},
    {"max_value": 5.0},
    {"max_value": 6},
    {"threshold": 1.5},
    {"threshold": -1.0},
    {"negative_slope": 0.3, "max_value": 2.0},
    {"negative_slope": 0.3, "threshold": 1.0},
    {"negative_slope": 0.3, "threshold": -1.0, "max_value": 2.5},
    {"threshold": 1.0, "max_value": 3.0},
]


def _relu_reference(x, negative_slope=0.0, max_value=None, threshold=0.0):
    # Keras's definition: values above the threshold pass (not relu'd when a threshold is
    # set), the cap clips to [0, max_value], the leak adds slope * (x - threshold) below it.
    if threshold != 0:
        y = np.where(x > threshold, x, 0.0)
    else:
        y = np.maximum(x, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    if negative_slope:
        y = y - negative_slope * np.maximum(threshold - x, 0.0)
    return y


@pytest.mark.parametrize("kwargs", RELU_CASES, ids=[str(c) for c in RELU_CASES])
def test_relu_arguments(kwargs):
    check_op(lambda x: activations.relu(x, **kwargs), lambda x: _relu_reference(x, **kwargs),
             [(4, 5)], dtype="float64", low=-8.0, high=8.0)


def test_relu_docstring_values():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    np.testing.assert_array_equal(activations.relu(x).numpy(), [0, 0, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, negative_slope=0.5).numpy(),
                                  [-5, -2.5, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, max_value=5.0).numpy(), [0, 0, 0, 5, 5])
    np.testing.assert_array_equal(activations.relu(x, threshold=5.0).numpy(), [0, 0, 0, 0, 10])


def test_relu_keeps_integer_dtype():
    out = activations.relu(np.array([-2, 3], dtype="int32"))
    assert out.dtype == "int32"
    np.testing.assert_array_equal(out.numpy(), [0, 3])


def test_gelu_defaults_to_exact_and_approximate_is_tanh():
    x = random_array((50,), "float64", -3.0, 3.0)
    exact = activations.gelu(x).numpy()
    approx = activations.gelu(x, approximate=True).numpy()
    np.testing.assert_allclose(exact, 0.5 * x * (1 + _erf(x / np.sqrt(2))), rtol=1e-12)
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(approx, tanh_form, rtol=1e-12)
    assert np.abs(exact - approx).max() > 1e-5


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_and_log_softmax_axis(axis):
    check_op(lambda x: activations.softmax(x, axis=axis), lambda x: _softmax(x, axis),
             [(3, 4)], dtype="float64")
    check_op(lambda x: activations.log_softmax(x, axis=axis), lambda x: _log_softmax(x, axis),
             [(3, 4)], dtype="float64")


def test_parametrised_activations():
    check_op(lambda x: activations.elu(x, alpha=0.5), lambda x: _elu(x, 0.5), [(3, 4)],
             dtype="float64")
    check_op(lambda x: activations.celu(x, alpha=0.7),
             lambda x: np.where(x > 0, x, 0.7 * np.expm1(np.minimum(x, 0) / 0.7)), [(3, 4)],
             dtype="float64")
    check_op(lambda x: activations.leaky_relu(x, negative_slope=0.1),
             lambda x: np.where(x >= 0, x, 0.1 * x), [(3, 4)], dtype="float64")
    check_op(lambda x: activations.squareplus(x, b=1),
             lambda x: (x + np.sqrt(x * x + 1)) / 2, [(3, 4)], dtype="float64")
    check_op(lambda x: activations.soft_shrink(x, threshold=1.0),
             lambda x: np.where(x > 1, x - 1, np.where(x < -1, x + 1, 0)), [(3, 4)],
             dtype="float64")
    check_op(lambda x: activations.hard_shrink(x, threshold=1.0),
             lambda x: np.where(np.abs(x) > 1, x, 0), [(3, 4)], dtype="float64")
    check_op(lambda x: activations.threshold(x, 0.3, -2.0),
             lambda x: np.where(x > 0.3, x, -2.0), [(3, 4)], dtype="float64")
    check_op(lambda x: activations.glu(x, axis=0), lambda x: x[:2] * _sigmoid(x[2:]),
             [(4, 3)], dtype="float64")


def test_softmax_and_sigmoid_remember_their_logits():
    x = ops.convert_to_tensor([[1.0, 2.0]])
    assert activations.softmax(x)._keras_logits is x
    assert activations.sigmoid(x)._keras_logits is x


def test_glu_odd_axis_error():
    with pytest.raises(ValueError, match="even"):
        activations.glu(np.ones((2, 3), "float32"))


def test_linear_returns_its_input():
    x = ops.ones((2,))
    assert activations.linear(x) is x
    assert activations.get(None) is activations.linear


@pytest.mark.parametrize("name", ["relu", "mish", "softmax", "gelu"])
def test_symbolic_inputs_give_keras_tensors(name):
    inputs = KerasTensor((None, 4))
    out = activations.get(name)(inputs)
    assert isinstance(out, KerasTensor)
    assert out.shape == (None, 4)
    capped = activations.relu(inputs, negative_slope=0.1, max_value=3.0)
    assert isinstance(capped, KerasTensor) and capped.shape == (None, 4)


def test_serialize_builtins_by_name():
    for name in KERAS_NAMES:
        fn = activations.get(name)
        serialized = activations.serialize(fn)
        assert isinstance(serialized, str)
        assert activations.deserialize(serialized) is fn
        assert activations.get(serialized) is fn
    # Aliases are written under the function's own name, as Keras does.
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"


def _custom_activation(x):
    return ops.multiply(x, 2.0)


def test_custom_function_round_trip():
    config = activations.serialize(_custom_activation)
    assert config == {"module": __name__, "class_name": "function",
                      "config": "_custom_activation", "registered_name": "_custom_activation"}
    restored = activations.deserialize(config,
                                       custom_objects={"_custom_activation": _custom_activation})
    assert restored is _custom_activation
    assert activations.get(_custom_activation) is _custom_activation


def test_get_function_config_dicts():
    keras3 = {"module": "keras.activations", "class_name": "function", "config": "relu",
              "registered_name": "relu"}
    assert activations.get(keras3) is activations.relu
    from_keras_src = {"module": "keras.src.activations.activations", "class_name": "function",
                      "config": "tanh", "registered_name": None}
    assert activations.get(from_keras_src) is activations.tanh


def test_get_object_config_dict():
    class Doubler:
        def __call__(self, x):
            return ops.multiply(x, 2.0)

        def get_config(self):
            return {}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    config = activations.serialize(Doubler())
    assert config["class_name"] == "Doubler"
    restored = activations.deserialize(config, custom_objects={"Doubler": Doubler})
    assert isinstance(restored, Doubler)
    np.testing.assert_array_equal(restored(np.ones(2, "float32")).numpy(), [2.0, 2.0])


@pytest.mark.parametrize("identifier", ["not_an_activation", 3, {"class_name": "Nope",
                                                                    "config": {}}])
def test_unknown_identifier_errors(identifier):
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.get(identifier)


def test_lambda_cannot_be_serialized():
    with pytest.raises(ValueError, match="lambda"):
        activations.serialize(lambda x: x)


def test_activation_used_under_gradient_tape():
    x = ops.convert_to_tensor(random_array((3, 4), "float32"))
    with keras_like.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(activations.get("swish")(x))
    g = tape.gradient(y, x).numpy()
    xs = x.numpy().astype(np.float64)
    s = _sigmoid(xs)
    np.testing.assert_allclose(g, s * (1 + xs * (1 - s)), rtol=1e-5, atol=1e-6)
