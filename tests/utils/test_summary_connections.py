"""`model.summary()`'s "Connected to" column names the exact tensor: `layer[node][tensor]`."""

import re

import keras_like as keras
from keras_like import layers


def _connections(model):
    lines = []
    model.summary(print_fn=lines.append)
    rows = {}
    for line in "\n".join(lines).splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 4:
            rows[re.sub(r" \(.*\)$", "", cells[0])] = cells[3]
    return rows


def test_connected_to_shows_tensor_index_of_multi_output_layers():
    # The decoder of a seq2seq model starts from the encoder's states, the 2nd and 3rd outputs
    # of the encoder LSTM; Keras 3 shows them as encoder[0][1], encoder[0][2].
    source = keras.Input((None, 3), name="source")
    memory, h, c = layers.LSTM(4, return_sequences=True, return_state=True,
                               name="encoder")(source)
    target = keras.Input((None, 3), name="target")
    decoded = layers.LSTM(4, return_sequences=True, name="decoder")(target,
                                                                    initial_state=[h, c])
    joined = layers.Concatenate(name="join")([decoded, memory])
    rows = _connections(keras.Model([source, target], joined))
    assert rows["decoder"] == "target[0][0], encoder[0][1], encoder[0][2]"
    assert rows["join"] == "decoder[0][0], encoder[0][0]"
    assert rows["source"] == "-"


def test_connected_to_shows_node_index_of_a_shared_layer():
    # A layer called a second time makes its second node; tensors it returns there are [1][0].
    shared = layers.Dense(2, name="shared")
    x = keras.Input((2,), name="x")
    once = shared(x)
    twice = shared(once)
    rows = _connections(keras.Model(x, layers.Add(name="add")([once, twice])))
    assert rows["add"] == "shared[0][0], shared[1][0]"


def test_ops_on_symbolic_tensors_have_rows():
    # Keras 3 lists a functional model's operations, not only its layers: the GRU's input
    # comes from an op, and that op must have a row of its own.
    x = keras.Input((6, 1), name="x")
    relative = x - x[:, -1:, :]
    out = layers.Dense(1, name="out")(layers.GRU(2, name="gru")(relative))
    rows = _connections(keras.Model(x, out))
    gru_parent = rows["gru"].split("[")[0]
    assert gru_parent in rows, rows
    assert rows["out"] == "gru[0][0]"
    lines = []
    keras.Model(x, out).summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(Subtract)" in text and "(None, 6, 1)" in text, text
    # GRU(2) on 1 feature, reset_after: kernels 3 * (1*2 + 2*2), biases 2 * 3*2; Dense(1) 3.
    assert "Total params: 33" in text
