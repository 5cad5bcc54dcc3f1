"""A captured op graph (`keras_like.graph.OpGraph`) as a TensorFlow `GraphDef`, the format
TensorBoard's Graphs dashboard draws: one node per op, arguments as Placeholders, captured
tensors (constants, Variables) as Consts, each with its dtype and output shape."""

from keras_like.summary._tensorboard import load

_DATA_TYPES = {"float16": 19, "bfloat16": 14, "float32": 1, "float64": 2, "int8": 6,
               "int16": 5, "int32": 3, "int64": 9, "uint8": 4, "uint16": 17, "uint32": 22,
               "uint64": 23, "bool": 10, "complex64": 8, "complex128": 18}


def _annotate(node, shape, dtype, attr_value_pb2, tensor_shape_pb2):
    node.attr["T"].CopyFrom(attr_value_pb2.AttrValue(type=_DATA_TYPES.get(str(dtype), 0)))
    dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=int(d)) for d in shape]
    node.attr["_output_shapes"].CopyFrom(attr_value_pb2.AttrValue(
        list=attr_value_pb2.AttrValue.ListValue(
            shape=[tensor_shape_pb2.TensorShapeProto(dim=dims)])))


def to_graph_def(op_graph):
    graph_pb2 = load("compat.proto.graph_pb2")
    attr_value_pb2 = load("compat.proto.attr_value_pb2")
    tensor_shape_pb2 = load("compat.proto.tensor_shape_pb2")
    graph_def = graph_pb2.GraphDef()
    name_of = {}  # slot -> the node name that produces it (":k" for a node's k-th output)

    def add(name, op, slot_for_spec):
        node = graph_def.node.add(name=name, op=op)
        shape, dtype = op_graph.slot_specs[slot_for_spec]
        _annotate(node, shape, dtype, attr_value_pb2, tensor_shape_pb2)
        return node

    for i, slot in enumerate(op_graph.argument_slots):
        name_of[slot] = f"argument_{i}"
        add(name_of[slot], "Placeholder", slot)
    for slot in op_graph.capture_slots:
        name_of[slot] = f"captured_{slot}"
        add(name_of[slot], "Const", slot)
    for node in op_graph.nodes:
        op = node.op.split("[", 1)[0]
        name = f"{op}_{node.index}"
        spec_slot = node.outputs[0] if node.outputs else (node.inputs[0] if node.inputs else None)
        if spec_slot is None:
            graph_def.node.add(name=name, op=op)
            continue
        made = add(name, op, spec_slot)
        made.input.extend(name_of[s] for s in node.inputs if s in name_of)
        if node.op != op:
            made.attr["steps"].CopyFrom(attr_value_pb2.AttrValue(s=node.op.encode()))
        for k, slot in enumerate(node.outputs):
            name_of[slot] = name if k == 0 else f"{name}:{k}"
    for i, slot in enumerate(op_graph.output_slots):
        out = add(f"output_{i}", "Identity", slot)
        if slot in name_of:
            out.input.append(name_of[slot])
    return graph_def
