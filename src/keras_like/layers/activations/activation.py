"""Activation: applies an activation function."""

from keras_like import activations
from keras_like.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function to its inputs.

    Args:
        activation: A callable or the name of a `keras_like.activations` function.

    Example:
    >>> Activation("relu")(np.array([-3.0, 2.0], dtype="float32")).numpy()
    array([0., 2.], dtype=float32)
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
