"""`model.summary()`: Keras 3's table of layers, output shapes and parameter counts."""

from keras_like import tree


def _count(weights):
    total = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= d
        total += n
    return total


def _size_text(num_params, bytes_per_param=4):
    size = num_params * bytes_per_param
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def _output_shape(layer):
    try:
        outputs = layer.output
    except (AttributeError, IndexError, ValueError):
        return "?"
    shapes = [tuple(t.shape) for t in tree.flatten(outputs)]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _type_name(operation):
    """The class shown in brackets; an op recorded from a `keras_like.ops` function is named
    after the function in Keras's CamelCase (`expand_dims` -> `ExpandDims`), as Keras names
    its op classes."""
    fn = getattr(operation, "fn", None)
    if fn is not None and type(operation).__name__ == "FunctionOperation":
        return "".join(part.capitalize() for part in fn.__name__.split("_"))
    return type(operation).__name__


def _rows(model):
    from keras_like.layers.core.input_layer import InputLayer

    functional = type(model).__name__ == "Functional"
    # Keras lists every operation of a functional model, the ops applied to symbolic tensors
    # (`x[:, -1]`, `x - y`) included, so that each name in "Connected to" has its own row.
    layers = list(model._operations) if functional else model.layers
    rows = []
    for layer in layers:
        if isinstance(layer, InputLayer) and type(model).__name__ == "Sequential":
            continue
        built = getattr(layer, "built", True)  # an op has no weights to build
        shape = _output_shape(layer) if built else "?"
        params = _count(getattr(layer, "weights", ())) if built else 0
        connected = None
        if functional and layer._inbound_nodes:
            # Keras writes `layer[node_index][tensor_index]`: a layer with several outputs
            # (an LSTM with return_state) shows which of them feeds this layer.
            connected = ", ".join(
                f"{history[0].name}[{history[1]}][{history[2]}]"
                for history in (t._keras_history
                                for t in layer._inbound_nodes[0].input_tensors)
                if history is not None) or "-"
        rows.append((f"{layer.name} ({_type_name(layer)})", shape,
                     f"{params:,}" if built else "0 (unbuilt)", connected))
    return rows


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False):
    print_fn = print_fn or print
    rows = _rows(model)
    functional = any(r[3] is not None for r in rows)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
    widths = [max(31, *(len(r[0]) + 1 for r in rows)) if rows else 31,
              max(22, *(len(r[1]) + 1 for r in rows)) if rows else 22, 13]
    if functional:
        widths.append(max(17, *(len(r[3] or "") + 1 for r in rows)))
    aligns = ["<", "<", ">", "<"]

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def row(cells, sep="│"):
        parts = [f" {cell:{aligns[i]}{widths[i]}} " for i, cell in enumerate(cells)]
        return sep + sep.join(parts) + sep

    out = [f'Model: "{model.name}"', line("┏", "┳", "┓", "━"), row(headers, "┃"),
           line("┡", "╇", "┩", "━")]
    for i, r in enumerate(rows):
        out.append(row(list(r[:3]) + ([r[3] or ""] if functional else [])))
        if i != len(rows) - 1:
            out.append(line("├", "┼", "┤", "─"))
    out.append(line("└", "┴", "┘", "─"))
    trainable = _count(model.trainable_weights) if model.built else 0
    non_trainable = _count(model.non_trainable_weights) if model.built else 0
    total = trainable + non_trainable
    out.append(f" Total params: {total:,} ({_size_text(total)})")
    out.append(f" Trainable params: {trainable:,} ({_size_text(trainable)})")
    out.append(f" Non-trainable params: {non_trainable:,} ({_size_text(non_trainable)})")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        opt_params = _count(optimizer.variables)
        out.append(f" Optimizer params: {opt_params:,} ({_size_text(opt_params)})")
    print_fn("\n".join(out))
