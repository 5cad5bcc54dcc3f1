"""ConvLSTM1D / ConvLSTM2D / ConvLSTM3D and their cell against a NumPy ConvLSTM written from
the equations (with its own convolution: explicit loops over output positions and kernel
taps), through run_layer_test, plus masks, initial and returned states, stateful layers,
dropout masks and Keras's argument errors. Real-Keras outputs: test_conv_lstm_fixtures.py."""

import numpy as np
import pytest
from layer_check import run_layer_test

import keras_like as keras
from keras_like import layers, ops
from keras_like.layers.rnn.conv_lstm_cell import ConvLSTMCell

RNG = np.random.default_rng(5)
CLASSES = {1: layers.ConvLSTM1D, 2: layers.ConvLSTM2D, 3: layers.ConvLSTM3D}


# ---- NumPy reference -------------------------------------------------------------------------

def np_conv(x, kernel, strides, padding, dilation):
    """Cross-correlation of channels-last `x` (N, *S, C) with `kernel` (*K, C, F): every
    output position adds input[pos * stride - pad_before + tap * dilation] @ kernel[tap]
    over the taps that land inside the input (zero padding)."""
    n = x.ndim - 2
    sizes = x.shape[1:-1]
    window = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:n], dilation)]
    if padding == "same":
        out = [-(-s // st) for s, st in zip(sizes, strides)]
        before = [max((o - 1) * st + w - s, 0) // 2
                  for o, st, w, s in zip(out, strides, window, sizes)]
    else:
        out = [(s - w) // st + 1 for s, w, st in zip(sizes, window, strides)]
        before = [0] * n
    y = np.zeros((x.shape[0], *out, kernel.shape[-1]))
    for o in np.ndindex(*out):
        for tap in np.ndindex(*kernel.shape[:n]):
            pos = [o[i] * strides[i] - before[i] + tap[i] * dilation[i] for i in range(n)]
            if all(0 <= p < s for p, s in zip(pos, sizes)):
                y[(slice(None), *o)] += x[(slice(None), *pos)] @ kernel[tap]
    return y


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def conv_lstm_reference(x, kernel, recurrent_kernel, bias=None, *, filters, strides=None,
                        padding="valid", dilation=None, channels_first=False,
                        go_backwards=False, initial_state=None, mask=None,
                        zero_output_for_mask=False, activation=np.tanh,
                        recurrent_activation=sigmoid, input_masks=None,
                        recurrent_masks=None):
    """(outputs (batch, time, *state), h, c) of a ConvLSTM over `x` (batch, time, ...)."""
    x = np.asarray(x, np.float64)
    rank = x.ndim - 3
    strides, dilation = strides or (1,) * rank, dilation or (1,) * rank
    to_last = (0, *range(2, rank + 2), 1)  # channels_first step -> channels_last
    to_first = (0, rank + 1, *range(1, rank + 1))
    steps = [x[:, t] for t in range(x.shape[1])]
    if channels_first:
        steps = [s.transpose(to_last) for s in steps]
        if input_masks is not None:
            input_masks = [m.transpose(to_last) for m in input_masks]
        if recurrent_masks is not None:
            recurrent_masks = [m.transpose(to_last) for m in recurrent_masks]
    state_shape = np_conv(steps[0], kernel[..., :filters], strides, padding, dilation).shape
    if initial_state is None:
        h, c = np.zeros(state_shape), np.zeros(state_shape)
    else:
        h, c = (np.asarray(s, np.float64) for s in initial_state)
        if channels_first:
            h, c = h.transpose(to_last), c.transpose(to_last)
    order = range(len(steps) - 1, -1, -1) if go_backwards else range(len(steps))
    outputs = []
    for t in order:
        xs = [steps[t] * m for m in input_masks] if input_masks is not None else [steps[t]] * 4
        hs = [h * m for m in recurrent_masks] if recurrent_masks is not None else [h] * 4
        z = []
        for g in range(4):
            block = slice(g * filters, (g + 1) * filters)
            zg = np_conv(xs[g], kernel[..., block], strides, padding, dilation) + \
                np_conv(hs[g], recurrent_kernel[..., block], (1,) * rank, "same", (1,) * rank)
            z.append(zg if bias is None else zg + bias[block])
        i, f, o = (recurrent_activation(z[g]) for g in (0, 1, 3))
        new_c = f * c + i * activation(z[2])
        new_h = o * activation(new_c)
        out = new_h
        if mask is not None:
            keep = mask[:, t].reshape((-1,) + (1,) * (new_h.ndim - 1))
            out = np.where(keep, new_h, 0.0 if zero_output_for_mask else h)
            new_h, new_c = np.where(keep, new_h, h), np.where(keep, new_c, c)
        h, c = new_h, new_c
        outputs.append(out)
    outputs = np.stack(outputs, 1)
    if channels_first:
        outputs = outputs.transpose((0, 1, *(d + 1 for d in to_first[1:])))
        h, c = h.transpose(to_first), c.transpose(to_first)
    return outputs, h, c


def reference_for(rank, kwargs, **extra):
    """run_layer_test's `reference(inputs, *weights)` for a layer built with `kwargs`."""
    def tup(value):
        return (value,) * rank if isinstance(value, int) else tuple(value)

    def reference(x, *weights):
        outputs, h, _ = conv_lstm_reference(
            x, *weights, filters=kwargs["filters"], strides=tup(kwargs.get("strides", 1)),
            padding=kwargs.get("padding", "valid"),
            dilation=tup(kwargs.get("dilation_rate", 1)),
            channels_first=kwargs.get("data_format") == "channels_first",
            go_backwards=kwargs.get("go_backwards", False), **extra)
        return outputs if kwargs.get("return_sequences") else h
    return reference


# ---- the layer contract ----------------------------------------------------------------------

CONTRACT = {
    "1d_same_sequences": (1, dict(filters=2, kernel_size=2, padding="same",
                                  return_sequences=True), (2, 3, 4, 2)),
    "1d_channels_first_strides_backwards": (1, dict(filters=2, kernel_size=2, strides=2,
                                                    data_format="channels_first",
                                                    go_backwards=True), (2, 2, 2, 5)),
    "2d_valid_regularized": (2, dict(filters=2, kernel_size=2, kernel_regularizer="l2",
                                     recurrent_constraint="non_neg"), (2, 2, 3, 3, 2)),
    "2d_channels_first_same_strides_sequences": (
        2, dict(filters=2, kernel_size=(2, 3), strides=2, padding="same",
                data_format="channels_first", return_sequences=True), (2, 2, 2, 3, 4)),
    "2d_dilated_backwards": (2, dict(filters=2, kernel_size=2, padding="same", dilation_rate=2,
                                     go_backwards=True), (1, 2, 3, 3, 1)),
    "3d_same": (3, dict(filters=2, kernel_size=2, padding="same"), (1, 2, 2, 2, 2, 1)),
    "3d_channels_first_valid_sequences_backwards": (
        3, dict(filters=2, kernel_size=(1, 2, 2), data_format="channels_first",
                return_sequences=True, go_backwards=True), (2, 2, 1, 2, 3, 2)),
}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_layer_contract(name):
    rank, kwargs, shape = CONTRACT[name]
    layer = CLASSES[rank](**kwargs)
    expected = layer.compute_output_shape(shape)
    run_layer_test(CLASSES[rank], init_kwargs=kwargs, input_shape=shape,
                   reference=reference_for(rank, kwargs), expected_output_shape=expected,
                   expected_num_trainable_weights=3, expected_num_non_trainable_weights=0,
                   supports_masking=True, atol=1e-5, rtol=1e-5)


def test_no_bias_and_other_activations_contract():
    kwargs = dict(filters=2, kernel_size=2, padding="same", use_bias=False,
                  unit_forget_bias=False, activation="softsign",
                  recurrent_activation="hard_sigmoid")
    run_layer_test(layers.ConvLSTM1D, init_kwargs=kwargs, input_shape=(2, 2, 3, 2),
                   reference=reference_for(1, kwargs, activation=lambda v: v / (1 + abs(v)),
                                           recurrent_activation=lambda v: np.clip(
                                               v / 6 + 0.5, 0, 1)),
                   expected_output_shape=(2, 3, 2), expected_num_trainable_weights=2,
                   atol=1e-5, rtol=1e-5)


@keras.saving.register_keras_serializable(package="test_conv_lstm")
class ConvLSTM2DWithStates(layers.ConvLSTM2D):
    """ConvLSTM2D(return_state=True) whose output, h and c are joined along the channels:
    one tensor, so that run_layer_test checks the returned states too (gradients, config,
    saving)."""

    def call(self, sequences, initial_state=None, mask=None, training=False):
        output, h, c = super().call(sequences, initial_state=initial_state, mask=mask,
                                    training=training)
        return ops.concatenate([output, h, c], axis=-1)

    def compute_mask(self, _, mask):
        return None


def test_return_state_contract():
    kwargs = dict(filters=2, kernel_size=2, padding="same", return_state=True)

    def reference(x, *weights):
        _, h, c = conv_lstm_reference(x, *weights, filters=2, padding="same")
        return np.concatenate([h, h, c], -1)

    run_layer_test(ConvLSTM2DWithStates, init_kwargs=kwargs, input_shape=(2, 2, 3, 3, 2),
                   reference=reference, expected_output_shape=(2, 3, 3, 6),
                   custom_objects={"ConvLSTM2DWithStates": ConvLSTM2DWithStates},
                   atol=1e-5, rtol=1e-5)


def test_dropout_contract():
    # Seeded initializers: a clone built from the config must start from the same weights
    # for its seeded dropout masks to give the same training output.
    kwargs = dict(filters=2, kernel_size=2, padding="same", dropout=0.3,
                  recurrent_dropout=0.4, seed=7,
                  kernel_initializer=keras.initializers.GlorotUniform(seed=1),
                  recurrent_initializer=keras.initializers.Orthogonal(seed=2))
    run_layer_test(layers.ConvLSTM2D, init_kwargs=kwargs, input_shape=(2, 2, 3, 3, 2),
                   reference=reference_for(2, kwargs), expected_output_shape=(2, 3, 3, 2),
                   random_in_training="dropout masks are drawn in training", atol=1e-5,
                   rtol=1e-5)


# ---- behaviour beyond the contract -----------------------------------------------------------

def _weights(layer):
    return [w.numpy() for w in layer.weights]


def test_dropout_uses_one_mask_per_gate_for_the_whole_sequence(monkeypatch):
    """Training output equals the reference given the four input and four recurrent masks
    the cell drew (each mask drawn once and reused at every step)."""
    drawn = {}
    for kind in ("get_dropout_mask", "get_recurrent_dropout_mask"):
        original = getattr(ConvLSTMCell, kind)

        def spy(self, step_input, original=original, kind=kind):
            masks = original(self, step_input)
            assert drawn.setdefault(kind, masks) is masks  # the same masks at every step
            return masks
        monkeypatch.setattr(ConvLSTMCell, kind, spy)
    x = RNG.normal(size=(2, 3, 4, 4, 2)).astype("float32")
    layer = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, dropout=0.5,
                              recurrent_dropout=0.5, seed=3, data_format="channels_first")
    got = layer(x, training=True).numpy()
    input_masks = [m.numpy() for m in drawn["get_dropout_mask"]]
    recurrent_masks = [m.numpy() for m in drawn["get_recurrent_dropout_mask"]]
    assert len(input_masks) == len(recurrent_masks) == 4
    assert not np.array_equal(input_masks[0], input_masks[1])
    want, _, _ = conv_lstm_reference(x, *_weights(layer), filters=3, padding="same",
                                     channels_first=True, input_masks=input_masks,
                                     recurrent_masks=recurrent_masks)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    drawn.clear()
    np.testing.assert_allclose(layer(x).numpy(), conv_lstm_reference(
        x, *_weights(layer), filters=3, padding="same", channels_first=True)[0],
        rtol=1e-5, atol=1e-5)
    assert not drawn  # no masks in inference


@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
def test_masked_steps_keep_states(go_backwards, zero_output_for_mask):
    x = RNG.normal(size=(3, 4, 5, 2)).astype("float32")
    mask = np.ones((3, 4), bool)
    mask[0, 2:] = False
    mask[2, 1] = False
    layer = layers.ConvLSTM1D(2, 3, return_sequences=True, return_state=True,
                              go_backwards=go_backwards,
                              zero_output_for_mask=zero_output_for_mask)
    got = [t.numpy() for t in layer(x, mask=mask)]
    want = conv_lstm_reference(x, *_weights(layer), filters=2, go_backwards=go_backwards,
                               mask=mask, zero_output_for_mask=zero_output_for_mask)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def test_masks_reach_the_layer_through_a_functional_model():
    steps = keras.Input((4, 3, 3, 2))
    mask = keras.Input((4,), dtype="bool")
    out = layers.ConvLSTM2D(2, 2, padding="same", return_sequences=True)(steps, mask=mask)
    model = keras.Model([steps, mask], out)
    x = RNG.normal(size=(2, 4, 3, 3, 2)).astype("float32")
    m = np.array([[True, True, False, False], [True, True, True, True]])
    want, _, _ = conv_lstm_reference(x, *_weights(model.layers[-1]), filters=2,
                                     padding="same", mask=m)
    np.testing.assert_allclose(model.predict([x, m], verbose=0), want, rtol=1e-5, atol=1e-5)


def test_initial_state_and_return_state_channels_first():
    x = RNG.normal(size=(2, 3, 2, 4, 4)).astype("float32")
    h0, c0 = RNG.normal(size=(2, 2, 2, 2, 2)).astype("float32")
    layer = layers.ConvLSTM2D(2, 3, return_state=True, data_format="channels_first")
    out, h, c = layer(x, initial_state=[h0, c0])
    assert tuple(h.shape) == tuple(c.shape) == (2, 2, 2, 2)
    _, want_h, want_c = conv_lstm_reference(x, *_weights(layer), filters=2,
                                            channels_first=True, initial_state=[h0, c0])
    np.testing.assert_allclose(out.numpy(), want_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(h.numpy(), want_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(c.numpy(), want_c, rtol=1e-5, atol=1e-5)


def test_symbolic_return_state_shapes_and_masks():
    steps = keras.Input((3, 5, 5, 2))
    out, h, c = layers.ConvLSTM2D(4, 3, strides=2, return_state=True)(steps)
    assert [tuple(t.shape) for t in (out, h, c)] == [(None, 2, 2, 4)] * 3
    layer = layers.ConvLSTM3D(2, 2, return_sequences=True, return_state=True)
    assert layer.compute_output_shape((None, 3, 4, 4, 4, 1)) == (
        (None, 3, 3, 3, 3, 2), (None, 3, 3, 3, 2), (None, 3, 3, 3, 2))
    assert layer.compute_mask(None, np.ones((1, 3), bool))[1:] == [None, None]


def test_is_rnn_of_its_cell():
    """The layer is the generic RNN loop over ConvLSTMCell: RNN(cell) with the same weights
    gives the same outputs and states."""
    x = RNG.normal(size=(2, 3, 4, 4, 2)).astype("float32")
    layer = layers.ConvLSTM2D(3, 2, padding="same", go_backwards=True, return_sequences=True,
                              return_state=True)
    generic = layers.RNN(ConvLSTMCell(2, 3, 2, padding="same"), go_backwards=True,
                         return_sequences=True, return_state=True)
    want = [t.numpy() for t in layer(x)]
    generic(x)
    generic.set_weights(layer.get_weights())
    for g, w in zip(generic(x), want):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-6, atol=1e-6)


def test_stateful_layer_carries_states_between_calls():
    x = RNG.normal(size=(2, 4, 5, 2)).astype("float32")
    stateful = layers.ConvLSTM1D(2, 2, padding="same", stateful=True, return_sequences=True)
    whole = layers.ConvLSTM1D(2, 2, padding="same", return_sequences=True)
    stateful(x[:, :2])
    whole(x)
    stateful.reset_state()
    whole.set_weights(stateful.get_weights())
    first, second = stateful(x[:, :2]).numpy(), stateful(x[:, 2:]).numpy()
    np.testing.assert_allclose(np.concatenate([first, second], 1), whole(x).numpy(),
                               rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(x[:, :2]).numpy(), first, rtol=1e-6, atol=1e-7)
    assert len(stateful.weights) == 3  # the carried states are not weights
    with pytest.raises(ValueError, match="batch size of the input sequences"):
        stateful(x[:1])


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_weights_names_shapes_and_forget_bias(rank):
    layer = CLASSES[rank](3, 2, name="clstm")
    layer(np.zeros((1, 2) + (3,) * rank + (2,), "float32"))
    assert [w.path for w in layer.weights] == [
        "clstm/conv_lstm_cell/kernel", "clstm/conv_lstm_cell/recurrent_kernel",
        "clstm/conv_lstm_cell/bias"]
    assert [tuple(w.shape) for w in layer.weights] == [
        (2,) * rank + (2, 12), (2,) * rank + (3, 12), (12,)]
    np.testing.assert_array_equal(layer.weights[2].numpy(), [0] * 3 + [1] * 3 + [0] * 6)
    assert layer.filters == 3 and layer.kernel_size == (2,) * rank
    assert layer.unit_forget_bias and layer.recurrent_activation is not None


def test_cell_rebuilds_from_its_config():
    cell = ConvLSTMCell(rank=2, filters=2, kernel_size=3, padding="same", dropout=0.2, seed=1)
    clone = ConvLSTMCell.from_config(cell.get_config())
    assert clone.get_config() == cell.get_config()
    x, s = np.ones((1, 4, 4, 1), "float32"), np.zeros((1, 4, 4, 2), "float32")
    out, (h, c) = cell(x, [s, s])
    assert tuple(out.shape) == tuple(c.shape) == (1, 4, 4, 2)


def test_dropout_rates_are_clipped_like_keras():
    layer = layers.ConvLSTM2D(2, 2, dropout=1.5, recurrent_dropout=-1)
    assert (layer.dropout, layer.recurrent_dropout) == (1.0, 0.0)


@pytest.mark.parametrize("kwargs,message", [
    (dict(filters=1, kernel_size=1, strides=2, dilation_rate=3),
     "Specifying `strides > 1` is not compatible with `dilation_rate > 1`"),
    (dict(filters=1, kernel_size=(1, 2, 3)), "The `kernel_size` argument must be a tuple of 2"),
    (dict(filters=1, kernel_size=2, strides=0), "do not satisfy `value > 0`"),
    (dict(filters=1, kernel_size=2, padding="causal"), "The `padding` argument must be"),
    (dict(filters=1, kernel_size=2, data_format="nhwc"), "The `data_format` argument must"),
    (dict(filters=0, kernel_size=2), "ConvLSTM2D: Received an invalid value for `filters`"),
    (dict(filters=2.5, kernel_size=2), "invalid value for `filters`"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        layers.ConvLSTM2D(**kwargs)


def test_bad_inputs():
    with pytest.raises(ValueError, match="Rank 4 convolutions are not currently implemented"):
        ConvLSTMCell(rank=4, filters=1, kernel_size=1)
    with pytest.raises(ValueError, match="expected ndim=5, found ndim=4"):
        layers.ConvLSTM2D(2, 2)(np.zeros((1, 2, 4, 4), "float32"))
    with pytest.raises(ValueError, match="only support static input shapes for the spatial"):
        layers.ConvLSTM2D(2, 2)(keras.Input((2, None, 4, 1)))
    with pytest.raises(ValueError, match="channel dimension of the inputs"):
        layers.ConvLSTM2D(2, 2)(keras.Input((2, 4, 4, None)))
    with pytest.raises(ValueError, match="Computed output size would be negative"):
        layers.ConvLSTM2D(2, 5)(np.zeros((1, 2, 3, 3, 1), "float32"))
    with pytest.raises(ValueError, match="at least one time step"):
        layers.ConvLSTM1D(2, 2)(np.zeros((1, 0, 4, 1), "float32"))


def test_model_trains_and_round_trips(tmp_path):
    model = keras.Sequential([keras.Input((3, 4, 4, 1)),
                              layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True),
                              layers.ConvLSTM2D(2, 2, strides=2),
                              layers.Flatten(), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.02), "mse")
    x = RNG.normal(size=(16, 3, 4, 4, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3, 4))[:, None]
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=6, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first
    path = tmp_path / "conv_lstm.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
