"""Tutorial 03: checkpoint while training, survive an interruption, save, reload and predict.

A digits classifier trains with two callbacks: `ModelCheckpoint` keeps the best model seen
so far (by validation loss) as a `.keras` file, and `BackupAndRestore` backs the whole
training state up so that a run killed part way resumes where it stopped. Here the
interruption is simulated by a callback that raises in the middle of epoch 3; running `fit`
again with the same backup folder picks up from the last backup.
Runs offline in a few seconds:  python tutorials/03_save_load_resume.py
"""

import os
import tempfile

import numpy as np

import keras_like as keras
from keras_like import layers

keras.utils.set_random_seed(3)
(x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
x_train = x_train.reshape(-1, 64).astype("float32") / 16.0
x_test = x_test.reshape(-1, 64).astype("float32") / 16.0


def build_model():
    model = keras.Sequential([keras.Input(shape=(64,)), layers.Dense(64, activation="relu"),
                              layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class Interrupt(keras.callbacks.Callback):
    """Stands in for a power cut: stops the process's training in the middle of an epoch."""

    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == 2 and batch == 10:
            raise KeyboardInterrupt("simulated interruption")

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch


workdir = tempfile.mkdtemp()
best_path = os.path.join(workdir, "best.keras")
backup_dir = os.path.join(workdir, "backup")
callbacks = [
    keras.callbacks.ModelCheckpoint(best_path, monitor="val_loss", save_best_only=True),
    keras.callbacks.BackupAndRestore(backup_dir, save_freq=20),
]

# First attempt: interrupted in epoch 3.
model = build_model()
try:
    model.fit(x_train, y_train, epochs=6, batch_size=32, validation_split=0.1, verbose=0,
              callbacks=callbacks + [Interrupt()])
except KeyboardInterrupt:
    print("training interrupted; backup left in", backup_dir)

# A fresh process would do exactly this: build the model and call fit with the same backup.
model = build_model()
history = model.fit(x_train, y_train, epochs=6, batch_size=32, validation_split=0.1,
                    verbose=0, callbacks=callbacks)
print(f"resumed and finished: ran epochs {[e + 1 for e in history.epoch]}")
assert not os.path.exists(backup_dir), "the backup is deleted once training completes"

# The best checkpoint is a complete model: architecture, weights, optimizer state.
best = keras.models.load_model(best_path)
loss, accuracy = best.evaluate(x_test, y_test, verbose=0)
print(f"best checkpoint: test loss {loss:.4f}, test accuracy {accuracy:.4f}")

final_path = os.path.join(workdir, "final.keras")
model.save(final_path)
reloaded = keras.models.load_model(final_path)
same = np.array_equal(model.predict(x_test, verbose=0), reloaded.predict(x_test, verbose=0))
print(f"final model saved and reloaded, identical predictions: {same}")
print("first test digits predicted as", reloaded.predict(x_test[:10], verbose=0).argmax(-1))
assert same and accuracy > 0.9
