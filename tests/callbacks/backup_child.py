"""A training run for the BackupAndRestore tests, killed on purpose when the config says so.

    python backup_child.py '<json config>'

Config keys: backup_dir, out (an .npz that receives the final weights and the epochs run),
data ("arrays", "arrays_steps" or "pydataset"), save_freq, and optionally kill:
{"at_batch": n} SIGKILLs the process after the n-th batch (counted over the whole run,
after BackupAndRestore saw it); {"at_save": n, "point": p} dies (exit code 77) inside the
n-th backup, at p: "in_weights" (the weights file half written), "before_metadata",
"in_metadata" (the metadata half written) or "before_rename".
"""

import json
import os
import signal
import sys

import numpy as np

import keras_like as keras
from keras_like import layers

EPOCHS = 3
KILLED = 77


class GlobalNoise(layers.Layer):
    """Adds noise drawn from the global SeedGenerator (`seed=None`) while training."""

    def call(self, x, training=False):
        if training:
            return x + keras.random.normal(x.shape, stddev=0.05)
        return x


class Batches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        s = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[s], self.y[s]


class KillAtBatch(keras.callbacks.Callback):
    def __init__(self, at):
        super().__init__()
        self.at, self.seen = at, 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


def _nth_call(n, die):
    calls = [0]

    def maybe_die(*args):
        calls[0] += 1
        if calls[0] == n:
            die(*args)
            os._exit(KILLED)
    return maybe_die


def install_kill_in_save(model, n, point):
    from keras_like.callbacks import backup_files
    from keras_like.saving import keras_file

    if point == "in_weights":
        write = keras_file.write_weights_file

        def half_written(path):
            size = os.path.getsize(path)
            with open(path, "r+b") as f:
                f.truncate(size // 2)
        check = _nth_call(n, lambda model, path: (write(model, path), half_written(path)))

        def write_weights_file(model, path):
            check(model, path)
            write(model, path)
        keras_file.write_weights_file = write_weights_file
    elif point == "before_metadata":
        save_weights = model.save_weights
        check = _nth_call(n, lambda *a, **k: None)

        def save_then_maybe_die(*args, **kwargs):
            save_weights(*args, **kwargs)
            check()
        model.save_weights = save_then_maybe_die
    elif point == "in_metadata":
        real_json = backup_files.json
        check = _nth_call(n, lambda obj, f: (f.write(real_json.dumps(obj)[:40]), f.flush()))

        class HalfJson:
            def __getattr__(self, name):
                return getattr(real_json, name)

            def dump(self, obj, f):
                check(obj, f)
                real_json.dump(obj, f)
        backup_files.json = HalfJson()
    elif point == "before_rename":
        real_os = backup_files.os
        check = _nth_call(n, lambda: None)

        class StopBeforeRename:
            def __getattr__(self, name):
                return getattr(real_os, name)

            def replace(self, source, destination):
                if source.endswith(backup_files.INCOMING):
                    check()
                real_os.replace(source, destination)
        backup_files.os = StopBeforeRename()
    else:
        raise ValueError(point)


def main(config):
    keras.utils.set_random_seed(1234)
    model = keras.Sequential([
        keras.Input((6,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3),
        GlobalNoise(), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    data = np.random.default_rng(0)
    x = data.standard_normal((60, 6)).astype("float32")
    y = data.standard_normal((60, 1)).astype("float32")
    callbacks = [keras.callbacks.BackupAndRestore(config["backup_dir"],
                                                  save_freq=config["save_freq"])]
    kill = config.get("kill")
    if kill and "at_batch" in kill:
        callbacks.append(KillAtBatch(kill["at_batch"]))
    elif kill:
        install_kill_in_save(model, kill["at_save"], kill["point"])
    if config["data"] == "pydataset":
        history = model.fit(Batches(x, y, 8), epochs=EPOCHS, shuffle=True, verbose=0,
                            callbacks=callbacks)
    else:
        history = model.fit(
            x, y, batch_size=8, epochs=EPOCHS, shuffle=True, validation_split=0.2, verbose=0,
            steps_per_epoch=4 if config["data"] == "arrays_steps" else None,
            callbacks=callbacks)
    np.savez(config["out"], *model.get_weights(), epochs_run=len(history.epoch),
             loss=np.array(history.history["loss"]))


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
