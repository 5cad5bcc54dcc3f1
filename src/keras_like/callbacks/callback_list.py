"""CallbackList: fans every hook out to a list of callbacks (adds History / ProgbarLogger)."""

from keras_like.callbacks.callback import Callback
from keras_like.callbacks.history import History
from keras_like.callbacks.progbar_logger import ProgbarLogger

_HOOKS = [
    "on_batch_begin", "on_batch_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin", "on_test_batch_end",
    "on_predict_batch_begin", "on_predict_batch_end", "on_train_begin", "on_train_end",
    "on_test_begin", "on_test_end", "on_predict_begin", "on_predict_end",
]


class CallbackList(Callback):
    """A container forwarding each hook to its callbacks, in order."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"All callbacks must be instances of `keras.callbacks.Callback`. "
                    f"Received: {cb} of type {type(cb)}"
                )
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if add_history:
            self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
            if self._history is None:
                self._history = History()
                self.callbacks.append(self._history)
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)
        # Skip the per-batch loops entirely when no callback overrides a batch hook.
        self._batch_hooks = {
            hook: [cb for cb in self.callbacks
                   if getattr(type(cb), hook) is not getattr(Callback, hook)]
            for hook in _HOOKS
        }

    def append(self, callback):
        self.callbacks.append(callback)
        for hook, users in self._batch_hooks.items():
            if getattr(type(callback), hook) is not getattr(Callback, hook):
                users.append(callback)

    def set_params(self, params):
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def _call(self, hook, *args):
        for cb in self._batch_hooks[hook]:
            getattr(cb, hook)(*args)

    def on_train_batch_begin(self, batch, logs=None):
        for cb in self._batch_hooks["on_train_batch_begin"] + [
                c for c in self._batch_hooks["on_batch_begin"]
                if c not in self._batch_hooks["on_train_batch_begin"]]:
            cb.on_train_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        for cb in self._batch_hooks["on_train_batch_end"] + [
                c for c in self._batch_hooks["on_batch_end"]
                if c not in self._batch_hooks["on_train_batch_end"]]:
            cb.on_train_batch_end(batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_begin(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_train_end(self, logs=None):
        for cb in self.callbacks:
            cb.on_train_end(logs)

    def on_test_begin(self, logs=None):
        for cb in self.callbacks:
            cb.on_test_begin(logs)

    def on_test_end(self, logs=None):
        for cb in self.callbacks:
            cb.on_test_end(logs)

    def on_predict_begin(self, logs=None):
        for cb in self.callbacks:
            cb.on_predict_begin(logs)

    def on_predict_end(self, logs=None):
        for cb in self.callbacks:
            cb.on_predict_end(logs)

    def wants_batch_logs(self, mode):
        """Whether any callback reads per-batch logs (so the trainer must compute them)."""
        hooks = {"train": ("on_train_batch_end", "on_batch_end"),
                 "test": ("on_test_batch_end",), "predict": ("on_predict_batch_end",)}[mode]
        return any(self._batch_hooks[h] for h in hooks)
