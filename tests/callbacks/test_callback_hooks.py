"""Which hooks `fit` / `evaluate` / `predict` call, in which order and with which logs (the
sequences are Keras 3's), plus History, LambdaCallback and CallbackList."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import callbacks

HOOKS = [
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
]


class Recorder(callbacks.Callback):
    """Records (hook, index, sorted log keys) for every hook."""

    def __init__(self, hooks=HOOKS):
        super().__init__()
        self.events = []
        for hook in hooks:
            setattr(self, hook, self._recorder(hook))

    def _recorder(self, hook):
        indexed = "batch" in hook or "epoch" in hook

        def record(*args, logs=None):
            index = args[0] if indexed else None
            rest = args[1:] if indexed else args
            if rest:
                logs = rest[0]
            self.events.append((hook, index, sorted(logs or {})))

        return record

    def names(self, *hooks):
        return [(h, i) for h, i, _ in self.events if not hooks or h in hooks]


def data(n=10, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, d), dtype="float32"), rng.random((n, 1), dtype="float32")


def make_model(d=3, metrics=("mae",)):
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.01), "mse", metrics=list(metrics))
    return model


def expected_epoch(epoch, train_steps, val_steps):
    train = [("on_epoch_begin", epoch)]
    for step in range(train_steps):
        train += [("on_train_batch_begin", step), ("on_train_batch_end", step)]
    val = [("on_test_begin", None)]
    for step in range(val_steps):
        val += [("on_test_batch_begin", step), ("on_test_batch_end", step)]
    val += [("on_test_end", None)]
    return train + (val if val_steps else []) + [("on_epoch_end", epoch)]


def test_fit_hook_order_and_counts_with_validation():
    x, y = data()
    rec = Recorder()
    make_model().fit(x, y, batch_size=4, epochs=2, validation_data=(x[:5], y[:5]),
                     validation_batch_size=2, callbacks=[rec], verbose=0)
    expected = [("on_train_begin", None)]
    for epoch in range(2):
        expected += expected_epoch(epoch, train_steps=3, val_steps=3)
    expected += [("on_train_end", None)]
    assert rec.names() == expected


def test_fit_logs_given_to_each_hook():
    x, y = data()
    rec = Recorder()
    make_model().fit(x, y, batch_size=4, epochs=1, validation_data=(x, y), callbacks=[rec],
                     verbose=0)
    logs = {(h, i): keys for h, i, keys in rec.events}
    assert logs[("on_train_begin", None)] == []
    assert logs[("on_epoch_begin", 0)] == []
    assert logs[("on_train_batch_begin", 0)] == []
    assert logs[("on_train_batch_end", 2)] == ["loss", "mae"]
    assert logs[("on_test_batch_end", 2)] == ["loss", "mae"]
    assert logs[("on_test_end", None)] == ["loss", "mae"]
    assert logs[("on_epoch_end", 0)] == ["loss", "mae", "val_loss", "val_mae"]
    assert logs[("on_train_end", None)] == ["loss", "mae", "val_loss", "val_mae"]


def test_batch_logs_are_python_floats_matching_the_running_metrics():
    x, y = data(n=8)
    seen = []
    cb = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(logs))
    model = make_model()
    history = model.fit(x, y, batch_size=4, epochs=1, callbacks=[cb], verbose=0,
                        shuffle=False)
    assert len(seen) == 2
    assert all(type(v) is float for logs in seen for v in logs.values())
    # The last batch's running means are the epoch's values.
    assert seen[-1] == {"loss": history.history["loss"][0], "mae": history.history["mae"][0]}


def test_evaluate_and_predict_hook_order():
    x, y = data()
    model = make_model()
    rec = Recorder()
    model.evaluate(x, y, batch_size=5, callbacks=[rec], verbose=0)
    assert rec.names() == [("on_test_begin", None), ("on_test_batch_begin", 0),
                           ("on_test_batch_end", 0), ("on_test_batch_begin", 1),
                           ("on_test_batch_end", 1), ("on_test_end", None)]
    assert rec.events[-1][2] == ["loss", "mae"]
    rec = Recorder()
    model.predict(x, batch_size=4, callbacks=[rec], verbose=0)
    assert rec.names() == [("on_predict_begin", None)] + [
        (h, i) for i in range(3) for h in ("on_predict_batch_begin", "on_predict_batch_end")
    ] + [("on_predict_end", None)]
    assert rec.events[2][2] == ["outputs"]


def test_predict_batch_end_receives_the_batch_outputs():
    x, _ = data(n=6)
    outputs = []

    class Grab(callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            outputs.append(logs["outputs"])

    model = make_model()
    result = model.predict(x, batch_size=4, callbacks=[Grab()], verbose=0)
    assert [o.shape for o in outputs] == [(4, 1), (2, 1)]
    np.testing.assert_array_equal(np.concatenate(outputs), result)


def test_legacy_on_batch_hooks_receive_train_batches():
    x, y = data(n=9)
    rec = Recorder(hooks=["on_batch_begin", "on_batch_end"])
    make_model().fit(x, y, batch_size=3, epochs=2, callbacks=[rec], verbose=0)
    assert rec.names() == [(h, i) for _ in range(2) for i in range(3)
                           for h in ("on_batch_begin", "on_batch_end")]
    assert rec.events[1][2] == ["loss", "mae"]


def test_no_validation_hooks_without_validation_data():
    x, y = data()
    rec = Recorder()
    make_model().fit(x, y, batch_size=10, epochs=1, callbacks=[rec], verbose=0)
    assert not [h for h, _ in rec.names() if "test" in h]


def test_stop_training_from_a_batch_hook_ends_fit_after_that_epoch():
    x, y = data(n=12)

    class StopAtSecondBatch(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    rec = Recorder(hooks=["on_train_batch_end", "on_epoch_end", "on_train_end"])
    model = make_model()
    history = model.fit(x, y, batch_size=3, epochs=5, callbacks=[StopAtSecondBatch(), rec],
                        verbose=0)
    assert rec.names() == [("on_train_batch_end", 0), ("on_train_batch_end", 1),
                           ("on_epoch_end", 0), ("on_train_end", None)]
    assert history.epoch == [0]
    assert model.stop_training is True


def test_history_contents_keys_params_and_model_attribute():
    rng = np.random.default_rng(1)
    x = rng.random((20, 4), dtype="float32")
    y = (x.sum(axis=1) > 2).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, validation_split=0.25, verbose=0)
    assert isinstance(history, callbacks.History)
    assert model.history is history
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(v) == 3 for v in history.history.values())
    assert all(type(v) is float for vs in history.history.values() for v in vs)
    assert history.epoch == [0, 1, 2]
    assert history.params == {"verbose": 0, "epochs": 3, "steps": 2}
    # The last validation values come from the final weights.
    val = model.evaluate(x[15:], y[15:], verbose=0, return_dict=True)
    assert val == {"accuracy": history.history["val_accuracy"][-1],
                   "loss": history.history["val_loss"][-1]}


def test_history_keys_are_sorted_like_keras():
    x, y = data()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=["mse", "mae"])
    history = model.fit(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert list(history.history) == ["loss", "mae", "mse", "val_loss", "val_mae", "val_mse"]


def test_a_user_history_callback_is_reused():
    x, y = data()
    mine = callbacks.History()
    model = make_model()
    returned = model.fit(x, y, epochs=2, callbacks=[mine], verbose=0)
    assert returned is mine and model.history is mine
    assert len(mine.history["loss"]) == 2


def test_lambda_callback_functions_and_extra_hooks():
    x, y = data(n=8)
    calls = []
    cb = callbacks.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_batch_end=lambda batch, logs: calls.append(f"test_batch_end {batch}"),
    )
    make_model().fit(x, y, batch_size=4, epochs=1, validation_data=(x, y),
                     validation_batch_size=8, callbacks=[cb], verbose=0)
    assert calls == [
        "train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0 ['loss', 'mae']",
        "batch_begin 1", "batch_end 1 ['loss', 'mae']", "test_batch_end 0",
        "epoch_end 0 ['loss', 'mae', 'val_loss', 'val_mae']", "train_end",
    ]


def test_lambda_callback_unset_hooks_do_nothing():
    cb = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    x, y = data()
    make_model().fit(x, y, epochs=1, callbacks=[cb], verbose=0)
    assert cb.on_train_batch_end.__func__ is callbacks.Callback.on_train_batch_end


def test_callback_list_rejects_non_callbacks_and_adds_defaults_once():
    with pytest.raises(TypeError, match="must be instances of `keras.callbacks.Callback`"):
        callbacks.CallbackList([object()])
    history, progbar = callbacks.History(), callbacks.ProgbarLogger()
    cbs = callbacks.CallbackList([history, progbar], add_history=True, add_progbar=True)
    assert cbs.callbacks == [history, progbar]
    cbs = callbacks.CallbackList([], add_history=True, add_progbar=True, verbose=1, epochs=1,
                                 steps=1)
    assert [type(c) for c in cbs.callbacks] == [callbacks.History, callbacks.ProgbarLogger]
    assert cbs.callbacks[1].params == {"verbose": 1, "epochs": 1, "steps": 1}


def test_a_callback_list_passed_to_fit_is_used_as_is():
    x, y = data()
    model = make_model()
    rec = Recorder(hooks=["on_epoch_end"])
    cbs = callbacks.CallbackList([rec], add_history=True, model=model, verbose=0, epochs=2,
                                 steps=1)
    history = model.fit(x, y, epochs=2, batch_size=10, callbacks=cbs, verbose=0)
    assert rec.names() == [("on_epoch_end", 0), ("on_epoch_end", 1)]
    assert history is cbs.callbacks[1]


def test_callbacks_get_model_and_params():
    x, y = data(n=10)
    seen = {}

    class Inspect(callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen["model"] = self.model
            seen["params"] = dict(self.params)

    model = make_model()
    model.fit(x, y, batch_size=4, epochs=3, callbacks=[Inspect()], verbose=0)
    assert seen == {"model": model, "params": {"verbose": 0, "epochs": 3, "steps": 3}}
