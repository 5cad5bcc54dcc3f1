"""Functional models to and from Keras 3's functional config format.

The config is exactly what Keras 3.15 writes in a `.keras` file's config.json:
`{"name", "trainable", "layers": [...], "input_layers", "output_layers"}` where every entry of
`layers` is the serialized layer (or op) plus its `"name"` and `"inbound_nodes"`, and each node
is `{"args": [...], "kwargs": {...}}` with tensors written as `__keras_tensor__` references
`[layer_name, node_index, tensor_index]`. Layers are listed in Keras's own operation order
(`keras/src/ops/function.py` `map_graph`), which the weights file relies on.

`keras_like.ops` functions applied to symbolic tensors are written the way Keras writes its op
classes, e.g. `{"module": "keras.src.ops.numpy", "class_name": "Concatenate",
"config": {"name": "concatenate", "axis": -1}, "registered_name": "Concatenate"}`.
"""

import inspect
from collections import deque

import numpy as np

from keras_like import tree
from keras_like.backend import Tensor, naming
from keras_like.backend.keras_tensor import KerasTensor
from keras_like.layers.layer import Layer
from keras_like.ops.operation import FunctionOperation, Operation
from keras_like.saving.serialization_lib import deserialize_keras_object, serialize_keras_object
from keras_like.utils.config_keys import known_kwargs

# Our ops modules and the Keras modules that hold the matching op classes.
_OPS_MODULES = {
    "keras_like.ops.nn": "keras.src.ops.nn",
    "keras_like.ops.math": "keras.src.ops.math",
    "keras_like.ops.linalg": "keras.src.ops.linalg",
    "keras_like.ops.core": "keras.src.ops.core",
    "keras_like.ops.control_flow": "keras.src.ops.core",
}
# Parameters of ops functions that Keras passes to the op's `call` (the data) rather than to its
# constructor (the op's config); any parameter holding a symbolic tensor is data too.
_DATA_PARAMS = frozenset({
    "x", "x1", "x2", "xs", "y", "a", "b", "inputs", "condition", "array", "arrays", "tensors",
    "indices", "updates", "sorted_sequence", "key", "condlist", "choicelist",
})
_PLAIN = (str, int, float, bool, type(None))


# ---- graph order ---------------------------------------------------------------------------


def keras_graph_order(inputs, outputs):
    """The graph's nodes and operations as Keras's `map_graph` orders them.

    Returns `(node_ids, operations)`: the ids of every node the model is made of (input nodes
    included) and the operations sorted by depth (outputs have depth 0) from the deepest, ties
    broken by first visit in a depth-first walk from the outputs.
    """
    input_ids = {id(t) for t in inputs}
    finished, in_progress = set(), set()
    ordered_nodes = []
    op_index = {}

    def enter(tensor, stack):
        op, node_index, _ = tensor._keras_history
        node = op._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise ValueError(
                f"Tensor {tensor} from operation '{op.name}' is part of a cycle."
            )
        op_index.setdefault(id(op), len(op_index))
        in_progress.add(id(node))
        expand = not node.is_input and id(tensor) not in input_ids
        stack.append((node, iter(node.input_tensors if expand else ())))

    # An explicit stack (not recursion) so that very deep models do not hit the recursion limit.
    for output in outputs:
        stack = []
        enter(output, stack)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is not None:
                enter(child, stack)
                continue
            stack.pop()
            in_progress.discard(id(node))
            finished.add(id(node))
            ordered_nodes.append(node)

    node_depth, op_depth, ops_by_id = {}, {}, {}
    for node in reversed(ordered_nodes):
        op = node.operation
        ops_by_id[id(op)] = op
        depth = max(node_depth.setdefault(id(node), 0), op_depth.get(id(op), 0))
        op_depth[id(op)] = depth
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    node_ids = {id(n) for n in ordered_nodes}
    for t in inputs:
        op = t._keras_history[0]
        if id(op) not in op_depth:
            # An input no output depends on: kept (it may feed losses or metrics).
            ops_by_id[id(op)] = op
            op_depth[id(op)] = 0
            op_index[id(op)] = -1
            node_ids.add(id(op._inbound_nodes[0]))
    order = sorted(op_depth, key=lambda i: (-op_depth[i], op_index[i]))
    return node_ids, [ops_by_id[i] for i in order]


# ---- serialization ---------------------------------------------------------------------------


def functional_like_constructor(cls):
    """Whether `cls.__init__` takes the same arguments as `Functional.__init__`."""
    from keras_like.models.functional import Functional

    return inspect.getfullargspec(cls.__init__).args[1:] == \
        inspect.getfullargspec(Functional.__init__).args[1:]


def functional_config(model):
    """The Keras 3 config dict of a Functional model (what `model.get_config()` returns).

    Example:
    >>> inputs = Input(shape=(3,), name="x")
    >>> model = Model(inputs, Dense(2, name="d")(inputs))
    >>> [entry["name"] for entry in functional_config(model)["layers"]]
    ['x', 'd']
    """
    from keras_like.models.functional import Functional

    if not functional_like_constructor(type(model)):
        # A subclass with its own constructor cannot be rebuilt from a graph config.
        return {"name": model.name, "trainable": model.trainable}
    node_ids, operations = keras_graph_order(model.inputs, model.outputs)
    # Node indices in the config count only the nodes that belong to this model; a nested
    # Functional model's count starts at 1 (Keras reserves 0 for the model's own graph).
    reindex = {}
    for op in operations:
        kept = 1 if isinstance(op, Functional) else 0
        for node in op._inbound_nodes:
            if id(node) in node_ids:
                reindex[id(node)] = kept
                kept += 1
    layers = []
    for op in operations:
        nodes = [node for node in op._inbound_nodes if id(node) in node_ids]
        entry = _serialize_operation(op, nodes)
        entry["name"] = op.name
        entry["inbound_nodes"] = [data for data in (_serialize_node(n, node_ids) for n in nodes)
                                  if data is not None]
        layers.append(entry)

    def tensor_config(t):
        op, node_index, tensor_index = t._keras_history
        return [op.name, reindex[id(op._inbound_nodes[node_index])], tensor_index]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": _map_tensors(tensor_config, model._inputs_struct),
        "output_layers": _map_tensors(tensor_config, model._outputs_struct),
    }


def _map_tensors(fn, structure):
    if isinstance(structure, KerasTensor):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_tensors(fn, v) for k, v in structure.items()}
    return [_map_tensors(fn, v) for v in structure]


def _serialize_operation(op, nodes):
    if isinstance(op, Layer):
        return _serialize_layer(op)
    if isinstance(op, FunctionOperation):
        module, class_name = _op_class(op)
        config = {"name": op.name}
        if nodes:
            _, op_config = _split_function_call(op, nodes[0])
            config.update(op_config)
        return {"module": module, "class_name": class_name, "config": config,
                "registered_name": class_name}
    raise ValueError(
        f"Cannot serialize the operation '{op.name}' of type {type(op).__name__}: only layers "
        "and `keras_like.ops` functions can be part of a serializable functional model."
    )


def _serialize_layer(layer):
    from keras_like.models.functional import Functional
    from keras_like.models.sequential import Sequential

    entry = serialize_keras_object(layer)
    # Keras writes its model classes under these names (Functional is not exported).
    if type(layer) is Functional:
        entry["module"] = "keras.src.models.functional"
        entry["registered_name"] = "Functional"
    elif type(layer) is Sequential:
        entry["module"] = "keras"
    if "build_config" not in entry:
        build_config = {"input_shape": None} if isinstance(layer, Functional) \
            else layer.get_build_config()
        if build_config is not None:
            entry["build_config"] = build_config
    return entry


def _op_class(op):
    """(Keras module, Keras class name) of a FunctionOperation, checking it can be rebuilt."""
    import keras_like.ops as ops

    fn = op.fn

    def exports(namespace):
        public = getattr(namespace, fn.__name__, None)
        return public is not None and getattr(public, "__wrapped_op__", public) is fn

    if exports(ops.image):
        module = "keras.src.ops.image"
    elif exports(ops):
        module = _OPS_MODULES.get(fn.__module__, "keras.src.ops.numpy")
    else:
        raise ValueError(
            f"Cannot serialize the operation '{op.name}': `{fn.__name__}` is not a "
            "`keras_like.ops` function. Wrap custom computations in a Layer (with get_config) "
            "to make the model serializable."
        )
    class_name = _IMAGE_OP_CLASSES.get(fn.__name__) or "".join(
        part[:1].upper() + part[1:] for part in fn.__name__.split("_"))
    return module, class_name


# Keras's class names for image ops whose acronyms CamelCase would spell differently.
_IMAGE_OP_CLASSES = {"rgb_to_grayscale": "RGBToGrayscale", "rgb_to_hsv": "RGBToHSV",
                     "hsv_to_rgb": "HSVToRGB"}


def _split_function_call(op, node):
    """Splits an ops-function call into Keras's (op call arguments, op constructor config)."""
    fn = op.fn
    sig = inspect.signature(fn)
    try:
        bound = sig.bind(*node.call_args, **node.call_kwargs)
    except TypeError as e:
        raise ValueError(f"Cannot serialize the operation '{op.name}': {e}") from None
    bound.apply_defaults()
    args, config = [], {}
    for name, param in sig.parameters.items():
        value = bound.arguments.get(name)
        if param.kind is param.VAR_POSITIONAL:
            args.extend(value)
        elif param.kind is param.VAR_KEYWORD:
            config.update(value)
        elif name in _DATA_PARAMS or _has_symbolic(value):
            args.append(value)
        else:
            config[name] = value
    for name, value in config.items():
        if not all(isinstance(v, (*_PLAIN, np.generic)) for v in tree.flatten(value)):
            raise ValueError(
                f"Cannot serialize the operation '{op.name}' (`{fn.__name__}`): argument "
                f"`{name}` has a value that is not a plain Python value: {value!r}"
            )
    return args, {k: _jsonable(v) for k, v in config.items()}


def _has_symbolic(value):
    return any(isinstance(v, KerasTensor) for v in tree.flatten(value))


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _serialize_node(node, node_ids):
    if not node.input_tensors:
        return None

    def ser(x):
        if isinstance(x, KerasTensor):
            op, node_index, tensor_index = x._keras_history
            # Indices count only the producer's nodes that belong to this model.
            skipped = sum(1 for n in op._inbound_nodes[:node_index] if id(n) not in node_ids)
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": list(x.shape), "dtype": x.dtype,
                               "keras_history": [op.name, node_index - skipped, tensor_index]}}
        if isinstance(x, (list, tuple)):
            return [ser(v) for v in x]
        if isinstance(x, dict):
            return {k: ser(v) for k, v in x.items()}
        return _serialize_value(x)

    if isinstance(node.operation, FunctionOperation):
        args, _ = _split_function_call(node.operation, node)
        kwargs = {}
    else:
        args, kwargs = list(node.call_args), node.call_kwargs
    return {"args": ser(list(args)), "kwargs": {k: ser(v) for k, v in kwargs.items()}}


def _serialize_value(x):
    if isinstance(x, _PLAIN):
        return x
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, slice):
        return {"class_name": "__slice__",
                "config": {"start": _serialize_value(x.start), "stop": _serialize_value(x.stop),
                           "step": _serialize_value(x.step)}}
    if x is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(x, (np.ndarray, Tensor)):
        array = np.asarray(x)
        return {"class_name": "__numpy__",
                "config": {"value": array.tolist(), "dtype": str(array.dtype)}}
    return serialize_keras_object(x)


# ---- deserialization -------------------------------------------------------------------------


class _NodeNotReady(Exception):  # noqa: N818 - a signal within the rebuild loop
    """A node refers to a tensor whose producing call has not been rebuilt yet."""


def functional_from_config(cls, config, custom_objects=None):
    """Rebuilds a Functional model (an instance of `cls`) from `functional_config` output.

    Reads configs written by real Keras 3 (and the Keras 2 node format of legacy `.h5` files):
    every layer is deserialized, then each recorded call is replayed once the tensors it
    needs exist, which also re-creates shared layers' several nodes.

    Example:
    >>> model = Model.from_config(model.get_config())
    """
    from keras_like.models.functional import Functional

    config = dict(config)
    layers_data = config.pop("layers")
    input_layers = config.pop("input_layers")
    output_layers = config.pop("output_layers")
    name = config.pop("name", None)
    trainable = config.pop("trainable", None)

    created = {}
    pending = {}
    for layer_data in layers_data:
        layer = _deserialize_operation(layer_data, custom_objects)
        created[layer_data["name"]] = layer
        if layer_data.get("inbound_nodes"):
            pending[layer_data["name"]] = deque(layer_data["inbound_nodes"])

    # A layer shared at several depths (A(B(A(x)))) may need another layer's later call first:
    # replay what can be replayed, in config order, until nothing is left.
    while pending:
        progress = False
        for layer_data in layers_data:
            queue = pending.get(layer_data["name"])
            if not queue:
                continue
            layer = created[layer_data["name"]]
            while queue:
                try:
                    _replay_node(layer, queue[0], created)
                except _NodeNotReady:
                    break
                queue.popleft()
                progress = True
            if not queue:
                del pending[layer_data["name"]]
        if not progress:
            raise ValueError(
                "Cannot rebuild the functional model: the calls of layers "
                f"{sorted(pending)} refer to tensors that are never created."
            )

    def get_tensor(layer_name, node_index, tensor_index):
        if layer_name not in created:
            raise ValueError(f"Unknown layer in the model's inputs or outputs: {layer_name}")
        layer = created[layer_name]
        if isinstance(layer, Functional):
            node_index -= 1  # see functional_config: nested models count from 1
        return layer._inbound_nodes[node_index].outputs[tensor_index]

    def map_tensors(tensors):
        if isinstance(tensors, list) and len(tensors) == 3 and isinstance(tensors[0], str):
            return get_tensor(*tensors)
        if isinstance(tensors, dict):
            return {k: map_tensors(v) for k, v in tensors.items()}
        return [map_tensors(v) for v in tensors]

    inputs = map_tensors(input_layers)
    outputs = map_tensors(output_layers)
    if trainable is not None:
        config["trainable"] = trainable
    model = cls(inputs=inputs, outputs=outputs, name=name, **known_kwargs(cls, config, 4))
    if trainable is False:
        model.trainable = False
    return model


def _deserialize_operation(layer_data, custom_objects):
    module = layer_data.get("module") or ""
    if module.startswith(("keras.src.ops.", "keras.ops", "keras_like.ops")):
        return _revive_op(layer_data)
    layer = deserialize_keras_object(layer_data, custom_objects=custom_objects)
    if not isinstance(layer, Operation):
        raise ValueError(
            "Unexpected object from deserialization, expected a layer or operation, got a "
            f"{type(layer)}"
        )
    return layer


def _revive_op(layer_data):
    """A Keras op class entry (e.g. `Concatenate` from keras.src.ops.numpy) as our op."""
    import keras_like.ops as ops

    class_name = layer_data["class_name"]
    fn_name = naming.to_snake_case(class_name)
    namespace = ops.image if "ops.image" in str(layer_data.get("module") or "") else ops
    public = getattr(namespace, fn_name, None)
    if public is None or not callable(public):
        raise ValueError(
            f"Cannot rebuild the operation '{layer_data['name']}': the Keras op "
            f"{layer_data.get('module')}.{class_name} has no `keras_like.ops.{fn_name}` "
            "counterpart."
        )
    # Built by hand so that the name from the file does not consume an automatic name.
    op = FunctionOperation.__new__(FunctionOperation)
    Operation.__init__(op, name=layer_data["name"])
    op.fn = getattr(public, "__wrapped_op__", public)
    static = dict(layer_data.get("config") or {})
    static.pop("name", None)
    op._revived_kwargs = static
    return op


def _replay_node(layer, node_data, created):
    args, kwargs = _deserialize_node(node_data, created)
    if isinstance(layer, FunctionOperation):
        kwargs = {**getattr(layer, "_revived_kwargs", {}), **kwargs}
        if layer.fn.__name__ == "get_item" and len(args) == 2 and isinstance(args[1], list) \
                and any(k is None or k is Ellipsis or isinstance(k, slice) for k in args[1]):
            args[1] = tuple(args[1])  # a tuple index, which JSON wrote as a list
        try:
            layer(*args, **kwargs)
        except TypeError as e:
            raise ValueError(
                f"Cannot rebuild the operation '{layer.name}' (`keras_like.ops."
                f"{layer.fn.__name__}`) with arguments {kwargs}: {e}"
            ) from e
        return
    # Keras records `mask=None` for layers that take a mask; None means "use the inputs'
    # masks", which is what leaving it out does here.
    if kwargs.get("mask", 0) is None:
        kwargs.pop("mask")
    if kwargs.get("training", 0) is None:
        kwargs.pop("training")
    layer(*args, **kwargs)


def _deserialize_node(node_data, created):
    if not node_data:
        return [], {}
    if isinstance(node_data, list):
        # Keras 2 (legacy .h5) format: [[layer_name, node_index, tensor_index, kwargs], ...].
        tensors, kwargs = [], {}
        for item in node_data:
            if len(item) not in (3, 4):
                raise ValueError("Cannot deserialize the model (invalid config data?)")
            tensors.append(_history_tensor(item[0], item[1], item[2], created))
            if len(item) == 4:
                kwargs = dict(item[3])
        return [tensors[0] if len(tensors) == 1 else tensors], kwargs
    args = _deserialize_value(node_data.get("args", []), created)
    kwargs = _deserialize_value(node_data.get("kwargs", {}), created)
    return list(args), dict(kwargs)


def _history_tensor(layer_name, node_index, tensor_index, created):
    layer = created.get(layer_name)
    if layer is None:
        raise ValueError(f"Unknown layer: {layer_name}")
    if len(layer._inbound_nodes) <= node_index:
        raise _NodeNotReady(layer_name)
    return layer._inbound_nodes[node_index].outputs[tensor_index]


def _deserialize_value(x, created):
    if isinstance(x, list):
        return [_deserialize_value(v, created) for v in x]
    if not isinstance(x, dict):
        return x
    class_name = x.get("class_name")
    if class_name == "__keras_tensor__":
        history = x["config"]["keras_history"]
        return _history_tensor(history[0], history[1], history[2], created)
    if class_name == "__slice__":
        c = x["config"]
        return slice(*(_deserialize_value(c.get(k), created) for k in ("start", "stop", "step")))
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__numpy__":
        return np.array(x["config"]["value"], dtype=x["config"]["dtype"])
    if class_name is not None and "config" in x:
        return deserialize_keras_object(x)
    return {k: _deserialize_value(v, created) for k, v in x.items()}
