"""Merge layers: combine a list of tensors into one."""

from keras_like.layers.merging.add import Add, add
from keras_like.layers.merging.average import Average, average
from keras_like.layers.merging.base_merge import Merge
from keras_like.layers.merging.concatenate import Concatenate, concatenate
from keras_like.layers.merging.dot import Dot, dot
from keras_like.layers.merging.maximum import Maximum, maximum
from keras_like.layers.merging.minimum import Minimum, minimum
from keras_like.layers.merging.multiply import Multiply, multiply
from keras_like.layers.merging.subtract import Subtract, subtract

__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Merge", "Minimum", "Multiply",
    "Subtract", "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply",
    "subtract",
]
