"""`keras_like.layers`."""

from keras_like.layers.core.dense import Dense
from keras_like.layers.core.input_layer import Input, InputLayer
from keras_like.layers.input_spec import InputSpec
from keras_like.layers.layer import Layer

__all__ = ["Dense", "Input", "InputLayer", "InputSpec", "Layer"]
