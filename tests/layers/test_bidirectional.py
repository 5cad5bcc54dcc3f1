"""Bidirectional against NumPy recurrences written from the LSTM/GRU/SimpleRNN equations
(tests/rnn_reference.py), through run_layer_test, and against the forward and go_backwards
layers it is made of. tests/layers/test_wrapper_fixtures.py compares it with real Keras."""

import numpy as np
import pytest
import rnn_reference as ref
from layer_check import run_layer_test

import keras_like as keras
from keras_like import layers, ops

RNG = np.random.default_rng(23)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
MASK = np.ones((3, 5), bool)
MASK[0, 3:] = False
MASK[1, :2] = False  # leading masked steps: the backward direction ends on them
MASK[2, 2] = False
UNITS = 3
STEPS = {"LSTM": (ref.lstm_step, 2), "GRU": (ref.gru_step, 1),
         "SimpleRNN": (lambda units: ref.simple_step(), 1)}
# The directions are copies made from the wrapped layer's config, so they keep its dtype
# policy (as in Keras): the float64 gradient check needs float64 wrapped layers.
NOT_IN_CONFIG = {"layer": "Keras's config holds the forward copy (`forward_<name>`, "
                          "zero_output_for_mask set) in its place"}


def _np(x):
    return ops.convert_to_numpy(x)


def _merge(mode, y, y_rev):
    return {"concat": lambda: np.concatenate([y, y_rev], -1), "sum": lambda: y + y_rev,
            "ave": lambda: (y + y_rev) / 2, "mul": lambda: y * y_rev,
            None: lambda: (y, y_rev)}[mode]()


def directions(kind, x, weights, mask=None, return_sequences=False, initial_states=None):
    """NumPy (forward, backward) outputs (backward reversed to input order) and final states
    of the two directions, each with its half of `weights`."""
    step, count = STEPS[kind]
    half = len(weights) // 2
    initial = initial_states or [ref.zeros_states(len(x), UNITS, count)] * 2
    results = []
    for backwards, w, states in ((False, weights[:half], initial[0]),
                                 (True, weights[half:], initial[1])):
        last, outputs, final = ref.run(step(UNITS), x, w, states, mask=mask,
                                       go_backwards=backwards,
                                       zero_output_for_mask=return_sequences)
        if return_sequences:
            last = outputs[:, ::-1] if backwards else outputs
        results.append((last, final))
    return results


def reference(kind, merge_mode="concat", return_sequences=False):
    def fn(inputs, *weights):
        x, mask = (inputs["sequences"], inputs["mask"]) if isinstance(inputs, dict) else \
            (inputs, None)
        (y, _), (y_rev, _) = directions(kind, x, weights, mask, return_sequences)
        return _merge(merge_mode, y, y_rev)
    return fn


@pytest.mark.parametrize("kind,merge_mode,return_sequences", [
    ("LSTM", "concat", False), ("LSTM", "ave", True), ("GRU", "sum", True),
    ("GRU", "concat", False), ("SimpleRNN", "mul", True)])
def test_contract_against_numpy(kind, merge_mode, return_sequences):
    inner = getattr(layers, kind)(UNITS, return_sequences=return_sequences, dtype="float64")
    width = 2 * UNITS if merge_mode == "concat" else UNITS
    run_layer_test(
        layers.Bidirectional,
        init_kwargs={"layer": inner, "merge_mode": merge_mode},
        input_data=X, reference=reference(kind, merge_mode, return_sequences),
        expected_output_shape=(3, 5, width) if return_sequences else (3, width),
        expected_num_trainable_weights=6, expected_num_non_trainable_weights=0,
        supports_masking=True, config_exempt=NOT_IN_CONFIG, atol=2e-6, rtol=2e-5)


@pytest.mark.parametrize("kind,return_sequences", [("LSTM", True), ("GRU", False),
                                                   ("SimpleRNN", True)])
def test_contract_with_a_mask(kind, return_sequences):
    inner = getattr(layers, kind)(UNITS, return_sequences=return_sequences, dtype="float64")
    run_layer_test(
        layers.Bidirectional, init_kwargs={"layer": inner},
        input_data={"sequences": X, "mask": MASK},
        reference=reference(kind, "concat", return_sequences),
        expected_num_trainable_weights=6, config_exempt=NOT_IN_CONFIG, atol=2e-6,
        rtol=2e-5)


def test_contract_with_dropout_in_training():
    inner = layers.GRU(UNITS, dropout=0.4, recurrent_dropout=0.3, seed=5, dtype="float64")
    run_layer_test(
        layers.Bidirectional, init_kwargs={"layer": inner, "merge_mode": "sum"},
        input_data=X, reference=reference("GRU", "sum"),
        random_in_training="dropout masks are random draws",
        config_exempt=NOT_IN_CONFIG, atol=2e-6, rtol=2e-5)


def test_contract_in_float32_wrapped_layers():
    # The wrapped layer's own (float32) policy: everything but the float64 gradient check.
    run_layer_test(
        layers.Bidirectional, init_kwargs={"layer": layers.LSTM(UNITS, return_sequences=True)},
        input_data={"sequences": X, "mask": MASK}, reference=reference("LSTM", "concat", True),
        config_exempt=NOT_IN_CONFIG, run_gradient_check=False, atol=2e-6, rtol=2e-5)


@pytest.mark.parametrize("kind", sorted(STEPS))
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("masked", [False, True])
def test_equals_a_forward_and_a_go_backwards_layer_with_the_same_weights(kind, merge_mode,
                                                                        masked):
    cls = getattr(layers, kind)
    bi = layers.Bidirectional(cls(UNITS, return_sequences=True), merge_mode=merge_mode)
    mask = MASK if masked else None
    got = bi(X, mask=mask)
    forward = cls(UNITS, return_sequences=True, zero_output_for_mask=True)
    backward = cls(UNITS, return_sequences=True, zero_output_for_mask=True, go_backwards=True)
    forward(X)
    backward(X)
    half = len(bi.weights) // 2
    forward.set_weights(bi.get_weights()[:half])
    backward.set_weights(bi.get_weights()[half:])
    want = _merge(merge_mode, _np(forward(X, mask=mask)),
                  _np(backward(X, mask=mask))[:, ::-1])
    for g, w in zip(got if merge_mode is None else [got], want if merge_mode is None
                    else [want]):
        np.testing.assert_allclose(_np(g), w, rtol=1e-6, atol=1e-6)


def test_merge_mode_none_returns_both_directions():
    bi = layers.Bidirectional(layers.LSTM(UNITS, return_sequences=True), merge_mode=None)
    out = bi(X, mask=MASK)
    assert isinstance(out, tuple) and len(out) == 2
    (y, _), (y_rev, _) = directions("LSTM", X, bi.get_weights(), MASK, True)
    np.testing.assert_allclose(_np(out[0]), y, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(_np(out[1]), y_rev, rtol=2e-5, atol=2e-6)
    for o in out:
        np.testing.assert_array_equal(_np(o._keras_mask), MASK)


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_return_state_appends_forward_then_backward_states(merge_mode):
    bi = layers.Bidirectional(layers.LSTM(UNITS, return_state=True), merge_mode=merge_mode)
    out = bi(X, mask=MASK)
    outputs = 2 if merge_mode is None else 1
    assert len(out) == outputs + 4
    (y, (h, c)), (y_rev, (h_rev, c_rev)) = directions("LSTM", X, bi.get_weights(), MASK)
    merged = _merge(merge_mode, y, y_rev)
    want = [*merged] if merge_mode is None else [merged]
    for got, expected in zip(out, want + [h, c, h_rev, c_rev]):
        np.testing.assert_allclose(_np(got), expected, rtol=2e-5, atol=2e-6)
    assert all(getattr(o, "_keras_mask", None) is None for o in out)


def test_initial_state_is_split_between_the_directions():
    bi = layers.Bidirectional(layers.GRU(UNITS, return_sequences=True, return_state=True))
    h0, h0_rev = (RNG.normal(size=(3, UNITS)).astype("float32") for _ in range(2))
    out, h, h_rev = bi(X, initial_state=[h0, h0_rev])
    (y, (want_h,)), (y_rev, (want_h_rev,)) = directions(
        "GRU", X, bi.get_weights(), return_sequences=True, initial_states=[[h0], [h0_rev]])
    np.testing.assert_allclose(_np(out), np.concatenate([y, y_rev], -1), rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(_np(h), want_h, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(_np(h_rev), want_h_rev, rtol=2e-5, atol=2e-6)


def test_zero_output_for_mask_follows_return_sequences():
    for return_sequences in (False, True):
        for given in (False, True):
            inner = layers.LSTM(2, return_sequences=return_sequences,
                                zero_output_for_mask=given)
            bi = layers.Bidirectional(inner)
            assert bi.forward_layer.zero_output_for_mask is return_sequences
            assert bi.backward_layer.zero_output_for_mask is return_sequences
    # With return_sequences, masked steps are zero in both halves of the output.
    bi = layers.Bidirectional(layers.SimpleRNN(2, return_sequences=True))
    out = _np(bi(X, mask=MASK))
    assert np.all(out[~MASK] == 0) and np.all(out[MASK] != 0)


def test_directions_are_fresh_copies_named_after_the_layer():
    inner = layers.LSTM(2, go_backwards=False, name="enc")
    inner(X)
    bi = layers.Bidirectional(inner)
    assert (bi.forward_layer.name, bi.backward_layer.name) == ("forward_enc", "backward_enc")
    assert (bi.forward_layer.go_backwards, bi.backward_layer.go_backwards) == (False, True)
    assert bi.forward_layer is not inner
    assert not any(np.array_equal(a, b) for a, b in
                   zip(bi.forward_layer.get_weights(), inner.get_weights()) if a.ndim == 2)
    again = layers.Bidirectional(layers.GRU(2, name="forward_gru"))
    assert again.forward_layer.name == "forward_gru"
    assert again.backward_layer.name == "backward_forward_gru"


def test_a_backward_layer_is_used_as_given():
    backward = layers.GRU(UNITS, return_sequences=True, go_backwards=True, activation="relu")
    bi = layers.Bidirectional(layers.LSTM(UNITS, return_sequences=True),
                              backward_layer=backward)
    assert bi.backward_layer is backward
    out = _np(bi(X, mask=MASK))
    weights = bi.get_weights()
    _, forward, _ = ref.run(ref.lstm_step(UNITS), X, weights[:3], ref.zeros_states(3, UNITS, 2),
                            mask=MASK, zero_output_for_mask=True)
    step = ref.gru_step(UNITS)

    def relu_gru(x, states, *w):  # the GRU step with relu as its candidate activation
        saved, np.tanh = np.tanh, lambda v: np.maximum(v, 0)
        try:
            return step(x, states, *w)
        finally:
            np.tanh = saved
    _, back, _ = ref.run(relu_gru, X, weights[3:], ref.zeros_states(3, UNITS, 1), mask=MASK,
                         go_backwards=True, zero_output_for_mask=True)
    np.testing.assert_allclose(out, np.concatenate([forward, back[:, ::-1]], -1), rtol=2e-5,
                               atol=2e-6)
    clone = layers.Bidirectional.from_config(bi.get_config())
    assert clone.backward_layer.get_config()["activation"] == "relu"
    assert clone.backward_layer.name == backward.name


def test_weights_argument_sets_both_directions():
    probe = layers.Bidirectional(layers.LSTM(2))
    probe(X)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in probe.weights]
    bi = layers.Bidirectional(layers.LSTM(2), weights=weights)
    bi(X)
    for got, want in zip(bi.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    built = layers.LSTM(2)
    built(X)  # its copies are built at once from its build_config
    bi = layers.Bidirectional(built, weights=weights)
    np.testing.assert_array_equal(bi.backward_layer.get_weights()[0], weights[3])


def test_use_cudnn_is_copied_to_both_directions():
    bi = layers.Bidirectional(layers.LSTM(2, use_cudnn=False))
    assert bi.forward_layer.use_cudnn is False and bi.backward_layer.use_cudnn is False


def test_stateful_directions_carry_their_states():
    bi = layers.Bidirectional(layers.LSTM(UNITS, stateful=True, return_sequences=True))
    first = _np(bi(X[:, :3]))
    states = [s.numpy() for s in bi.states]
    assert len(states) == 4 and bi.stateful
    assert len(bi.weights) == 6  # the carried states are not weights
    second = _np(bi(X[:, 3:]))
    (y, _), (y_rev, _) = directions("LSTM", X[:, 3:], bi.get_weights(), return_sequences=True,
                                    initial_states=[states[:2], states[2:]])
    np.testing.assert_allclose(second, np.concatenate([y, y_rev], -1), rtol=2e-5, atol=2e-6)
    bi.reset_states()
    assert all(not np.any(s.numpy()) for s in bi.states)
    np.testing.assert_allclose(_np(bi(X[:, :3])), first, rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="batch size of the input sequences"):
        bi(X[:2])


def test_model_reset_states_reaches_a_bidirectional_layer():
    model = keras.Sequential([keras.Input(batch_shape=(3, 5, 4)),
                              layers.Bidirectional(layers.GRU(2, stateful=True))])
    first = model.predict(X, verbose=0)
    assert not np.allclose(model.predict(X, verbose=0), first)
    model.reset_states()
    np.testing.assert_allclose(model.predict(X, verbose=0), first, rtol=1e-6)


def test_stateful_return_state_gives_the_states_no_mask():
    # Keras 3.15 raises a TypeError in compute_mask here; the states carry no mask.
    bi = layers.Bidirectional(layers.LSTM(2, stateful=True, return_state=True,
                                          return_sequences=True))
    out = bi(X, mask=MASK)
    np.testing.assert_array_equal(_np(out[0]._keras_mask), MASK)
    assert all(getattr(s, "_keras_mask", None) is None for s in out[1:])


def test_reset_state_needs_a_stateful_layer():
    with pytest.raises(AttributeError, match="^Layer must be stateful.$"):
        layers.Bidirectional(layers.LSTM(2)).reset_states()


@pytest.mark.parametrize("kwargs,shape", [
    ({"merge_mode": "concat"}, (None, 5, 6)),
    ({"merge_mode": "sum"}, (None, 5, 3)),
    ({"merge_mode": None}, ((None, 5, 3), (None, 5, 3))),
])
def test_output_shapes_match_the_symbolic_call(kwargs, shape):
    bi = layers.Bidirectional(layers.LSTM(UNITS, return_sequences=True), **kwargs)
    assert bi.compute_output_shape((None, 5, 4)) == shape
    out = layers.Bidirectional(layers.LSTM(UNITS, return_sequences=True), **kwargs)(
        keras.Input((5, 4)))
    got = tuple(tuple(o.shape) for o in out) if isinstance(out, tuple) else tuple(out.shape)
    assert got == shape


def test_return_state_output_shapes():
    bi = layers.Bidirectional(layers.GRU(2, return_state=True), merge_mode=None)
    assert bi.compute_output_shape((None, 5, 4)) == ((None, 2),) * 4
    out = bi(keras.Input((5, 4)))
    assert [tuple(o.shape) for o in out] == [(None, 2)] * 4


def test_masked_padding_gives_the_outputs_of_the_short_sequences():
    inputs = keras.Input((None,), dtype="int32")
    embedded = layers.Embedding(20, 4, mask_zero=True)(inputs)
    sequences = layers.Bidirectional(layers.LSTM(3, return_sequences=True))(embedded)
    assert sequences._keras_mask is not None
    last = layers.Bidirectional(layers.GRU(2), merge_mode="sum")(sequences)
    model = keras.Model(inputs, last)
    ids = np.array([[3, 5, 0, 0], [7, 1, 2, 9]])
    np.testing.assert_allclose(model.predict(ids, verbose=0)[:1],
                               model.predict(ids[:1, :2], verbose=0), rtol=1e-5, atol=1e-6)


def test_trains_and_round_trips_in_a_sequential_model(tmp_path):
    model = keras.Sequential([keras.Input((6, 4)),
                              layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
                              layers.Bidirectional(layers.GRU(3), merge_mode="ave"),
                              layers.Dense(1)])
    model.compile(keras.optimizers.Adam(1e-2), "mse")
    x = RNG.normal(size=(32, 6, 4)).astype("float32")
    y = x[:, :, 0].mean(1, keepdims=True) - x[:, -1, 1:2]
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.7 * first
    for name in ("model.keras", "model.h5"):
        model.save(tmp_path / name)
        reloaded = keras.saving.load_model(tmp_path / name, compile=False)
        np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-6, atol=1e-6)
    other = keras.Sequential.from_config(model.get_config())
    model.save_weights(tmp_path / "model.weights.h5")
    other.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-6)


def test_bad_arguments_name_the_layer_class():
    with pytest.raises(ValueError, match="initialize `Bidirectional` layer with a"):
        layers.Bidirectional(layers.LSTM)
    with pytest.raises(ValueError, match="`backward_layer` need to be a"):
        layers.Bidirectional(layers.LSTM(2), backward_layer="gru")
    with pytest.raises(ValueError, match="Invalid merge mode. Received: max"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="different `go_backwards` value"):
        layers.Bidirectional(layers.LSTM(2, go_backwards=True))
    with pytest.raises(ValueError, match='same value for attribute "return_state"'):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(
            2, go_backwards=True, return_state=True))
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.Bidirectional(layers.LSTM(2))(np.zeros((2, 4), "float32"))
