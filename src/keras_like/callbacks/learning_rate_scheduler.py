"""`LearningRateScheduler`: sets the learning rate from `schedule(epoch, lr)` every epoch."""

import numpy as np

from keras_like.callbacks.callback import Callback


def _learning_rate(optimizer):
    return float(np.asarray(optimizer.learning_rate))


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch, this callback gets the updated learning rate value from
    the `schedule` function, given the current epoch and learning rate, and applies it to the
    optimizer. At the end of the epoch it adds the rate to the logs as "learning_rate".

    Args:
        schedule: A function that takes an epoch index (integer, indexed from 0) and the
            current learning rate (float) and returns a new learning rate (float). A function
            of the epoch alone is accepted too.
        verbose: 0: quiet, 1: log update messages.

    Example:
    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * math.exp(-0.1)
    >>> model = keras_like.Sequential([keras_like.layers.Dense(10)])
    >>> model.compile(keras_like.optimizers.SGD(), loss="mse")
    >>> callback = keras_like.callbacks.LearningRateScheduler(scheduler)
    >>> history = model.fit(np.arange(100).reshape(5, 20), np.zeros(5), epochs=15,
    ...                     callbacks=[callback], verbose=0)
    >>> round(float(model.optimizer.learning_rate), 5)
    0.00607
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer, epoch):
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, _learning_rate(optimizer))
        except TypeError:  # schedules written as `schedule(epoch)`
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        optimizers = getattr(self.model.optimizer, "optimizers", None)
        if optimizers is not None:
            for opt in optimizers:
                learning_rate = self._update_optimizer_lr(opt, epoch)
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {opt.name} "
                          f"learning rate to {learning_rate}.")
        else:
            learning_rate = self._update_optimizer_lr(self.model.optimizer, epoch)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                      f"{learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizers = getattr(self.model.optimizer, "optimizers", None)
        if optimizers is not None:
            for opt in optimizers:
                logs[f"learning_rate_{opt.name}"] = _learning_rate(opt)
        else:
            logs["learning_rate"] = _learning_rate(self.model.optimizer)
