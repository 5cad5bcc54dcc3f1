"""The shared helpers fail on layers and ops with small planted bugs.

Each buggy class differs from a correct layer in one place; `run_layer_test` / `check_op` must
raise AssertionError on it, while the correct layer passes the very same call.
"""

import numpy as np
import pytest
from helpers import check_op, random_array, run_layer_test

from keras_like import layers, ops


def _np_dense(x, kernel, bias):
    return x @ kernel + bias


DENSE = {"init_kwargs": {"units": 4}, "input_shape": (2, 3), "reference": _np_dense}


class AffineBugDense(layers.Dense):
    """Returns 3 * y + 1 instead of y."""

    def call(self, inputs, training=None):
        return super().call(inputs) * 3.0 + 1.0


class DropsRegularizerDense(layers.Dense):
    """get_config leaves out kernel_regularizer."""

    def get_config(self):
        config = super().get_config()
        del config["kernel_regularizer"]
        return config


class LosesRegularizerDense(layers.Dense):
    """get_config keeps the key but writes None for kernel_regularizer."""

    def get_config(self):
        return {**super().get_config(), "kernel_regularizer": None}


class DropsSeedNoise(layers.GaussianNoise):
    """get_config leaves out seed."""

    def get_config(self):
        config = super().get_config()
        del config["seed"]
        return config


class IgnoresSeedNoise(layers.GaussianNoise):
    """Keeps `seed` in its config but draws from an unseeded generator."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(stddev, seed=None, **kwargs)
        self.seed = seed


class WrongGradientDense(layers.Dense):
    """Right values, but the gradient flowing back to the inputs is doubled."""

    def call(self, inputs, training=None):
        @ops.custom_gradient
        def doubled_backward(x):
            return x, lambda upstream: upstream * 2.0

        return super().call(doubled_backward(inputs))


class FrozenBiasInTrainingDense(layers.Dense):
    """In training mode the bias is cut off from the gradient (values unchanged)."""

    def call(self, inputs, training=None):
        y = ops.matmul(inputs, self.kernel.value)
        bias = ops.stop_gradient(self.bias.value) if training else self.bias.value
        return y + bias


class Float64OutputDense(layers.Dense):
    """Returns float64 for float32 inputs."""

    def call(self, inputs, training=None):
        return ops.cast(super().call(inputs), "float64")


class ForcesBiasFromConfig(layers.Dense):
    """from_config silently drops use_bias."""

    @classmethod
    def from_config(cls, config):
        return super().from_config({**config, "use_bias": True})


CUSTOM = {"AffineBugDense": AffineBugDense, "DropsRegularizerDense": DropsRegularizerDense,
          "LosesRegularizerDense": LosesRegularizerDense, "DropsSeedNoise": DropsSeedNoise,
          "IgnoresSeedNoise": IgnoresSeedNoise, "WrongGradientDense": WrongGradientDense,
          "FrozenBiasInTrainingDense": FrozenBiasInTrainingDense,
          "Float64OutputDense": Float64OutputDense,
          "ForcesBiasFromConfig": ForcesBiasFromConfig}


def test_plain_dense_passes():
    run_layer_test(layers.Dense, **DENSE)


@pytest.mark.parametrize("cls,match", [
    (AffineBugDense, "inference output differs from the reference"),
    (WrongGradientDense, "float64 gradient with respect to input 0"),
    (FrozenBiasInTrainingDense, "training step did not change"),
    (Float64OutputDense, "output dtype float64"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_dense_bugs_are_caught(cls, match):
    with pytest.raises(AssertionError, match=match):
        run_layer_test(cls, **DENSE, custom_objects=CUSTOM)


@pytest.mark.parametrize("cls", [layers.Dense, DropsRegularizerDense, LosesRegularizerDense],
                         ids=lambda c: c.__name__)
def test_config_dropping_kernel_regularizer_is_caught(cls):
    kwargs = {"units": 3, "kernel_regularizer": "l2"}
    call = {"init_kwargs": kwargs, "input_shape": (2, 3), "reference": _np_dense,
            "custom_objects": CUSTOM}
    if cls is layers.Dense:
        run_layer_test(cls, **call)
        return
    with pytest.raises(AssertionError, match="kernel_regularizer"):
        run_layer_test(cls, **call)


def test_from_config_dropping_an_argument_is_caught():
    call = {"init_kwargs": {"units": 3, "use_bias": False}, "input_shape": (2, 3),
            "reference": lambda x, kernel: x @ kernel}
    run_layer_test(layers.Dense, **call)
    with pytest.raises(AssertionError):
        run_layer_test(ForcesBiasFromConfig, **call, custom_objects=CUSTOM)


@pytest.mark.parametrize("cls", [layers.GaussianNoise, DropsSeedNoise, IgnoresSeedNoise],
                         ids=lambda c: c.__name__)
def test_gaussian_noise_seed_bugs_are_caught(cls):
    call = {"init_kwargs": {"stddev": 0.5, "seed": 3}, "input_shape": (3, 4),
            "reference": lambda x: x, "random_in_training": "Gaussian noise",
            "custom_objects": CUSTOM}
    if cls is layers.GaussianNoise:
        run_layer_test(cls, **call)
        return
    with pytest.raises(AssertionError):
        run_layer_test(cls, **call)


class DoublesInTraining(layers.Layer):
    """Deterministic, but different in training: 2 * x there, x at inference."""

    def call(self, inputs, training=None):
        return inputs * 2.0 if training else inputs


def test_training_mode_output_is_checked():
    call = {"input_shape": (2, 3), "reference": lambda x: x,
            "custom_objects": {"DoublesInTraining": DoublesInTraining}}
    run_layer_test(DoublesInTraining, training_reference=lambda x: 2 * x, **call)
    with pytest.raises(AssertionError, match="training-mode output"):
        run_layer_test(DoublesInTraining, **call)


class SwappedSubtract(layers.Subtract):
    """Computes b - a."""

    def _merge_function(self, inputs):
        return super()._merge_function(inputs[::-1])


def test_a_wrong_merge_is_caught():
    call = {"input_shape": [(2, 3), (2, 3)], "reference": lambda xs: xs[0] - xs[1]}
    run_layer_test(layers.Subtract, **call)
    with pytest.raises(AssertionError, match="reference"):
        run_layer_test(SwappedSubtract, **call, custom_objects={"SwappedSubtract": SwappedSubtract})


def test_run_layer_test_requires_a_reference():
    with pytest.raises(TypeError, match="reference"):
        run_layer_test(layers.Dense, init_kwargs={"units": 2})
    with pytest.raises(TypeError, match="random_in_training"):
        run_layer_test(layers.Dropout, init_kwargs={"rate": 0.5}, reference=lambda x: x,
                       random_in_training="")


def _custom_activation(x):
    return ops.tanh(x) * 0.5


def test_custom_objects_reach_from_config():
    call = {"init_kwargs": {"units": 3, "activation": _custom_activation},
            "input_shape": (2, 3),
            "reference": lambda x, kernel, bias: np.tanh(x @ kernel + bias) * 0.5}
    run_layer_test(layers.Dense, **call,
                   custom_objects={"_custom_activation": _custom_activation})
    with pytest.raises((AssertionError, ValueError, TypeError)):
        run_layer_test(layers.Dense, **call)


# ---------------------------------------------------------------------------------------------
# check_op
# ---------------------------------------------------------------------------------------------


@ops.custom_gradient
def _sin_with_wrong_vjp(x):
    return ops.sin(x), lambda upstream: upstream * ops.cos(x) * 1.01


@ops.custom_gradient
def _sin_wrong_only_in_float32(x):
    def vjp(upstream):
        g = upstream * ops.cos(x)
        return g * 1.05 if str(x.dtype) == "float32" else g

    return ops.sin(x), vjp


def test_check_op_catches_a_wrong_gradient():
    check_op(ops.sin, np.sin, [(3, 4)])
    with pytest.raises(AssertionError, match="gradient"):
        check_op(_sin_with_wrong_vjp, np.sin, [(3, 4)])


def test_check_op_catches_a_wrong_float32_gradient():
    check_op(_sin_wrong_only_in_float32, np.sin, [(3, 4)], dtype="float64")
    with pytest.raises(AssertionError, match="float32 gradient"):
        check_op(_sin_wrong_only_in_float32, np.sin, [(3, 4)])


def test_check_op_catches_a_wrong_dtype():
    with pytest.raises(AssertionError, match="dtype"):
        check_op(lambda x: ops.cast(ops.sin(x), "float64"), np.sin, [(3,)], grad=False)
    with pytest.raises(AssertionError, match="dtype"):
        check_op(ops.sin, lambda x: np.sin(x), [(3,)], grad=False, expected_dtype="float16")


def test_check_op_catches_a_broadcasting_bug():
    def add_without_broadcast_grad(a, b):
        @ops.custom_gradient
        def add(x, y):
            # The vjp forgets to sum the cotangent back to each input's shape.
            return ops.add(x, y), lambda upstream: (upstream, upstream)

        return add(a, b)

    x, y = random_array((2, 3), "float64"), random_array((2, 3), "float64")
    check_op(add_without_broadcast_grad, np.add, [], arrays=[x, y], dtype="float64")
    with pytest.raises((AssertionError, ValueError)):
        check_op(add_without_broadcast_grad, np.add, [], arrays=[x, y[:1]], dtype="float64")
