"""BackupAndRestore: Keras's behaviour, exact mid-epoch resumption, and backups that survive
a process killed at any moment (checked with real child processes)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import keras_like as keras
from keras_like import callbacks, layers

CHILD = os.path.join(os.path.dirname(__file__), "backup_child.py")


class Interrupt(callbacks.Callback):
    """Raises after the n-th batch or epoch of a run (counted from the callback's creation)."""

    def __init__(self, batches=None, epochs=None):
        super().__init__()
        self.batches, self.epochs = batches, epochs
        self.batch_count = self.epoch_count = 0

    def on_batch_end(self, batch, logs=None):
        self.batch_count += 1
        if self.batch_count == self.batches:
            raise RuntimeError("StepsInterruption")

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_count += 1
        if self.epoch_count == self.epochs:
            raise RuntimeError("EpochInterruption")


class Canary(layers.Layer):
    """Counts its calls in a non-trainable weight (so the count is in the backup)."""

    def __init__(self):
        super().__init__()
        self.counter = self.add_weight(shape=(), initializer="zeros", dtype="float32",
                                       trainable=False)

    def call(self, x):
        self.counter.assign_add(1.0)
        return x


def _canary_model():
    model = keras.Sequential([keras.Input((3,)), Canary(), layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd", metrics=["mse"])
    return model


def _calls(model):
    """The training calls the canary counted (building the model calls it too)."""
    return int(model.layers[0].counter.numpy()) - _BUILD_CALLS


_BUILD_CALLS = int(_canary_model().layers[0].counter.numpy())


def _data(n=10):
    rng = np.random.default_rng(0)
    return rng.random((n, 3)).astype("float32"), rng.random((n, 1)).astype("float32")


def _fit_interrupted(model, backup, interrupt, **kwargs):
    with pytest.raises(RuntimeError, match="Interruption"):
        model.fit(*_data(), batch_size=4, verbose=0, callbacks=[backup, interrupt], **kwargs)


# ---- arguments -------------------------------------------------------------------------------

@pytest.mark.parametrize("save_freq", ["batch", 0.15])
def test_invalid_save_freq(save_freq):
    with pytest.raises(ValueError, match="Invalid value for argument `save_freq`"):
        callbacks.BackupAndRestore(backup_dir="backup_dir", save_freq=save_freq)


@pytest.mark.parametrize("backup_dir", ["", None])
def test_empty_backup_dir(backup_dir):
    with pytest.raises(ValueError, match="Empty `backup_dir` argument passed"):
        callbacks.BackupAndRestore(backup_dir=backup_dir)


def test_unbuilt_model_is_refused(tmp_path):
    model = keras.Sequential([layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match="you model must be built before you call `fit"):
        model.fit(*_data(), callbacks=[callbacks.BackupAndRestore(tmp_path / "b")],
                  verbose=0)


def test_keras_file_names(tmp_path):
    backup = callbacks.BackupAndRestore(tmp_path)
    assert backup._weights_path == os.path.join(tmp_path, "latest.weights.h5")
    assert backup._training_metadata_path == os.path.join(tmp_path, "training_metadata.json")
    assert backup._prev_weights_path == backup._weights_path + ".bkp"


# ---- Keras's behaviour -----------------------------------------------------------------------

def test_epoch_backup_resumes_at_the_next_epoch(tmp_path):
    backup_dir = tmp_path / "subdir"
    model = _canary_model()
    backup = callbacks.BackupAndRestore(backup_dir, save_freq="epoch")
    _fit_interrupted(model, backup, Interrupt(epochs=2), epochs=6)
    assert backup._current_epoch == 2
    assert _calls(model) == 6
    with open(backup._training_metadata_path) as f:
        metadata = json.load(f)
    assert (metadata["epoch"], metadata["batch"]) == (2, 0)  # what Keras itself reads

    history = model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=5, verbose=0)
    assert history.epoch == [2, 3, 4]
    assert backup._current_epoch == 5
    assert _calls(model) == 5 * 3
    assert not os.path.exists(backup_dir)  # deleted once fit completes


def test_step_backup_resumes_at_the_next_step(tmp_path):
    model = _canary_model()
    backup = callbacks.BackupAndRestore(tmp_path / "b", save_freq=1)
    _fit_interrupted(model, backup, Interrupt(batches=2), epochs=2)
    assert (backup._current_epoch, backup._last_batch_seen) == (0, 1)
    assert _calls(model) == 2

    history = model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=5, verbose=0)
    assert history.epoch == [0, 1, 2, 3, 4]
    assert backup._current_epoch == 5
    # Keras redoes epoch 0 (17 calls); the resumed epoch 0 only runs its last batch.
    assert _calls(model) == 2 + 1 + 4 * 3


def test_keras_metadata_resumes_at_its_epoch(tmp_path):
    """A backup whose metadata has only Keras's keys (epoch, batch) restarts that epoch."""
    model = _canary_model()
    backup = callbacks.BackupAndRestore(tmp_path, save_freq="epoch", delete_checkpoint=False)
    model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=2, verbose=0)
    with open(backup._training_metadata_path, "w") as f:
        json.dump({"epoch": 1, "batch": 0}, f)
    history = model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=3, verbose=0)
    assert history.epoch == [1, 2]


def test_delete_checkpoint_false_keeps_the_backup(tmp_path):
    backup = callbacks.BackupAndRestore(tmp_path / "b", delete_checkpoint=False)
    _canary_model().fit(*_data(), batch_size=4, callbacks=[backup], epochs=2, verbose=0)
    assert os.path.exists(backup._weights_path)
    assert os.path.exists(backup._training_metadata_path)
    assert sorted(os.listdir(tmp_path / "b")) == ["latest.weights.h5", "training_metadata.json"]


def test_save_freq_false_makes_no_backup(tmp_path):
    backup = callbacks.BackupAndRestore(tmp_path / "b", save_freq=False, delete_checkpoint=False)
    _canary_model().fit(*_data(), batch_size=4, callbacks=[backup], epochs=2, verbose=0)
    assert not os.path.exists(tmp_path / "b")


# ---- damaged backups -------------------------------------------------------------------------

def _interrupted_epoch_backup(tmp_path, double_checkpoint):
    model = _canary_model()
    backup = callbacks.BackupAndRestore(tmp_path / "b", save_freq="epoch",
                                        double_checkpoint=double_checkpoint)
    _fit_interrupted(model, backup, Interrupt(epochs=2), epochs=6)
    return model, backup


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    model, backup = _interrupted_epoch_backup(tmp_path, double_checkpoint=True)
    for path in (backup._weights_path, backup._training_metadata_path,
                 backup._prev_weights_path, backup._prev_training_metadata_path):
        assert os.path.exists(path)
    with open(backup._weights_path, "w") as f:
        f.write("0")
    history = model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=5, verbose=0)
    assert history.epoch == [1, 2, 3, 4]  # the previous backup was made after epoch 0
    assert _calls(model) == 5 * 3


def test_damaged_backup_without_double_checkpoint_raises(tmp_path):
    model, backup = _interrupted_epoch_backup(tmp_path, double_checkpoint=False)
    assert not os.path.exists(backup._prev_weights_path)
    with open(backup._weights_path, "w") as f:
        f.write("0")
    with pytest.raises(OSError, match="latest.weights.h5"):
        model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=5, verbose=0)


def test_weights_file_not_matching_the_metadata_is_refused(tmp_path):
    model, backup = _interrupted_epoch_backup(tmp_path, double_checkpoint=False)
    model.layers[0].counter.assign(-1.0)
    model.save_weights(backup._weights_path)  # valid weights, but not the backup's
    with pytest.raises(OSError, match="is not the weights file training_metadata.json"):
        model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=5, verbose=0)


def test_leftover_temporary_files_are_removed(tmp_path):
    model, backup = _interrupted_epoch_backup(tmp_path, double_checkpoint=False)
    stray = tmp_path / "b" / ".latest.weights.h5.abc123.tmp"
    stray.write_bytes(b"half a file")
    (tmp_path / "b" / "incoming.weights.h5").write_bytes(b"never committed")
    backup.delete_checkpoint = False
    history = model.fit(*_data(), batch_size=4, callbacks=[backup], epochs=3, verbose=0)
    assert history.epoch == [2]
    assert sorted(os.listdir(tmp_path / "b")) == ["latest.weights.h5", "training_metadata.json"]


# ---- exact resumption (in one process) -------------------------------------------------------

def _resumable_model():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                              layers.Dropout(0.3), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


@pytest.mark.parametrize("steps_per_epoch", [None, 4])
@pytest.mark.parametrize("shuffle", [True, "batch", False])
def test_interrupted_run_resumes_bit_identical(tmp_path, shuffle, steps_per_epoch):
    rng = np.random.default_rng(1)
    x = rng.random((44, 4)).astype("float32")
    y = rng.random((44, 1)).astype("float32")
    kwargs = dict(batch_size=8, epochs=4, shuffle=shuffle, steps_per_epoch=steps_per_epoch,
                  verbose=0)

    reference = _resumable_model()
    expected = reference.fit(x, y, **kwargs).history

    model = _resumable_model()
    backup = callbacks.BackupAndRestore(tmp_path / "b", save_freq=3)
    with pytest.raises(RuntimeError):
        model.fit(x, y, callbacks=[backup, Interrupt(batches=11)], **kwargs)
    with open(backup._training_metadata_path) as f:
        assert json.load(f)["keras_like"]["step"] > 0  # a mid-epoch backup
    # A restart: the script runs again from the top, with the same seed.
    model = _resumable_model()
    history = model.fit(x, y, callbacks=[callbacks.BackupAndRestore(tmp_path / "b",
                                                                    save_freq=3)], **kwargs)
    assert len(history.epoch) < 4
    for got, want in zip(model.get_weights(), reference.get_weights()):
        assert got.tobytes() == want.tobytes()
    # The resumed epoch logs what the uninterrupted one did (its metrics were restored).
    resumed = len(history.epoch)
    assert history.history == {k: v[-resumed:] for k, v in expected.items()}


# ---- killed processes ------------------------------------------------------------------------

def _run_child(tmp_path, name, **config):
    config = dict(config, backup_dir=str(tmp_path / "backup"), out=str(tmp_path / name))
    return subprocess.run([sys.executable, CHILD, json.dumps(config)], capture_output=True,
                          text=True, timeout=300, env=os.environ.copy())


def _final_weights(tmp_path, name, **config):
    result = _run_child(tmp_path, name, **config)
    assert result.returncode == 0, result.stderr
    with np.load(tmp_path / name) as f:
        return [f[k] for k in f.files if k.startswith("arr_")], int(f["epochs_run"])


def _reference(tmp_path, **config):
    reference, epochs = _final_weights(tmp_path, "reference.npz", **config)
    assert not os.path.exists(tmp_path / "backup")
    return reference, epochs


@pytest.mark.parametrize("data", ["arrays", "arrays_steps", "pydataset"])
def test_process_killed_mid_epoch_restarts_bit_identical(tmp_path, data):
    config = dict(data=data, save_freq=3)
    reference, epochs = _reference(tmp_path, **config)

    killed = _run_child(tmp_path, "killed.npz", kill={"at_batch": 10}, **config)
    assert killed.returncode == -9, killed.stderr
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        metadata = json.load(f)
    assert metadata["keras_like"]["step"] > 0  # the backup of batch 9, mid-epoch

    resumed, epochs_run = _final_weights(tmp_path, "resumed.npz", **config)
    assert epochs_run < epochs
    assert len(resumed) == len(reference)
    for got, want in zip(resumed, reference):
        assert got.tobytes() == want.tobytes()
    assert not os.path.exists(tmp_path / "backup")


@pytest.mark.parametrize("point", ["in_weights", "before_metadata", "in_metadata",
                                   "before_rename"])
def test_process_killed_during_a_backup_leaves_a_usable_one(tmp_path, point):
    config = dict(data="arrays", save_freq=2)
    reference, _ = _reference(tmp_path, **config)

    killed = _run_child(tmp_path, "killed.npz", kill={"at_save": 4, "point": point}, **config)
    assert killed.returncode == 77, killed.stderr
    with open(tmp_path / "backup" / "training_metadata.json") as f:
        metadata = json.load(f)
    # 6 batches an epoch, a backup every 2. Killed before the metadata was replaced, the
    # 3rd backup (the end of epoch 0's last batch) is the one on disk; killed after, the
    # 4th (epoch 1, batch 2), whose weights the restart finishes renaming.
    expected = (1, 2) if point == "before_rename" else (0, 6)
    assert (metadata["epoch"], metadata["keras_like"]["step"]) == expected

    resumed, _ = _final_weights(tmp_path, "resumed.npz", **config)
    for got, want in zip(resumed, reference):
        assert got.tobytes() == want.tobytes()
