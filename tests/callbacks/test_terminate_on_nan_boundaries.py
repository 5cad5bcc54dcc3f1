"""TerminateOnNaN on the boundary cases Keras also stops on: +inf, -inf and float32 overflow
(keras/src/callbacks/terminate_on_nan.py checks `np.isnan(loss) or np.isinf(loss)`)."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import callbacks, ops


def _model(loss="mse", learning_rate=0.01):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(learning_rate), loss)
    return model


def _data(n=12):
    rng = np.random.default_rng(0)
    return rng.random((n, 3), dtype="float32"), rng.random((n, 1), dtype="float32")


def _fit(model, x, y, callback):
    batches = []
    count = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b))
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                        callbacks=[callback, count])
    return batches, history


@pytest.mark.parametrize("bad_batch", [0, 1, 2])
@pytest.mark.parametrize("target", [np.inf, -np.inf, 3e19], ids=["inf", "-inf", "overflow"])
def test_stops_at_the_first_infinite_loss(bad_batch, target, capsys):
    x, y = _data()
    y[4 * bad_batch, 0] = target  # (pred - target)^2 is +inf (3e19 squared overflows float32)
    batches, history = _fit(_model(), x, y, callbacks.TerminateOnNaN())
    assert batches == list(range(bad_batch + 1))
    assert history.epoch == [0]
    assert np.isposinf(history.history["loss"][0])
    assert f"Batch {bad_batch}: Invalid loss, terminating training" in capsys.readouterr().out


def _negative_infinite_loss(y_true, y_pred):
    return ops.mean(ops.log(ops.zeros_like(y_pred)) + y_pred * 0.0, axis=-1)


def test_stops_on_negative_infinity_and_raises_when_asked():
    x, y = _data()
    batches, history = _fit(_model(_negative_infinite_loss), x, y, callbacks.TerminateOnNaN())
    assert batches == [0] and np.isneginf(history.history["loss"][0])
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        _fit(_model(_negative_infinite_loss), x, y, callbacks.TerminateOnNaN(raise_error=True))


def test_largest_finite_loss_does_not_stop_training():
    x, y = _data()
    y[0, 0] = 1e18  # (1e18)^2 = 1e36 < float32 max: large but finite
    # Learning rate 0 keeps the weights (and so every loss) where they are.
    batches, history = _fit(_model(learning_rate=0.0), x, y, callbacks.TerminateOnNaN())
    assert history.epoch == [0, 1, 2] and len(batches) == 9
    assert all(np.isfinite(history.history["loss"]))
