"""`BackupAndRestore`: backs the training state up during `fit` and resumes from it."""

import os

from keras_like.callbacks.backup_files import BackupFiles, DamagedBackupError
from keras_like.callbacks.callback import Callback
from keras_like.trainers import resume_state


class BackupAndRestore(Callback):
    """Callback to back up and restore the training state.

    Meant to recover from an interruption in the middle of `Model.fit`: the training state
    is backed up to `backup_dir` at the end of each epoch (or every `save_freq` batches),
    each backup replacing the previous one. When `fit` starts again with this callback, the
    state is restored from the backup and training goes on from there; at the end of a
    completed `fit` the backup is deleted.

    The state is the model's weights and optimizer (`model.save_weights`), the epoch and the
    step within it, the running state of the metrics, the random states (NumPy's and Python's
    global generators and keras_like's global `SeedGenerator`; the layers' seed generators
    are in the weights file) and the position in the shuffled data. A run restarted with the
    same code, seed and data therefore ends with the same weights, bit for bit, as a run
    never interrupted. (Keras itself restarts the interrupted epoch from its first batch.)
    Every file is written atomically and the metadata names the weights file it belongs to,
    so a process killed during a backup leaves the previous backup usable.

    The model must be the one the backup was made from, compiled the same way, and `fit`
    must get the same arguments; otherwise the backup can become invalid. The states of
    other callbacks (e.g. `EarlyStopping`'s patience) are not part of the backup.

    Args:
        backup_dir: Path of the folder where the backup is stored. It must not be used for
            anything else (another `BackupAndRestore` or a `ModelCheckpoint`).
        save_freq: `"epoch"` to back up at the end of each epoch, or an integer to back up
            every `save_freq` batches. `False` makes no backup.
        double_checkpoint: Whether to keep the previous backup too (`*.bkp` files), used
            when the latest one cannot be loaded. Takes twice the disk space.
        delete_checkpoint: Whether to delete the backup once `fit` completes.

    Example:
    >>> class InterruptingCallback(keras_like.callbacks.Callback):
    ...     def on_epoch_begin(self, epoch, logs=None):
    ...         if epoch == 4:
    ...             raise RuntimeError("Interrupting!")
    >>> callback = keras_like.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
    >>> model = keras_like.models.Sequential([keras_like.Input((20,)),
    ...                                       keras_like.layers.Dense(10)])
    >>> model.compile(keras_like.optimizers.SGD(), loss="mse")
    >>> try:
    ...     model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=10, batch_size=1,
    ...               callbacks=[callback, InterruptingCallback()], verbose=0)
    ... except RuntimeError:
    ...     pass
    >>> history = model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=10,
    ...                     batch_size=1, callbacks=[callback], verbose=0)
    >>> len(history.history["loss"])  # epochs 4 to 9
    6
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        self.backup_dir = backup_dir
        self._files = BackupFiles(backup_dir)
        self._weights_path = self._files.weights_path
        self._training_metadata_path = self._files.metadata_path
        self._prev_weights_path = self._files.prev_weights_path
        self._prev_training_metadata_path = self._files.prev_metadata_path
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )

    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, you model must be built before you "
                f"call `fit()`. Model {self.model} is unbuilt. You can build it beforehand "
                "by calling it on a batch of data."
            )
        try:
            self._load_model()
        except OSError:
            if not self._files.restore_previous():
                raise
            self._load_model()

    def _load_model(self):
        metadata = self._files.read()
        if metadata is not None or os.path.exists(self._weights_path):
            optimizer = self.model.optimizer
            if optimizer is not None and not optimizer.built:
                # The optimizer's variables must exist to receive their saved values.
                optimizer.build(self.model.trainable_variables)
            try:
                self.model.load_weights(self._weights_path)
            except (OSError, ValueError) as e:
                raise DamagedBackupError(
                    f"Cannot load the backup {self._weights_path}: {e}") from e
        if metadata is None:
            return
        self.model._initial_epoch = metadata["epoch"]
        self._current_epoch = metadata["epoch"]
        record = metadata.get("keras_like")
        if record is not None:
            point = resume_state.ResumePoint(record)
            self.model._resume_point = point
            # As if the backup had just been made: the saving schedule goes on unchanged.
            self._last_batch_seen = point.step - 1 if point.step else 0
            self._batches_seen_since_last_saving = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save_model(step=0)

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(step=batch + 1)

    def _save_model(self, step):
        metadata = {
            "epoch": self._current_epoch,
            "batch": self._last_batch_seen,
            "keras_like": resume_state.capture(self.model, step),
        }
        self._files.write(self.model, metadata, keep_previous=self.double_checkpoint)

    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch" or self.save_freq is False:
            return False
        if batch <= self._last_batch_seen:  # a new epoch; batches count from zero
            add_batches = batch + 1
        else:
            add_batches = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += add_batches
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            self._files.delete()
