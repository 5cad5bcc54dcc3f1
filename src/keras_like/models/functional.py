"""Functional models: a DAG of layer calls between KerasTensor inputs and outputs."""

from keras_like import tree
from keras_like.backend import Tensor
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.core.input_layer import InputLayer
from keras_like.layers.layer import Layer
from keras_like.models.model import Model


def _nodes_in_order(outputs):
    """Every node between the inputs and `outputs`, parents before children."""
    order, seen = [], set()

    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for parent in node.parent_nodes:
            visit(parent)
        order.append(node)

    for t in outputs:
        if t._keras_history is None:
            raise ValueError(
                f"Output tensors of a Functional model must be the output of a Keras layer or "
                f"op. Received: {t}"
            )
        op, index, _ = t._keras_history
        visit(op._inbound_nodes[index])
    return order


class Functional(Model):
    """`Model(inputs, outputs)`: built from symbolic calls.

    >>> inputs = Input(shape=(8,))
    >>> outputs = Dense(2)(Dense(4, activation="relu")(inputs))
    >>> model = Model(inputs, outputs)
    """

    def __init__(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]  # Keras returns a single tensor for a one-output list
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._inputs = tree.flatten(inputs)
        self._outputs = tree.flatten(outputs)
        for t in self._inputs:
            if not isinstance(t, KerasTensor):
                raise ValueError(
                    f"All `inputs` values must be KerasTensors. Received: inputs={inputs} "
                    f"including invalid value {t} of type {type(t)}"
                )
            op = t._keras_history[0] if t._keras_history else None
            if not isinstance(op, InputLayer):
                raise ValueError(
                    "All `inputs` values must be outputs of `keras.Input()` (InputLayer). "
                    f"Received: {t}"
                )
        nodes = _nodes_in_order(self._outputs)
        input_ids = {id(t) for t in self._inputs}
        for node in nodes:
            if node.is_input and id(node.outputs[0]) not in input_ids:
                reached = [n.operation.name for n in nodes
                           if n.is_input and id(n.outputs[0]) in input_ids]
                raise ValueError(
                    "Graph disconnected: cannot find parent for tensor "
                    f"{node.outputs[0]} (of layer '{node.operation.name}'). The following "
                    f"previous layers were accessed without issue: {reached}"
                )
        self._nodes = [n for n in nodes if not n.is_input]
        from keras_like.models.functional_config import keras_graph_order

        # Keras's layer order (it decides model.layers and the weight file layout).
        self._operations = list(keras_graph_order(self._inputs, self._outputs)[1])
        self._invalidate_tracking()
        self.built = True

    @property
    def layers(self):
        return [op for op in self._operations if isinstance(op, Layer)]

    @property
    def inputs(self):
        return self._inputs

    @property
    def outputs(self):
        return self._outputs

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_names(self):
        return [t._keras_history[0].name for t in self._inputs]

    @property
    def output_names(self):
        return [t._keras_history[0].name for t in self._outputs]

    def _flatten_inputs(self, inputs):
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                if len(self._inputs) == 1:
                    return [inputs]
                raise ValueError(f"Model {self.name} expects a dict of inputs with keys "
                                 f"{sorted(self._inputs_struct)}. Received: {type(inputs)}")
            return [inputs[k] for k in sorted(self._inputs_struct)]
        if isinstance(inputs, dict):
            names = self.input_names
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(f"Missing data for input(s) {missing} of model {self.name}. "
                                 f"Received keys: {sorted(inputs)}")
            return [inputs[n] for n in names]
        flat = tree.flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self._inputs):
            raise ValueError(
                f'Layer "{self.name}" expects {len(self._inputs)} input(s), but it received '
                f"{len(flat)} input tensors."
            )
        return flat

    def call(self, inputs, training=None, mask=None):
        from keras_like import ops

        flat = self._flatten_inputs(inputs)
        values = {}
        for kt, x in zip(self._inputs, flat):
            if type(x) is not Tensor:
                x = ops.convert_to_tensor(x, dtype=kt.dtype)
            elif x.dtype != kt.dtype and kt.dtype.startswith(("float", "bfloat")) \
                    and x.dtype.startswith(("float", "bfloat", "int", "uint", "bool")):
                x = ops.cast(x, kt.dtype)
            values[id(kt)] = x
        for node in self._nodes:
            def fetch(v):
                return values[id(v)] if type(v) is KerasTensor else v

            args = tree.map_structure(fetch, list(node.call_args)) if node.call_args else []
            kwargs = {k: tree.map_structure(fetch, v) for k, v in node.call_kwargs.items()}
            op = node.operation
            if training is not None and isinstance(op, Layer) and op._call_has_training_arg:
                kwargs["training"] = training
            outputs = op(*args, **kwargs)
            for kt, value in zip(node.outputs, tree.flatten(outputs)):
                values[id(kt)] = value
        return tree.pack_sequence_as(self._outputs_struct,
                                     [values[id(t)] for t in self._outputs])

    def compute_output_spec(self, inputs, training=None, mask=None):
        return super().compute_output_spec(inputs, training=training, mask=mask)

    def get_config(self):
        from keras_like.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras_like.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)
