"""History: records epoch-level logs into `history.history` (returned by `fit`)."""

from keras_like.callbacks.callback import Callback


class History(Callback):
    """`model.fit` returns this; `history.history["loss"]` lists the loss of each epoch."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)
        self.model.history = self
