"""Graph mode: `keras_like.function` traces a Python function into an engine graph once per
call signature and replays it without Python (see function.py)."""

from keras_like.backend.capture import CaptureError
from keras_like.graph.function import ConcreteFunction, Function, function
from keras_like.graph.input_signature import TensorSpec
from keras_like.graph.op_graph import Edge, OpGraph, OpNode

__all__ = ["CaptureError", "ConcreteFunction", "Edge", "Function", "OpGraph", "OpNode",
           "TensorSpec", "function"]
