"""`ModelCheckpoint`: saves the model or its weights during `fit`."""

import os
import warnings

import numpy as np

from keras_like.backend import Tensor
from keras_like.callbacks.monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Callback to save the Keras model or model weights at some frequency.

    Used with `model.fit()` to save a model or its weights at some interval, so that they can
    be loaded later, to continue training or to use the model. Saving can happen at the end
    of every epoch or every `save_freq` batches, always or only when the monitored quantity
    improved, and can cover the whole model (`model.save`) or only the weights
    (`model.save_weights`; the optimizer's state is included when the model is compiled).
    Files are written atomically.

    Args:
        filepath: String or `PathLike`, path to save the model file. It may contain named
            formatting options, filled with `epoch` (one-based), the keys of `logs` and, for
            batch-level saving, `batch` (one-based): e.g. `"{epoch:02d}-{val_loss:.2f}.keras"`.
            It must end with `".weights.h5"` when `save_weights_only=True`, and with
            `".keras"` (or the legacy `".h5"`) otherwise.
        monitor: The metric name to monitor, as it appears in the logs (prefix it with
            `"val_"` for validation metrics). Defaults to `"val_loss"`.
        verbose: 0 (silent) or 1 (a message when the callback takes an action).
        save_best_only: Whether to save only when the model is the best so far for
            `monitor`. Without formatting options in `filepath`, each better model
            overwrites the file.
        save_weights_only: Whether to save only the weights (`model.save_weights`) rather
            than the whole model (`model.save`).
        mode: One of `"auto"`, `"min"`, `"max"`: whether a better `monitor` value is lower or
            higher. `"auto"` infers it from the name of the quantity.
        save_freq: `"epoch"` to save at the end of every epoch, or an integer to save every
            that many batches. Metrics saved this way may reflect as little as one batch
            (they are reset every epoch).
        initial_value_threshold: Initial "best" value of the monitored metric, used with
            `save_best_only=True`: only a model better than it is saved.

    Example:
    >>> checkpoint = keras_like.callbacks.ModelCheckpoint(
    ...     filepath="/tmp/ckpt/best.keras", monitor="val_accuracy", mode="max",
    ...     save_best_only=True)
    >>> model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[checkpoint])
    >>> best = keras_like.models.load_model("/tmp/ckpt/best.keras")
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {self.save_freq}. "
                "Expected save_freq are 'epoch' or integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). Received: "
                    f"filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). Received: "
                f"filepath={self.filepath}"
            )
        if self.save_freq != "epoch":
            # Hooked only here: a callback with a batch hook makes `fit` compute the batch
            # logs at every step.
            self.on_train_batch_end = self._on_train_batch_end

    def _on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # Set up late: the compiled metrics only exist once the model has seen data.
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch):
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

    def _should_save_model(self, epoch, batch, logs, filepath):
        """Whether to save now: always without `save_best_only`, else on an improvement (or
        when `monitor` cannot be judged: missing, or not a scalar)."""
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.",
                          stacklevel=3)
            return True
        if isinstance(current, (np.ndarray, Tensor)) and len(current.shape) > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. Received: "
                f"{current}. Falling back to `save_best_only=False`.", stacklevel=3)
            return True
        if self.monitor_op is None:
            self._set_monitor_op()  # a batch-level save before the first epoch end
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to "
                      f"{float(current):.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch, batch, logs):
        filepath = self._get_file_path(epoch, batch, logs)
        try:
            if not self._should_save_model(epoch, batch, logs, filepath):
                return
            dirname = os.path.dirname(filepath)
            if dirname:
                os.makedirs(dirname, exist_ok=True)
            if self.save_weights_only:
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save(filepath, overwrite=True)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
        except IsADirectoryError:
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            ) from None

    def _get_file_path(self, epoch, batch, logs):
        """`filepath` with its placeholders (`{epoch}`, `{batch}`, log keys) filled."""
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}'
            ) from None
