"""CallbackList: fans every hook out to a list of callbacks (adds History / ProgbarLogger)."""

from keras_like import tree
from keras_like.callbacks.callback import Callback
from keras_like.callbacks.history import History
from keras_like.callbacks.progbar_logger import ProgbarLogger

_BATCH_HOOKS = {
    # hook -> the hooks whose override means the callback wants it (the base class's
    # `on_train_batch_*` forwards to the legacy `on_batch_*`)
    "on_train_batch_begin": ("on_train_batch_begin", "on_batch_begin"),
    "on_train_batch_end": ("on_train_batch_end", "on_batch_end"),
    "on_test_batch_begin": ("on_test_batch_begin",),
    "on_test_batch_end": ("on_test_batch_end",),
    "on_predict_batch_begin": ("on_predict_batch_begin",),
    "on_predict_batch_end": ("on_predict_batch_end",),
}


def _overrides(callback, hook):
    """Whether `callback` does something in `hook` (a subclass method or an instance attribute,
    as `LambdaCallback` sets)."""
    method = getattr(callback, hook)
    return getattr(method, "__func__", None) is not getattr(Callback, hook)


def pythonify_logs(logs):
    """Logs as a flat dict sorted by key, values as Python floats where possible (as Keras)."""
    result = {}
    if not logs:
        return result
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


def _never():
    return False


def _always():
    return True


class CallbackList(Callback):
    """A container forwarding each hook to its callbacks, in order.

    Batch hooks only reach the callbacks that override them, so a `fit` whose callbacks have
    no batch hooks pays nothing per step. `train_batch_logs_needed()` /
    `test_batch_logs_needed()` tell the trainer whether the next step's logs will be read.

    Args:
        callbacks: A list of `Callback` instances.
        add_history: Whether to add a `History` callback if the list has none.
        add_progbar: Whether to add a `ProgbarLogger` callback if the list has none.
        model: The model the callbacks act on.
        **params: Passed to every callback's `set_params` (verbose, epochs, steps).

    Example:
    >>> callbacks = CallbackList([EarlyStopping()], add_history=True, model=model,
    ...                          verbose=0, epochs=10, steps=100)
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 **params):
        super().__init__()
        self.callbacks = tree.flatten(callbacks) if callbacks else []
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    "All callbacks must be instances of `keras.callbacks.Callback`. "
                    f"Received: {cb} of type {type(cb)}"
                )
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history, add_progbar):
        self._progbar = None
        self._history = None
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self._configure_hooks()

    def _configure_hooks(self):
        self._hooks = {
            hook: [cb for cb in self.callbacks if any(_overrides(cb, h) for h in overridden)]
            for hook, overridden in _BATCH_HOOKS.items()
        }
        progbar = self._progbar
        live = progbar if progbar is not None and progbar.verbose == 1 else None
        self.train_batch_logs_needed = self._logs_needed("on_train_batch_end", live)
        self.test_batch_logs_needed = self._logs_needed("on_test_batch_end", live, test=True)

    def _logs_needed(self, hook, live_progbar, test=False):
        readers = [cb for cb in self._hooks[hook] if cb is not self._progbar]
        if readers:
            return _always
        if live_progbar is None:
            return _never
        return live_progbar.test_logs_due if test else live_progbar.logs_due

    def append(self, callback):
        self.callbacks.append(callback)
        if isinstance(callback, ProgbarLogger) and self._progbar is None:
            self._progbar = callback
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)
        self._configure_hooks()

    def set_params(self, params):
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)
        self._configure_hooks()

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    # ---- batch hooks -------------------------------------------------------------------------

    def on_batch_begin(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_batch_begin(batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_batch_end(batch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        users = self._hooks["on_train_batch_begin"]
        if users:
            logs = pythonify_logs(logs)
            for cb in users:
                cb.on_train_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        users = self._hooks["on_train_batch_end"]
        if users:
            logs = pythonify_logs(logs)
            for cb in users:
                cb.on_train_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        users = self._hooks["on_test_batch_begin"]
        if users:
            logs = pythonify_logs(logs)
            for cb in users:
                cb.on_test_batch_begin(batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        users = self._hooks["on_test_batch_end"]
        if users:
            logs = pythonify_logs(logs)
            for cb in users:
                cb.on_test_batch_end(batch, logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        users = self._hooks["on_predict_batch_begin"]
        if users:
            logs = logs or {}
            for cb in users:
                cb.on_predict_batch_begin(batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        users = self._hooks["on_predict_batch_end"]
        if users:
            logs = logs or {}
            for cb in users:
                cb.on_predict_batch_end(batch, logs=logs)

    # ---- epoch / begin / end hooks -----------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        # One dict shared by all callbacks: what one adds (ReduceLROnPlateau's learning rate)
        # the next ones (History, ProgbarLogger) see.
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_epoch_end(epoch, logs)

    def on_train_begin(self, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_train_begin(logs)

    def on_train_end(self, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_train_end(logs)

    def on_test_begin(self, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_test_begin(logs)

    def on_test_end(self, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_test_end(logs)

    def on_predict_begin(self, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_predict_begin(logs)

    def on_predict_end(self, logs=None):
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            cb.on_predict_end(logs)
