"""TimeDistributed and the Wrapper base against NumPy references, through run_layer_test;
the merged-batch path against Keras's per-step loop. tests/layers/test_wrapper_fixtures.py
compares both with real Keras."""

import numpy as np
import pytest
import rnn_reference as ref
from conv_reference import np_conv
from layer_check import run_layer_test

import keras_like as keras
from keras_like import layers, ops
from keras_like.layers.rnn import time_distributed

RNG = np.random.default_rng(31)
# The wrapped layer keeps its own dtype policy (as in Keras): the float64 gradient check
# needs a float64 wrapped layer, whose output stays float64 (its `call` runs directly, as
# in Keras, so nothing casts it back).
F64 = {"dtype": "float64"}
F64_OUT = {"expected_output_dtype": "float64"}


def _np(x):
    return ops.convert_to_numpy(x)


def test_dense_contract():
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    run_layer_test(layers.TimeDistributed, init_kwargs={"layer": layers.Dense(3, **F64)},
                   input_data=x, reference=lambda x, kernel, bias: x @ kernel + bias,
                   expected_output_shape=(2, 4, 3), expected_num_trainable_weights=2,
                   supports_masking=True, **F64_OUT)


def test_conv2d_contract():
    x = RNG.normal(size=(2, 3, 6, 6, 2)).astype("float32")

    def reference(x, kernel, bias):
        steps = [np_conv(x[:, t], kernel, (1, 1), "same", (1, 1), 1) + bias
                 for t in range(x.shape[1])]
        return np.stack(steps, 1)
    run_layer_test(layers.TimeDistributed,
                   init_kwargs={"layer": layers.Conv2D(4, 3, padding="same", **F64)},
                   input_data=x, reference=reference, expected_output_shape=(2, 3, 6, 6, 4),
                   expected_num_trainable_weights=2, atol=1e-5, rtol=1e-5, **F64_OUT)


def _lstm_steps(x, mask, weights):
    """NumPy LSTM(2) applied to each slice x[:, t] (batch, inner time, features)."""
    outs = []
    for t in range(x.shape[1]):
        last, _, _ = ref.run(ref.lstm_step(2), x[:, t], weights, ref.zeros_states(len(x), 2, 2),
                             mask=None if mask is None else mask[:, t])
        outs.append(last)
    return np.stack(outs, 1)


def test_lstm_contract_with_a_mask_per_step():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    mask = RNG.random((2, 3, 4)) > 0.3
    mask[:, :, 0] = True
    run_layer_test(layers.TimeDistributed, init_kwargs={"layer": layers.LSTM(2, **F64)},
                   input_data={"inputs": x, "mask": mask},
                   reference=lambda inputs, *w: _lstm_steps(inputs["inputs"], inputs["mask"],
                                                            w),
                   expected_output_shape=(2, 3, 2), expected_num_trainable_weights=3,
                   atol=2e-6, rtol=2e-5, **F64_OUT)


def _batch_norm_per_step(x, gamma, beta, mean, variance, training, epsilon=1e-3):
    if not training:
        return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta
    steps = [(x[:, t] - x[:, t].mean(0)) / np.sqrt(x[:, t].var(0) + epsilon) * gamma + beta
             for t in range(x.shape[1])]
    return np.stack(steps, 1)


def test_batch_normalization_normalizes_each_time_step_on_its_own():
    # As Keras's loop over time steps: training statistics come from each slice, not from
    # the merged (batch * time) rows.
    x = (RNG.normal(size=(4, 3, 2)) * np.array([1.0, 3.0]) +
         np.arange(3)[None, :, None]).astype("float32")
    run_layer_test(layers.TimeDistributed,
                   # momentum=1: the training calls of the contract leave the moving
                   # statistics as they are (their update is checked below).
                   init_kwargs={"layer": layers.BatchNormalization(momentum=1.0, **F64)},
                   input_data=x,
                   reference=lambda x, *w: _batch_norm_per_step(x, *w, training=False),
                   training_reference=lambda x, *w: _batch_norm_per_step(x, *w, training=True),
                   expected_num_trainable_weights=2, expected_num_non_trainable_weights=2,
                   atol=1e-5, rtol=1e-5, **F64_OUT)
    layer = layers.TimeDistributed(layers.BatchNormalization(momentum=0.5))
    layer(x, training=True)
    mean = layer.layer.moving_mean.numpy()
    want = np.zeros(2)  # the initial moving mean
    for t in range(3):  # one moving-average update per time step, in order
        want = 0.5 * want + 0.5 * x[:, t].mean(0)
    np.testing.assert_allclose(mean, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("make,shape", [
    (lambda: layers.Dense(3, activation="relu"), (2, 4, 5)),
    (lambda: layers.Dense(3), (2, 3, 4, 5)),
    (lambda: layers.Conv2D(2, 3, strides=2), (2, 3, 7, 7, 2)),
    (lambda: layers.MaxPooling2D(), (2, 3, 4, 4, 2)),
    (lambda: layers.Flatten(), (2, 3, 4, 2)),
    (lambda: layers.LayerNormalization(), (2, 3, 5)),
])
def test_merged_batch_equals_the_per_step_loop(make, shape, monkeypatch):
    x = RNG.normal(size=shape).astype("float32")
    layer = layers.TimeDistributed(make())
    merged = _np(layer(x))
    assert type(layer.layer).call in time_distributed._ROW_WISE_CALLS
    monkeypatch.setattr(time_distributed, "_ROW_WISE_CALLS", frozenset())
    np.testing.assert_allclose(_np(layer(x)), merged, rtol=1e-6, atol=1e-6)


def test_a_subclass_with_its_own_call_runs_per_step():
    class RowMix(layers.Dense):  # mixes the rows of a batch: a merged batch would differ
        def call(self, inputs):
            return super().call(inputs) - ops.mean(inputs, axis=0, keepdims=True)[..., :1]

    x = RNG.normal(size=(2, 3, 4)).astype("float32")
    layer = layers.TimeDistributed(RowMix(1, kernel_initializer="zeros"))
    want = np.stack([-x[:, t].mean(0, keepdims=True)[..., :1].repeat(2, 0) for t in range(3)], 1)
    np.testing.assert_allclose(_np(layer(x)), want, rtol=1e-6, atol=1e-7)


def test_embedding_of_integer_steps():
    ids = RNG.integers(0, 10, size=(2, 3, 4)).astype("int32")
    layer = layers.TimeDistributed(layers.Embedding(10, 3))
    out = _np(layer(ids))
    np.testing.assert_array_equal(out, layer.layer.embeddings.numpy()[ids])


def test_mask_passes_through_and_reaches_a_layer_that_takes_one():
    x = RNG.normal(size=(2, 4, 3)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 0, 1, 1]], bool)
    out = layers.TimeDistributed(layers.Dense(2))(x, mask=mask)
    np.testing.assert_array_equal(_np(out._keras_mask), mask)
    inputs = keras.Input((4, 3))
    masked = layers.Masking(0.0)(inputs)
    assert layers.TimeDistributed(layers.Dense(2))(masked)._keras_mask is not None
    # GlobalAveragePooling1D takes a mask: each step gets its (batch, inner time) slice.
    x4 = RNG.normal(size=(2, 3, 4, 2)).astype("float32")
    inner_mask = RNG.random((2, 3, 4)) > 0.4
    inner_mask[..., 0] = True
    pooled = _np(layers.TimeDistributed(layers.GlobalAveragePooling1D())(x4, mask=inner_mask))
    weights = inner_mask[..., None].astype("float32")
    np.testing.assert_allclose(pooled, (x4 * weights).sum(2) / weights.sum(2), rtol=1e-6,
                               atol=1e-7)


def test_training_reaches_the_wrapped_layer():
    x = np.ones((4, 3, 50), "float32")
    layer = layers.TimeDistributed(layers.Dropout(0.5, seed=2))
    np.testing.assert_array_equal(_np(layer(x)), x)
    trained = _np(layer(x, training=True))
    assert set(np.unique(trained)) == {0.0, 2.0}
    # One draw per time step, as Keras's loop makes.
    assert not np.array_equal(trained[:, 0], trained[:, 1])


@pytest.mark.parametrize("make,shape,expected", [
    (lambda: layers.Dense(3), (None, None, 5), (None, None, 3)),
    (lambda: layers.Conv2D(4, 3), (None, 7, 8, 8, 2), (None, 7, 6, 6, 4)),
    (lambda: layers.LSTM(2, return_sequences=True), (None, 3, 4, 5), (None, 3, 4, 2)),
])
def test_output_shapes_match_the_symbolic_call(make, shape, expected):
    assert layers.TimeDistributed(make()).compute_output_shape(shape) == expected
    out = layers.TimeDistributed(make())(keras.Input(batch_shape=shape))
    assert tuple(out.shape) == expected


def test_weights_are_shared_across_steps_and_named_like_keras():
    model = keras.Sequential([keras.Input((5, 4)), layers.TimeDistributed(layers.Dense(3))])
    layer = model.layers[0]
    assert [w.path for w in model.weights] == [
        f"{model.name}/{layer.name}/{layer.layer.name}/{w}" for w in ("kernel", "bias")]
    assert layer.layer.get_build_config() == {"input_shape": [None, 4]}
    assert layer.get_build_config() == {"input_shape": [None, 5, 4]}


def test_a_layer_without_build_gets_no_build_config():
    # Keras builds such layers when they are made, so their config has no build_config.
    layer = layers.TimeDistributed(layers.Flatten())
    layer(np.zeros((2, 3, 4, 2), "float32"))
    assert layer.layer.built and layer.layer.get_build_config() is None
    assert "build_config" not in layer.get_config()["layer"]


def test_trains_and_round_trips_in_a_sequential_model(tmp_path):
    model = keras.Sequential([keras.Input((4, 6, 6, 1)),
                              layers.TimeDistributed(layers.Conv2D(3, 3, activation="relu")),
                              layers.TimeDistributed(layers.GlobalAveragePooling2D()),
                              layers.LSTM(4), layers.Dense(1)])
    model.compile(keras.optimizers.Adam(1e-2), "mse")
    x = RNG.normal(size=(16, 4, 6, 6, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3, 4))[:, None] * 10
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=25, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.5 * first
    for name in ("model.keras", "model.h5"):
        model.save(tmp_path / name)
        reloaded = keras.saving.load_model(tmp_path / name, compile=False)
        np.testing.assert_allclose(reloaded.predict(x, verbose=0), model.predict(x, verbose=0),
                                   rtol=1e-6, atol=1e-6)


def test_wrapper_builds_and_serializes_its_layer():
    wrapper = layers.Wrapper(layers.Dense(3, name="inner"), name="wrap")
    wrapper.build((None, 4))
    assert [w.path for w in wrapper.weights] == ["wrap/inner/kernel", "wrap/inner/bias"]
    config = wrapper.get_config()
    assert config["layer"]["class_name"] == "Dense"
    clone = layers.Wrapper.from_config(config)
    assert type(clone.layer) is layers.Dense and clone.layer.name == "inner"
    assert clone.layer.built  # from the inner layer's build_config
    with pytest.raises(NotImplementedError):
        wrapper(np.zeros((2, 4), "float32"))


def test_bad_arguments_name_the_layer_class():
    with pytest.raises(ValueError, match="initialize `TimeDistributed` layer with a"):
        layers.TimeDistributed(layers.Dense)
    with pytest.raises(ValueError, match="supplied to Wrapper isn't a supported layer type"):
        layers.Wrapper("dense")
    layer = layers.TimeDistributed(layers.Dense(2))
    with pytest.raises(ValueError, match="at least 3 dimensions, received: \\(2, 3\\)"):
        layer(np.zeros((2, 3), "float32"))
    x = np.zeros((2, 4, 3), "float32")
    with pytest.raises(ValueError, match="must be at least 2D"):
        layer(x, mask=np.ones((2,), bool))
    with pytest.raises(ValueError, match="Expected mask shape prefix: \\(2, 4\\)"):
        layer(x, mask=np.ones((2, 5), bool))
