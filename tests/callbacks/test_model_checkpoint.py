"""ModelCheckpoint: Keras's file names, checks, monitor rules and saving frequencies."""

import os
import warnings

import numpy as np
import pytest

import keras_like as keras
from keras_like import callbacks, layers
from keras_like.callbacks.callback_list import CallbackList

RNG = np.random.default_rng(42)
X = RNG.standard_normal((30, 3)).astype("float32")
Y = keras.utils.to_categorical(RNG.integers(0, 3, 30), 3)
X_VAL = RNG.standard_normal((30, 3)).astype("float32")
Y_VAL = keras.utils.to_categorical(RNG.integers(0, 3, 30), 3)


def _model(learning_rate=0.001):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(5, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"],
                  optimizer=keras.optimizers.Adam(learning_rate))
    return model


def _fit(checkpoint, model=None, epochs=1, batch_size=5, validation=True, **kwargs):
    model = model or _model()
    history = model.fit(X, Y, batch_size=batch_size, epochs=epochs, verbose=0,
                        validation_data=(X_VAL, Y_VAL) if validation else None,
                        callbacks=[checkpoint], **kwargs)
    return model, history


# ---- arguments -------------------------------------------------------------------------------

def test_weights_only_needs_a_weights_h5_path():
    with pytest.raises(ValueError, match=r"When using `save_weights_only=True` in "
                                         r"`ModelCheckpoint`, the filepath provided must end "
                                         r"in `\.weights\.h5` \(Keras weights format\)\. "
                                         r"Received: filepath=ckpt\.keras"):
        callbacks.ModelCheckpoint("ckpt.keras", save_weights_only=True)


@pytest.mark.parametrize("filepath", ["ckpt", "ckpt.ckpt", "ckpt.tf"])
def test_full_model_needs_a_keras_path(filepath):
    with pytest.raises(ValueError, match=r"The filepath provided must end in `\.keras` \(Keras "
                                         rf"model format\)\. Received: filepath={filepath}$"):
        callbacks.ModelCheckpoint(filepath)


def test_accepted_paths(tmp_path):
    callbacks.ModelCheckpoint(tmp_path / "ckpt.keras")  # a PathLike
    callbacks.ModelCheckpoint("ckpt.h5")
    callbacks.ModelCheckpoint("ckpt.weights.h5", save_weights_only=True)


@pytest.mark.parametrize("save_freq", ["invalid_save_freq", 1.5, None])
def test_invalid_save_freq(save_freq):
    with pytest.raises(ValueError, match=f"Unrecognized save_freq: {save_freq}. Expected "
                                         "save_freq are 'epoch' or integer values"):
        callbacks.ModelCheckpoint("ckpt.keras", save_freq=save_freq)


def test_unknown_mode_warns_and_uses_auto():
    with pytest.warns(UserWarning, match="ModelCheckpoint mode 'unknown' is unknown, "
                                         "fallback to auto mode"):
        checkpoint = callbacks.ModelCheckpoint("ckpt.keras", mode="unknown")
    assert checkpoint.mode == "auto"


def test_epoch_frequency_does_not_hook_the_batches():
    """A batch hook would make fit compute the batch logs at every step."""
    model = _model()
    per_epoch = CallbackList([callbacks.ModelCheckpoint("c.keras")], model=model)
    per_batch = CallbackList([callbacks.ModelCheckpoint("c.keras", save_freq=2)], model=model)
    assert not per_epoch.train_batch_logs_needed()
    assert per_batch.train_batch_logs_needed()


# ---- what is saved, and where ----------------------------------------------------------------

def test_saves_the_model_every_epoch_into_a_new_folder(tmp_path):
    filepath = tmp_path / "subdir" / "checkpoint.keras"
    model, _ = _fit(callbacks.ModelCheckpoint(filepath), epochs=2)
    restored = keras.models.load_model(filepath)
    np.testing.assert_array_equal(restored.predict(X, verbose=0), model.predict(X, verbose=0))
    assert int(restored.optimizer.iterations.numpy()) == 12


def test_weights_only_saves_weights_and_optimizer(tmp_path):
    filepath = tmp_path / "checkpoint.weights.h5"
    model, _ = _fit(callbacks.ModelCheckpoint(filepath, save_weights_only=True), epochs=2)
    other = _model()
    other.optimizer.build(other.trainable_variables)
    other.load_weights(filepath)
    for got, want in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert int(other.optimizer.iterations.numpy()) == 12


def test_file_names_from_epoch_and_logs(tmp_path):
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    _, history = _fit(callbacks.ModelCheckpoint(pattern), epochs=3)
    expected = {f"ckpt-{e + 1:02d}-{loss:.2f}.keras"
                for e, loss in enumerate(history.history["val_loss"])}
    assert set(os.listdir(tmp_path)) == expected


def test_integer_save_freq_counts_batches_across_epochs(tmp_path):
    pattern = str(tmp_path / "checkpoint.epoch{epoch:02d}.weights.h5")
    # 5 batches an epoch: every 15 batches is the end of every 3rd epoch.
    _fit(callbacks.ModelCheckpoint(pattern, save_freq=15, save_weights_only=True),
         epochs=10, batch_size=6)
    assert sorted(os.listdir(tmp_path)) == [f"checkpoint.epoch{e:02d}.weights.h5"
                                            for e in (3, 6, 9)]


def test_batch_placeholder(tmp_path):
    pattern = str(tmp_path / "checkpoint.epoch{epoch:02d}batch{batch:02d}.keras")
    _fit(callbacks.ModelCheckpoint(pattern, save_freq=1), epochs=2, batch_size=15)
    assert sorted(os.listdir(tmp_path)) == [f"checkpoint.epoch{e:02d}batch{b:02d}.keras"
                                            for e in (1, 2) for b in (1, 2)]


def test_unknown_placeholder(tmp_path):
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "{epoch}-{nope}.keras"))
    with pytest.raises(KeyError, match=r'Failed to format this callback filepath: ".*'
                                       r'\{epoch\}-\{nope\}\.keras"\. Reason: .*nope'):
        _fit(checkpoint)


def test_directory_filepath(tmp_path):
    (tmp_path / "taken.keras").mkdir()
    with pytest.raises(OSError, match="Please specify a non-directory filepath for "
                                      "ModelCheckpoint. Filepath used is an existing "
                                      "directory: .*taken.keras"):
        _fit(callbacks.ModelCheckpoint(str(tmp_path / "taken.keras")))


# ---- save_best_only --------------------------------------------------------------------------

def _improving_epochs(values, better):
    best, epochs = None, []
    for epoch, value in enumerate(values):
        if best is None or better(value, best):
            best = value
            epochs.append(epoch + 1)
    return epochs


def _saved_epochs(folder):
    return sorted(int(name.split(".")[0]) for name in os.listdir(folder))


@pytest.mark.parametrize("mode", ["auto", "min"])
def test_best_only_lower_loss(tmp_path, mode):
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "{epoch}.weights.h5"), mode=mode,
                                           save_best_only=True, save_weights_only=True)
    model = _model(learning_rate=1.2)  # a validation loss that goes up and down
    _, history = _fit(checkpoint, model=model, epochs=8)
    expected = _improving_epochs(history.history["val_loss"], lambda a, b: a < b)
    assert _saved_epochs(tmp_path) == expected
    assert 2 < len(expected) < 8
    assert checkpoint.best == min(history.history["val_loss"])


@pytest.mark.parametrize("mode", ["auto", "max"])
def test_best_only_higher_accuracy(tmp_path, mode):
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "{epoch}.weights.h5"),
                                           monitor="val_accuracy", mode=mode,
                                           save_best_only=True, save_weights_only=True)
    model = _model(learning_rate=0.5)
    _, history = _fit(checkpoint, model=model, epochs=8)
    expected = _improving_epochs(history.history["val_accuracy"], lambda a, b: a > b)
    assert _saved_epochs(tmp_path) == expected
    assert 2 < len(expected) < 8


def test_best_only_overwrites_one_file(tmp_path):
    filepath = tmp_path / "best.keras"
    checkpoint = callbacks.ModelCheckpoint(filepath, save_best_only=True)
    _fit(checkpoint, epochs=3)
    assert os.listdir(tmp_path) == ["best.keras"]


def test_auto_mode_needs_a_known_direction(tmp_path):
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "c.keras"), monitor="val_custom",
                                           save_best_only=True)
    with pytest.raises(ValueError, match="ModelCheckpoint callback received "
                                         "monitor=val_custom, but Keras isn't able to "
                                         "automatically determine"):
        _fit(checkpoint)


@pytest.mark.parametrize("mode, threshold, saved", [
    ("min", 0.0, False),      # no loss beats 0
    ("auto", 0.0, False),
    ("auto", 1e9, True),
    ("max", -0.01, True),     # monitoring val_accuracy: any accuracy beats -0.01
    ("max", 1.01, False),
])
def test_initial_value_threshold(tmp_path, mode, threshold, saved):
    monitor = "val_accuracy" if mode == "max" else "val_loss"
    filepath = tmp_path / "c.keras"
    checkpoint = callbacks.ModelCheckpoint(filepath, monitor=monitor, mode=mode,
                                           save_best_only=True,
                                           initial_value_threshold=threshold)
    _fit(checkpoint)
    assert os.path.exists(filepath) == saved


def test_missing_monitor_warns_and_saves(tmp_path):
    filepath = tmp_path / "c.keras"
    checkpoint = callbacks.ModelCheckpoint(filepath, monitor="val_loss", save_best_only=True)
    with pytest.warns(UserWarning, match="Can save best model only with val_loss available"):
        _fit(checkpoint, validation=False)
    assert os.path.exists(filepath)


def test_batch_level_best_only_uses_the_batch_logs(tmp_path):
    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "{epoch}-{batch}.weights.h5"),
                                           monitor="loss", save_best_only=True, save_freq=1,
                                           save_weights_only=True)
    model = _model(learning_rate=0.5)
    seen = []
    record = callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(
        logs["loss"]))
    model.fit(X, Y, batch_size=5, epochs=2, verbose=0, callbacks=[checkpoint, record])
    expected = _improving_epochs(seen, lambda a, b: a < b)
    saved = sorted(
        (int(e) - 1) * 6 + int(b) for e, b in
        (name.split(".")[0].split("-") for name in os.listdir(tmp_path)))
    assert saved == expected


# ---- messages --------------------------------------------------------------------------------

def test_verbose_messages(tmp_path, capsys):
    filepath = str(tmp_path / "c.keras")
    checkpoint = callbacks.ModelCheckpoint(filepath, save_best_only=True, verbose=1,
                                           initial_value_threshold=1e9)
    model = _model(learning_rate=1.2)
    _, history = _fit(checkpoint, model=model, epochs=8)
    out = capsys.readouterr().out
    first = history.history["val_loss"][0]
    assert (f"Epoch 1: val_loss improved from 1000000000.00000 to {first:.5f}, saving model "
            f"to {filepath}") in out
    assert f"Epoch 1: finished saving model to {filepath}" in out
    assert "did not improve from" in out

    checkpoint = callbacks.ModelCheckpoint(filepath, verbose=1)
    _fit(checkpoint)
    assert f"Epoch 1: saving model to {filepath}" in capsys.readouterr().out


def test_silent_by_default(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fit(callbacks.ModelCheckpoint(str(tmp_path / "c.keras"), save_best_only=True))
    assert capsys.readouterr().out == ""
