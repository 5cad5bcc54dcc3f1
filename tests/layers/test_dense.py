"""Dense through the shared layer contract, against NumPy."""

import numpy as np
import pytest
from helpers import random_array, run_layer_test

from keras_like import constraints, layers, regularizers


def _np_dense(activation=lambda y: y):
    def reference(x, kernel, bias=None):
        y = np.matmul(x, kernel)
        return activation(y if bias is None else y + bias)

    return reference


CASES = [
    ("plain", {"units": 4}, (2, 3), _np_dense()),
    ("relu", {"units": 3, "activation": "relu", "bias_initializer": "random_normal"}, (3, 4),
     _np_dense(lambda y: np.maximum(y, 0))),
    ("no_bias", {"units": 2, "use_bias": False, "kernel_initializer": "ones"}, (2, 3),
     _np_dense()),
    ("regularized", {"units": 3, "activation": "tanh", "kernel_regularizer": "l2",
                     "bias_regularizer": regularizers.L1(0.1), "activity_regularizer": "l1",
                     "bias_initializer": "random_uniform"}, (2, 3), _np_dense(np.tanh)),
    ("constrained", {"units": 3, "kernel_constraint": "non_neg",
                     "bias_constraint": constraints.MaxNorm(1.0)}, (2, 4), _np_dense()),
    ("rank3", {"units": 5, "activation": "sigmoid"}, (2, 3, 4),
     _np_dense(lambda y: 1 / (1 + np.exp(-y)))),
    ("named", {"units": 2, "name": "projection", "trainable": True}, (2, 3), _np_dense()),
]


@pytest.mark.parametrize("kwargs,shape,reference", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_dense_contract(kwargs, shape, reference):
    use_bias = kwargs.get("use_bias", True)
    run_layer_test(layers.Dense, init_kwargs=kwargs, input_shape=shape, reference=reference,
                   expected_output_shape=(*shape[:-1], kwargs["units"]),
                   expected_num_trainable_weights=2 if use_bias else 1,
                   expected_num_non_trainable_weights=0, supports_masking=True,
                   rtol=1e-5, atol=1e-6)


@pytest.mark.xfail(strict=True, reason=(
    "models/functional.py: a Functional model autocasts its inputs to the model's compute dtype "
    "(float32), so a float64 model loses precision; Keras's Functional sets "
    "_convert_input_args = False and converts each input to its Input's dtype"))
def test_dense_float64_contract():
    x = random_array((3, 2), "float64")
    out = run_layer_test(layers.Dense, init_kwargs={"units": 3, "dtype": "float64"},
                         input_data=x, reference=_np_dense(), rtol=1e-12, atol=1e-12)
    assert out.dtype == "float64"


def test_dense_activity_regularizer_adds_its_loss():
    layer = layers.Dense(2, activity_regularizer=regularizers.L2(0.5))
    x = random_array((3, 4))
    y = layer(x).numpy()
    assert len(layer.losses) == 1
    # Keras 3.15 divides the penalty by the batch size (3 here).
    np.testing.assert_allclose(float(layer.losses[0].numpy()), 0.5 * np.sum(y * y) / 3,
                               rtol=1e-5)
