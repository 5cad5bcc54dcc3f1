"""`EarlyStopping`: stops `fit` once the monitored quantity stops improving."""

import warnings

from keras_like.callbacks.monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving.

    At the end of every epoch the callback compares `logs[monitor]` with the best value seen so
    far; after `patience` epochs without an improvement of at least `min_delta` it sets
    `model.stop_training = True`.

    Args:
        monitor: Quantity to be monitored. Defaults to "val_loss".
        min_delta: Minimum change in the monitored quantity to qualify as an improvement, i.e.
            an absolute change of less than min_delta will count as no improvement.
            Defaults to 0.
        patience: Number of epochs with no improvement after which training will be stopped.
            Defaults to 0.
        verbose: 0 (silent) or 1 (prints a message when the callback acts). Defaults to 0.
        mode: One of "auto", "min", "max". In "min" mode training stops when the quantity has
            stopped decreasing; in "max" mode when it has stopped increasing; "auto" infers
            the direction from the name of the quantity. Defaults to "auto".
        baseline: Baseline value for the monitored quantity. If not None, training stops if
            the model doesn't show improvement over the baseline. Defaults to None.
        restore_best_weights: Whether to restore the weights of the epoch with the best value
            of the monitored quantity when training ends. If False, the weights of the last
            step are kept. An epoch is restored regardless of the performance relative to the
            `baseline`. Defaults to False.
        start_from_epoch: Number of epochs to wait before starting to monitor improvement
            (a warm-up period). Defaults to 0.

    Example:
    >>> callback = keras_like.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> model = keras_like.Sequential([keras_like.layers.Dense(10)])
    >>> model.compile(keras_like.optimizers.SGD(), loss="mse")
    >>> history = model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=10,
    ...                     batch_size=1, callbacks=[callback], verbose=0)
    >>> len(history.history["loss"])  # only 4 epochs are run
    4
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # Instances may be reused across `fit()` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # Set up late: the compiled metrics only exist once the model has seen data.
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until something better comes, the current weights are the best ones.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Only restart the wait when beating both the baseline and the previous best.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        monitor_value = logs.get(self.monitor)
        if monitor_value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(list(logs.keys()))}",
                stacklevel=2,
            )
        return monitor_value
