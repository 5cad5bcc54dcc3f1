"""LSTM, GRU, SimpleRNN, their cells, RNN(cell) and StackedRNNCells against NumPy loops written
from Keras's equations (tests/rnn_reference.py), through run_layer_test, and the fused layers
against their step-by-step cells with the same weights."""

import functools

import numpy as np
import pytest
import rnn_reference as ref
from layer_check import run_layer_test

import keras_like as keras
from keras_like import layers
from keras_like.layers.rnn import fused_loops

RNG = np.random.default_rng(11)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.ones((3, 5), bool)
MASK[0, 3:] = False
MASK[2, 1] = False

KINDS = {
    "lstm": (layers.LSTM, layers.LSTMCell, lambda u: ref.lstm_step(u), 2),
    "gru": (layers.GRU, layers.GRUCell, lambda u: ref.gru_step(u), 1),
    "gru_reset_before": (functools.partial(layers.GRU, reset_after=False),
                         functools.partial(layers.GRUCell, reset_after=False),
                         lambda u: ref.gru_step(u, False), 1),
    "simple": (layers.SimpleRNN, layers.SimpleRNNCell, lambda u: ref.simple_step(), 1),
}


def reference_for(kind, units, return_sequences=False, go_backwards=False, reset_after=True):
    step = (ref.gru_step(units, reset_after) if kind == "gru" else KINDS[kind][2](units))
    count = KINDS[kind][3]

    def reference(x, *weights):
        last, outputs, _ = ref.run(step, x, weights, ref.zeros_states(len(x), units, count),
                                   go_backwards=go_backwards)
        return outputs if return_sequences else last
    return reference


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_layer_contract(kind, return_sequences, go_backwards):
    layer_cls, preset = KINDS[kind][0], {}
    if isinstance(layer_cls, functools.partial):  # the config must carry the preset kwargs
        layer_cls, preset = layer_cls.func, layer_cls.keywords
    run_layer_test(
        layer_cls,
        init_kwargs={"units": 3, "return_sequences": return_sequences,
                     "go_backwards": go_backwards, **preset},
        input_shape=(2, 4, 3),
        reference=reference_for(kind, 3, return_sequences, go_backwards),
        expected_output_shape=(2, 4, 3) if return_sequences else (2, 3),
        expected_num_trainable_weights=3, expected_num_non_trainable_weights=0,
        supports_masking=True, atol=2e-6, rtol=2e-5)


def test_gru_reset_before_contract():
    run_layer_test(layers.GRU, init_kwargs={"units": 3, "reset_after": False},
                   input_shape=(2, 4, 3),
                   reference=reference_for("gru", 3, reset_after=False),
                   expected_output_shape=(2, 3), expected_num_trainable_weights=3,
                   supports_masking=True, atol=2e-6, rtol=2e-5)


@pytest.mark.parametrize("kind", list(KINDS))
def test_rnn_of_cell_contract(kind):
    cell_cls = KINDS[kind][1]
    run_layer_test(layers.RNN, init_kwargs={"cell": cell_cls(3), "return_sequences": True},
                   input_shape=(2, 4, 3), reference=reference_for(kind, 3, True),
                   expected_output_shape=(2, 4, 3), expected_num_trainable_weights=3,
                   supports_masking=True, atol=2e-6, rtol=2e-5, run_gradient_check=False,
                   config_exempt={"cell": "a layer object; compared through its config"})
    # No float64 finite differences here: the cell object keeps its own float32 policy in
    # every clone. test_fused_gradients_match_the_cell_loop checks this path's gradients.


def test_stacked_cells_match_two_layers():
    cells = [layers.LSTMCell(5), layers.GRUCell(3)]
    stacked = layers.RNN(layers.StackedRNNCells(cells), return_sequences=True)
    got = stacked(X).numpy()
    w = [v.numpy() for v in stacked.weights]
    _, first, _ = ref.run(ref.lstm_step(5), X, w[:3], ref.zeros_states(3, 5, 2))
    _, second, _ = ref.run(ref.gru_step(3), first, w[3:], ref.zeros_states(3, 3, 1))
    np.testing.assert_allclose(got, second, rtol=2e-5, atol=2e-6)
    clone = layers.RNN.from_config(stacked.get_config())
    assert [type(c).__name__ for c in clone.cell.cells] == ["LSTMCell", "GRUCell"]


def _pair(kind, **kwargs):
    layer_cls, cell_cls = KINDS[kind][:2]
    fused = layer_cls(4, return_sequences=True, return_state=True, **kwargs)
    cell_kwargs = {k: v for k, v in kwargs.items() if k in ("reset_after", "activation")}
    loop_kwargs = {k: v for k, v in kwargs.items() if k in ("go_backwards",
                                                            "zero_output_for_mask")}
    generic = layers.RNN(cell_cls(4, **cell_kwargs), return_sequences=True, return_state=True,
                         **loop_kwargs)
    fused(X)
    generic(X)
    generic.set_weights(fused.get_weights())
    return fused, generic


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output_for_mask", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_fused_layer_matches_rnn_of_its_cell(kind, go_backwards, zero_output_for_mask, masked):
    fused, generic = _pair(kind, go_backwards=go_backwards,
                           zero_output_for_mask=zero_output_for_mask)
    mask = MASK if masked else None
    for a, b in zip(fused(X, mask=mask), generic(X, mask=mask)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_masked_outputs_match_numpy(kind, go_backwards):
    layer = KINDS[kind][0](4, return_sequences=True, return_state=True,
                           go_backwards=go_backwards)
    got = layer(X, mask=MASK)
    weights = [v.numpy() for v in layer.weights]
    _, outputs, states = ref.run(reference_for_step(kind), X, weights,
                                 ref.zeros_states(3, 4, KINDS[kind][3]), mask=MASK,
                                 go_backwards=go_backwards)
    np.testing.assert_allclose(got[0].numpy(), outputs, rtol=2e-5, atol=2e-6)
    for g, s in zip(got[1:], states):
        np.testing.assert_allclose(g.numpy(), s, rtol=2e-5, atol=2e-6)


def reference_for_step(kind):
    return KINDS[kind][2](4)


@pytest.mark.parametrize("kind", list(KINDS))
def test_fused_gradients_match_the_cell_loop(kind):
    fused, generic = _pair(kind)
    target = RNG.normal(size=(3, 5, 4)).astype("float32")
    grads = []
    for layer in (fused, generic):
        x = keras.Variable(X)
        with keras.GradientTape() as tape:
            out = layer(x.value, mask=MASK)[0]
            loss = keras.ops.sum((out - target) ** 2)
        grads.append([g.numpy() for g in tape.gradient(loss, [x] + layer.trainable_weights)])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_fused_path_is_taken_only_where_it_applies(monkeypatch):
    calls = []
    original = fused_loops.run
    monkeypatch.setattr(fused_loops, "run", lambda cell, *a: calls.append(cell) or
                        original(cell, *a))
    layers.LSTM(3)(X)
    layers.GRU(3)(X)
    layers.SimpleRNN(3, activation="relu")(X)
    layers.GRU(3, reset_after=False)(X)
    assert len(calls) == 4
    layers.LSTM(3, activation="relu")(X)
    layers.LSTM(3, use_cudnn=False)(X)
    layers.LSTM(3, recurrent_dropout=0.5)(X, training=True)
    assert len(calls) == 4
    layers.LSTM(3, recurrent_dropout=0.5)(X, training=False)
    assert len(calls) == 5


def test_use_cudnn_true_requires_the_fused_loop():
    with pytest.raises(ValueError, match="use_cudnn=True was specified"):
        layers.LSTM(3, activation="relu", use_cudnn=True)(X)
    with pytest.raises(ValueError, match="Invalid valid received for argument `use_cudnn`"):
        layers.GRU(3, use_cudnn="yes")


@pytest.mark.parametrize("kind", list(KINDS))
def test_dropout_is_seeded_and_only_in_training(kind):
    layer_cls = KINDS[kind][0]
    a = layer_cls(4, dropout=0.5, seed=3)
    a(X)
    b = layer_cls(4, dropout=0.5, seed=3)
    b(X)
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a(X).numpy(), b(X).numpy())
    trained = a(X, training=True).numpy()
    assert not np.allclose(trained, a(X).numpy())
    np.testing.assert_array_equal(trained, b(X, training=True).numpy())


@pytest.mark.parametrize("kind", list(KINDS))
def test_recurrent_dropout_runs_the_cell_with_per_gate_masks(kind):
    layer = KINDS[kind][0](4, recurrent_dropout=0.4, dropout=0.2, seed=1)
    out = layer(X, training=True).numpy()
    assert out.shape == (3, 4) and np.isfinite(out).all()
    assert not np.allclose(out, layer(X).numpy())


def test_initial_state_and_return_state():
    layer = layers.LSTM(4, return_state=True)
    h0 = RNG.normal(size=(3, 4)).astype("float32")
    c0 = RNG.normal(size=(3, 4)).astype("float32")
    out, h, c = layer(X, initial_state=[h0, c0])
    w = [v.numpy() for v in layer.weights]
    last, _, (want_h, want_c) = ref.run(ref.lstm_step(4), X, w, [h0, c0])
    np.testing.assert_allclose(out.numpy(), last, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(h.numpy(), want_h, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(c.numpy(), want_c, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("kind", list(KINDS))
def test_stateful_layers_carry_states_between_calls(kind):
    layer_cls = KINDS[kind][0]
    stateful = layer_cls(4, stateful=True, return_sequences=True)
    whole = layer_cls(4, return_sequences=True)
    stateful(X[:, :2])
    whole(X)
    stateful.reset_state()
    whole.set_weights(stateful.get_weights())
    first, second = stateful(X[:, :2]).numpy(), stateful(X[:, 2:]).numpy()
    np.testing.assert_allclose(np.concatenate([first, second], 1), whole(X).numpy(),
                               rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    np.testing.assert_allclose(stateful(X[:, :2]).numpy(), first, rtol=1e-6, atol=1e-7)
    assert len(stateful.weights) == 3  # the carried states are not weights
    with pytest.raises(ValueError, match="batch size of the input sequences"):
        stateful(X[:2])


def test_model_reset_states_resets_every_stateful_layer():
    model = keras.Sequential([keras.Input(batch_shape=(3, 5, 4)),
                              layers.GRU(4, stateful=True, return_sequences=True),
                              layers.LSTM(2, stateful=True)])
    first = model.predict(X, verbose=0)
    assert not np.allclose(model.predict(X, verbose=0), first)
    model.reset_states()
    np.testing.assert_allclose(model.predict(X, verbose=0), first, rtol=1e-6)


def test_masks_propagate_from_embedding_through_a_functional_model():
    inputs = keras.Input((None,), dtype="int32")
    embedded = layers.Embedding(20, 4, mask_zero=True)(inputs)
    sequences = layers.GRU(3, return_sequences=True)(embedded)
    assert sequences._keras_mask is not None
    last = layers.LSTM(2)(sequences)
    model = keras.Model(inputs, last)
    ids = np.array([[3, 5, 0, 0], [7, 1, 2, 9]])
    padded_out = model.predict(ids, verbose=0)
    short_out = model.predict(ids[:1, :2], verbose=0)
    np.testing.assert_allclose(padded_out[:1], short_out, rtol=1e-5, atol=1e-6)


def test_masked_loss_ignores_padded_steps():
    model = keras.Sequential([keras.Input((4,), dtype="int32"),
                              layers.Embedding(10, 3, mask_zero=True),
                              layers.SimpleRNN(2, return_sequences=True)])
    model.compile("sgd", "mse")
    ids = np.array([[1, 2, 0, 0]])
    y = np.zeros((1, 4, 2), "float32")
    out = model.predict(ids, verbose=0)
    y_far = y.copy()
    y_far[:, 2:] = 100.0  # targets at masked steps must not count
    np.testing.assert_allclose(model.evaluate(ids, y_far, verbose=0),
                               np.mean(out[:, :2] ** 2), rtol=1e-5)


@pytest.mark.parametrize("kwargs,message", [
    ({"units": 0}, "expected a positive integer, got 0"),
    ({"units": -3}, "expected a positive integer, got -3"),
])
def test_bad_units(kwargs, message):
    for cls in (layers.LSTM, layers.GRU, layers.SimpleRNN, layers.LSTMCell):
        with pytest.raises(ValueError, match=message):
            cls(**kwargs)


def test_bad_inputs_name_the_layer():
    with pytest.raises(ValueError, match="at least one time step"):
        layers.LSTM(3, name="enc")(np.zeros((2, 0, 4), "float32"))
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.GRU(3)(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match="should have a `call` method"):
        layers.RNN(object())
    with pytest.raises(ValueError, match="stateful=True"):
        keras.Sequential([keras.Input((3, 2)), layers.LSTM(2, stateful=True)])


def test_w3_model_trains_and_round_trips(tmp_path):
    model = keras.Sequential([keras.Input((12,), dtype="int64"), layers.Embedding(50, 8),
                              layers.LSTM(6), layers.Dense(1, activation="sigmoid")])
    model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy")
    ids = RNG.integers(0, 50, size=(128, 12))
    y = (ids.mean(1) < 25).astype("float32")
    first = model.evaluate(ids, y, verbose=0)
    model.fit(ids, y, epochs=8, batch_size=32, verbose=0)
    assert model.evaluate(ids, y, verbose=0) < first * 0.8
    path = tmp_path / "w3.keras"
    model.save(path)
    reloaded = keras.saving.load_model(path)
    np.testing.assert_array_equal(reloaded.predict(ids, verbose=0), model.predict(ids, verbose=0))
