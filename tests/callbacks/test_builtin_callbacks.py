"""EarlyStopping, ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN and CSVLogger.

Monitored values are injected into the epoch logs by a LambdaCallback placed before the
callback under test (all callbacks share one logs dict), so every expected epoch count and
learning rate is derived by hand from Keras's rules."""

import os
import re

import numpy as np
import pytest

import keras_like as keras
from keras_like import callbacks


def data(n=8, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, d), dtype="float32"), rng.random((n, 1), dtype="float32")


def make_model(lr=0.1, metrics=None):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(lr), "mse", metrics=metrics)
    return model


def inject(name, values):
    """Writes `values[epoch]` into the epoch logs under `name`."""
    return callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: logs.update({name: values[epoch]}))


def fit(model, cbs, epochs, **kwargs):
    x, y = data()
    return model.fit(x, y, batch_size=8, epochs=epochs, callbacks=cbs, verbose=0, shuffle=False,
                     **kwargs)


# ---- EarlyStopping --------------------------------------------------------------------------


def test_early_stopping_stops_after_patience_epochs_without_improvement():
    # With a zero learning rate the loss never changes: epoch 0 sets the best, then `patience`
    # epochs without improvement.
    model = make_model(lr=0.0)
    stop = callbacks.EarlyStopping(monitor="loss", patience=2)
    history = fit(model, [stop], epochs=10)
    assert history.epoch == [0, 1, 2]
    assert stop.stopped_epoch == 2 and stop.wait == 2


def test_early_stopping_restores_the_best_weights():
    snapshots = []
    model = make_model()
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stop = callbacks.EarlyStopping(monitor="score", mode="min", patience=2,
                                   restore_best_weights=True)
    history = fit(model, [inject("score", [3.0, 1.0, 2.0, 2.5, 0.5]), record, stop], epochs=5)
    assert history.epoch == [0, 1, 2, 3]  # best at epoch 1, two epochs of patience
    assert stop.best == 1.0 and stop.best_epoch == 1
    for restored, best in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(restored, best)
    assert not np.array_equal(snapshots[1][0], snapshots[3][0])


def test_early_stopping_keeps_the_last_weights_by_default():
    snapshots = []
    model = make_model()
    record = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    fit(model, [inject("score", [1.0, 2.0, 3.0]), record,
                callbacks.EarlyStopping(monitor="score", mode="min", patience=1)], epochs=3)
    np.testing.assert_array_equal(model.get_weights()[0], snapshots[-1][0])


def test_early_stopping_min_delta_max_mode_and_auto_mode_for_accuracy():
    # In "max" mode an increase smaller than min_delta is no improvement.
    stop = callbacks.EarlyStopping(monitor="score", mode="max", min_delta=0.5, patience=1)
    history = fit(make_model(), [inject("score", [1.0, 1.2, 1.4, 3.0]), stop], epochs=4)
    assert history.epoch == [0, 1]
    # "accuracy" is maximized in auto mode (the compiled metric says so), "val_loss"
    # minimized; a name auto mode cannot place is an error.
    stop = callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    fit(make_model(metrics=["accuracy"]), [stop], epochs=1, validation_split=0.25)
    assert stop.monitor_op is keras.ops.greater and stop.min_delta == 0
    stop = callbacks.EarlyStopping(monitor="val_loss", min_delta=0.1)
    fit(make_model(), [stop], epochs=1, validation_split=0.25)
    assert stop.monitor_op is keras.ops.less and stop.min_delta == -0.1
    with pytest.raises(ValueError, match="EarlyStopping callback received monitor=score, but "
                                         "Keras isn't able to automatically determine"):
        fit(make_model(), [callbacks.EarlyStopping(monitor="score")], epochs=1)


def test_early_stopping_baseline_and_start_from_epoch():
    # Improvements that do not beat the baseline do not reset the wait, so the first
    # epoch without improvement already exhausts the patience.
    scores = [3.0, 2.0, 2.0, 2.0, 2.0, 2.0]
    stop = callbacks.EarlyStopping(monitor="score", mode="min", baseline=0.5, patience=2)
    assert fit(make_model(), [inject("score", scores), stop], epochs=6).epoch == [0, 1, 2]
    stop = callbacks.EarlyStopping(monitor="score", mode="min", patience=2)
    assert fit(make_model(), [inject("score", scores), stop], epochs=6).epoch == [0, 1, 2, 3]
    # Epochs before `start_from_epoch` are not monitored.
    stop = callbacks.EarlyStopping(monitor="score", mode="min", patience=1, start_from_epoch=3)
    history = fit(make_model(), [inject("score", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]), stop],
                  epochs=6)
    assert history.epoch == [0, 1, 2, 3, 4]


def test_early_stopping_warns_when_the_metric_is_missing():
    stop = callbacks.EarlyStopping()  # monitors val_loss
    with pytest.warns(UserWarning, match="Early stopping conditioned on metric `val_loss` which "
                                         "is not available. Available metrics are: loss"):
        history = fit(make_model(), [stop], epochs=3)
    assert history.epoch == [0, 1, 2]


def test_early_stopping_unknown_mode_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'bigger' is unknown, fallback to "
                                         "auto mode."):
        stop = callbacks.EarlyStopping(mode="bigger")
    assert stop.mode == "auto"


def test_early_stopping_verbose_messages_and_reuse(capsys):
    stop = callbacks.EarlyStopping(monitor="loss", patience=1, verbose=1,
                                   restore_best_weights=True)
    model = make_model(lr=0.0)
    fit(model, [stop], epochs=5)
    assert capsys.readouterr().out.splitlines() == [
        "Epoch 2: early stopping", "Restoring model weights from the end of the best epoch: 1."]
    # A second fit starts from a clean state.
    history = fit(model, [stop], epochs=5)
    assert history.epoch == [0, 1]


# ---- ReduceLROnPlateau ----------------------------------------------------------------------


def test_reduce_lr_on_plateau_reduces_after_patience():
    model = make_model(lr=0.1)
    reduce = callbacks.ReduceLROnPlateau(monitor="score", mode="min", factor=0.5, patience=2)
    history = fit(model, [inject("score", [5.0, 4.0, 4.0, 4.0, 4.0, 4.0]), reduce], epochs=6)
    # The logs show the rate the epoch trained with; the reduction applies to the next one.
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.1, 0.1, 0.1, 0.1, 0.05, 0.05], rtol=1e-6)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.025, rtol=1e-6)


def test_reduce_lr_on_plateau_cooldown_and_min_lr():
    model = make_model(lr=0.1)
    reduce = callbacks.ReduceLROnPlateau(monitor="score", mode="min", factor=0.5, patience=1,
                                         cooldown=2)
    history = fit(model, [inject("score", [5.0] * 7), reduce], epochs=7)
    np.testing.assert_allclose(history.history["learning_rate"],
                               [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125], rtol=1e-6)
    model = make_model(lr=0.1)
    reduce = callbacks.ReduceLROnPlateau(monitor="score", mode="min", factor=0.1, patience=1,
                                         min_lr=0.005)
    fit(model, [inject("score", [5.0] * 6), reduce], epochs=6)
    np.testing.assert_allclose(float(model.optimizer.learning_rate), 0.005, rtol=1e-6)


def test_reduce_lr_on_plateau_changes_the_rate_the_optimizer_uses():
    x, y = data()
    model = make_model(lr=0.1)
    reduce = callbacks.ReduceLROnPlateau(monitor="score", mode="min", factor=0.5, patience=1)
    model.fit(x, y, batch_size=8, epochs=2, verbose=0,
              callbacks=[inject("score", [1.0, 1.0]), reduce])
    w_before = [w.copy() for w in model.get_weights()]
    # One SGD step by hand at the reduced rate 0.05.
    kernel, bias = w_before
    err = x @ kernel + bias - y
    expected = kernel - 0.05 * (2.0 / len(x)) * x.T @ err
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    np.testing.assert_allclose(model.get_weights()[0], expected, rtol=1e-5, atol=1e-7)


def test_reduce_lr_on_plateau_errors_and_warnings():
    with pytest.raises(ValueError, match="does not support a factor >= 1.0. Received factor=1.5"):
        callbacks.ReduceLROnPlateau(factor=1.5)
    reduce = callbacks.ReduceLROnPlateau(monitor="val_loss")
    with pytest.warns(UserWarning, match="Learning rate reduction is conditioned on metric "
                                         "`val_loss` which is not available. Available metrics "
                                         "are: loss,learning_rate."):
        fit(make_model(), [reduce], epochs=1)
    with pytest.raises(ValueError, match="isn't able to automatically determine"):
        fit(make_model(), [inject("score", [1.0]),
                           callbacks.ReduceLROnPlateau(monitor="score")], epochs=1)


def test_reduce_lr_on_plateau_verbose(capsys):
    reduce = callbacks.ReduceLROnPlateau(monitor="score", mode="min", factor=0.5, patience=1,
                                         verbose=1)
    fit(make_model(lr=0.1), [inject("score", [1.0, 1.0]), reduce], epochs=2)
    assert re.search(r"^Epoch 2: ReduceLROnPlateau reducing learning rate to 0\.05",
                     capsys.readouterr().out, re.M)


# ---- LearningRateScheduler ------------------------------------------------------------------


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    x, y = data()
    model = make_model(lr=0.5)
    seen_lr = []
    scheduler = callbacks.LearningRateScheduler(
        lambda epoch, lr: (seen_lr.append(lr), 0.1 / (epoch + 1))[1])
    history = model.fit(x, y, batch_size=8, epochs=3, callbacks=[scheduler], verbose=0)
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.05, 0.1 / 3],
                               rtol=1e-6)
    np.testing.assert_allclose(seen_lr, [0.5, 0.1, 0.05], rtol=1e-6)
    # The weights follow three SGD steps at those rates (zero-initialized by hand).
    model = make_model()
    model.set_weights([np.zeros((3, 1), "float32"), np.zeros((1,), "float32")])
    model.fit(x, y, batch_size=8, epochs=3, verbose=0,
              callbacks=[callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))])
    kernel, bias = np.zeros((3, 1)), np.zeros((1,))
    for lr in (0.1, 0.05, 0.1 / 3):
        err = x @ kernel + bias - y
        kernel, bias = kernel - lr * 2 / 8 * x.T @ err, bias - lr * 2 / 8 * err.sum(0)
    np.testing.assert_allclose(model.get_weights()[0], kernel, rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[1], bias, rtol=1e-5)


def test_learning_rate_scheduler_one_argument_schedule_and_errors(capsys):
    model = make_model()
    fit(model, [callbacks.LearningRateScheduler(lambda epoch: 0.25, verbose=1)], epochs=1)
    assert float(model.optimizer.learning_rate) == 0.25
    assert "Epoch 1: LearningRateScheduler setting learning rate to 0.25." in \
        capsys.readouterr().out
    with pytest.raises(ValueError, match="The output of the `schedule` function should be a "
                                         "float. Got: 1"):
        fit(make_model(), [callbacks.LearningRateScheduler(lambda epoch, lr: 1)], epochs=1)


# ---- TerminateOnNaN -------------------------------------------------------------------------


def nan_data():
    x, y = data(n=12)
    y[0, 0] = np.nan  # the first batch's loss is NaN
    return x, y


def test_terminate_on_nan_stops_training_at_the_nan_batch(capsys):
    x, y = nan_data()
    batches = []
    count = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b))
    model = make_model()
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                        callbacks=[callbacks.TerminateOnNaN(), count])
    assert batches == [0]
    assert history.epoch == [0] and np.isnan(history.history["loss"][0])
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_terminate_on_nan_can_raise_and_ignores_finite_losses():
    x, y = nan_data()
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        make_model().fit(x, y, batch_size=4, shuffle=False, verbose=0,
                         callbacks=[callbacks.TerminateOnNaN(raise_error=True)])
    history = fit(make_model(), [callbacks.TerminateOnNaN()], epochs=3)
    assert history.epoch == [0, 1, 2]


# ---- CSVLogger ------------------------------------------------------------------------------


def classifier():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model


def test_csv_logger_writes_keras_layout(tmp_path):
    x, _ = data(n=20)
    y = (x[:, 0] > 0.5).astype("float32")
    path = tmp_path / "log.csv"
    history = classifier().fit(x, y, epochs=2, validation_split=0.2, verbose=0,
                               callbacks=[callbacks.CSVLogger(path)])
    with open(path, newline="") as f:
        raw = f.read()
    h = history.history
    keys = ["accuracy", "loss", "val_accuracy", "val_loss"]
    expected = "epoch," + ",".join(keys) + "\r\n" + "".join(
        ",".join([str(epoch)] + [repr(h[k][epoch]) for k in keys]) + "\r\n" for epoch in (0, 1))
    assert raw == expected


def test_csv_logger_separator_and_missing_validation_columns(tmp_path):
    path = os.path.join(tmp_path, "log.tsv")
    history = fit(make_model(metrics=["mae"]), [callbacks.CSVLogger(path, separator="\t")],
                  epochs=2)
    lines = open(path).read().splitlines()
    assert lines[0] == "epoch\tloss\tmae\tval_loss\tval_mae"
    assert lines[1] == f"0\t{history.history['loss'][0]!r}\t{history.history['mae'][0]!r}\tNA\tNA"
    assert len(lines) == 3


def test_csv_logger_append_continues_the_file(tmp_path):
    path = tmp_path / "log.csv"
    model = make_model()
    fit(model, [callbacks.CSVLogger(path)], epochs=2)
    fit(model, [callbacks.CSVLogger(path, append=True)], epochs=4, initial_epoch=2)
    lines = open(path).read().splitlines()
    assert lines[0] == "epoch,loss,val_loss"
    assert [line.split(",")[0] for line in lines[1:]] == ["0", "1", "2", "3"]
    # Without append the file starts over.
    fit(model, [callbacks.CSVLogger(path)], epochs=1)
    assert len(open(path).read().splitlines()) == 2


def test_csv_logger_writes_iterables_quoted(tmp_path):
    path = tmp_path / "log.csv"
    fit(make_model(), [inject("vec", [np.array([1, 2])]), callbacks.CSVLogger(path)], epochs=1)
    lines = open(path).read().splitlines()
    assert lines[0] == "epoch,loss,vec,val_loss,val_vec"
    assert lines[1].endswith(',"""[1, 2]""",NA,NA')
