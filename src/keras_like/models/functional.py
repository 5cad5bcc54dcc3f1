"""Functional models: a DAG of layer calls between KerasTensor inputs and outputs."""

from keras_like import tree
from keras_like.backend import Tensor
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.backend.string_arrays import (
    STRING,
    as_string_array,
    contains_strings,
    is_string_data,
    match_string_rank,
    strings_to_arrays,
)
from keras_like.layers.core.input_layer import InputLayer
from keras_like.layers.layer import Layer
from keras_like.models._batch_norm_folding import can_fold, conv_then_batch_norm
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
        self._has_string_inputs = any(t.dtype == STRING for t in self._inputs)
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

        if self._has_string_inputs:
            # Lists of strings become arrays, so they are one input each, not many leaves.
            inputs = strings_to_arrays(inputs)
        flat = self._flatten_inputs(inputs)
        values = {}
        for kt, x in zip(self._inputs, flat):
            if kt.dtype == STRING:
                # Strings stay NumPy on the host until the layer that reads them.
                if is_string_data(x):
                    x = match_string_rank(as_string_array(x), kt.shape)
            elif type(x) is not Tensor:
                x = self._input_tensor(kt, x)
            elif x.dtype != kt.dtype and kt.dtype.startswith(("float", "bfloat")) \
                    and x.dtype.startswith(("float", "bfloat", "int", "uint", "bool")):
                x = ops.cast(x, kt.dtype)
            values[id(kt)] = x
        # In inference a BatchNormalization reading only a convolution's output folds into it.
        folds = self._batch_norm_folds() if training is False else {}
        folded = set()
        for node in self._nodes:
            def fetch(v):
                return values[id(v)] if type(v) is KerasTensor else v

            if id(node) in folded:
                continue
            batch_norm = folds.get(id(node))
            if batch_norm is not None and can_fold(node.operation, batch_norm.operation):
                values[id(batch_norm.outputs[0])] = conv_then_batch_norm(
                    node.operation, batch_norm.operation, fetch(node.call_args[0]))
                folded.add(id(batch_norm))
                continue
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

    def _input_tensor(self, kt, x):
        from keras_like import ops

        try:
            return ops.convert_to_tensor(x, dtype=kt.dtype)
        except TypeError:
            if not contains_strings(x):
                raise
            name = kt._keras_history[0].name
            raise ValueError(
                f"Input '{name}' of model '{self.name}' has dtype {kt.dtype} but received "
                "strings. Declare it with `keras.Input(..., dtype=\"string\")` and start "
                "with a string preprocessing layer (TextVectorization, StringLookup, "
                "Hashing).") from None

    def _batch_norm_folds(self):
        """{id(conv node): batch-norm node} for each node pair where a BatchNormalization's
        only input is a one-input convolution's output that nothing else reads (the layers'
        own conditions are checked per call by `can_fold`)."""
        folds = getattr(self, "_batch_norm_fold_plan", None)
        if folds is not None:
            return folds
        readers = {}
        for node in self._nodes:
            for t in node.input_tensors:
                readers[id(t)] = readers.get(id(t), 0) + 1
        for t in self._outputs:
            readers[id(t)] = readers.get(id(t), 0) + 1
        producer = {id(t): node for node in self._nodes for t in node.outputs}
        folds = {}
        for node in self._nodes:
            extra = {k: v for k, v in node.call_kwargs.items() if k != "training"}
            if len(node.input_tensors) != 1 or len(node.call_args) != 1 or any(
                    k != "mask" or v is not None for k, v in extra.items()):
                continue
            source = node.input_tensors[0]
            conv = producer.get(id(source))
            if (conv is None or node.call_args[0] is not source or len(conv.outputs) != 1
                    or len(conv.input_tensors) != 1 or len(conv.call_args) != 1
                    or any(k != "training" for k in conv.call_kwargs)
                    or readers.get(id(source)) != 1 or len(node.outputs) != 1):
                continue
            folds[id(conv)] = node
        self._batch_norm_fold_plan = folds
        return folds

    def compute_output_spec(self, inputs, training=None, mask=None):
        if not self._has_string_inputs:
            return super().compute_output_spec(inputs, training=training, mask=mask)
        # A string KerasTensor has no meta tensor to run the graph on: ask each node's
        # operation for its output spec instead (Keras's _run_through_graph), which records
        # no nodes.
        values = {id(kt): x for kt, x in zip(self._inputs, self._flatten_inputs(inputs))}

        def fetch(v):
            return values[id(v)] if type(v) is KerasTensor else v

        for node in self._nodes:
            args = tree.map_structure(fetch, list(node.call_args)) if node.call_args else []
            kwargs = {k: tree.map_structure(fetch, v) for k, v in node.call_kwargs.items()}
            outputs = node.operation.compute_output_spec(*args, **kwargs)
            for kt, value in zip(node.outputs, tree.flatten(outputs)):
                values[id(kt)] = value
        return tree.pack_sequence_as(self._outputs_struct,
                                     [values[id(t)] for t in self._outputs])

    def get_config(self):
        from keras_like.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from keras_like.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)
