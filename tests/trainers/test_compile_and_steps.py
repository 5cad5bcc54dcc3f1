"""compile() arguments (per-output losses, weights and metrics, and how results are named),
`model.metrics`, overridden train_step / test_step / compute_loss, and the errors users hit."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops


def data(n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4), dtype="float32")
    return x, rng.random((n, 1), dtype="float32"), (x[:, 0] > 0.5).astype("int32")


def two_outputs(as_dict=False):
    inputs = keras.Input((4,), name="inp")
    a = keras.layers.Dense(1, name="a")(inputs)
    b = keras.layers.Dense(2, activation="softmax", name="b")(inputs)
    return keras.Model(inputs, {"zz": a, "bb": b} if as_dict else [a, b])


# ---- multi-output compile --------------------------------------------------------------------


def test_multi_output_lists_of_losses_and_metrics():
    x, y, labels = data()
    model = two_outputs()
    model.compile("sgd", ["mse", "sparse_categorical_crossentropy"], metrics=["mae", "accuracy"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    history = model.fit(x, [y, labels], epochs=1, verbose=0)
    assert list(history.history) == ["a_loss", "a_mae", "b_accuracy", "b_loss", "loss"]
    assert model.metrics_names == ["loss", "compile_metrics", "a_loss", "b_loss"]
    compiled = model.metrics[1]
    assert [(type(m).__name__, m.name) for m in compiled.metrics] == [
        ("MeanAbsoluteError", "mae"), ("SparseCategoricalAccuracy", "accuracy")]
    # evaluate's list: the loss, the named trackers, then the other keys sorted.
    logs = model.evaluate(x, [y, labels], verbose=0, return_dict=True)
    assert model.evaluate(x, [y, labels], verbose=0) == [
        logs["loss"], logs["a_loss"], logs["b_loss"], logs["a_mae"], logs["b_accuracy"]]
    np.testing.assert_allclose(logs["loss"], logs["a_loss"] + logs["b_loss"], rtol=1e-6)
    a_pred, b_pred = model.predict(x, verbose=0)
    np.testing.assert_allclose(logs["a_mae"], np.mean(np.abs(a_pred - y)), rtol=1e-5)
    np.testing.assert_allclose(logs["b_accuracy"], np.mean(b_pred.argmax(-1) == labels))


def test_multi_output_dicts_of_losses_weights_and_targets():
    x, y, labels = data()
    model = two_outputs()
    model.compile("sgd", {"a": "mse", "b": "sparse_categorical_crossentropy"},
                  loss_weights={"a": 2.0, "b": 1.0})
    history = model.fit(x, {"b": labels, "a": y}, epochs=1, verbose=0)
    assert list(history.history) == ["a_loss", "b_loss", "loss"]
    logs = model.evaluate(x, [y, labels], verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], 2.0 * logs["a_loss"] + logs["b_loss"], rtol=1e-6)


def test_dict_outputs_name_results_by_key():
    x, y, labels = data()
    model = two_outputs(as_dict=True)
    model.compile("sgd", {"zz": "mse", "bb": "sparse_categorical_crossentropy"},
                  metrics={"bb": ["accuracy", "accuracy"]})
    history = model.fit(x, {"zz": y, "bb": labels}, epochs=1, verbose=0)
    assert list(history.history) == ["bb_accuracy", "bb_accuracy_1", "bb_loss", "loss",
                                     "zz_loss"]
    assert model.metrics_names == ["loss", "compile_metrics", "zz_loss", "bb_loss"]
    # Targets given as a list follow the sorted keys.
    logs = model.evaluate(x, [labels, y], verbose=0, return_dict=True)
    assert sorted(logs) == ["bb_accuracy", "bb_accuracy_1", "bb_loss", "loss", "zz_loss"]


def test_one_loss_for_all_outputs_and_none_entries():
    x, y, labels = data()
    model = two_outputs()
    model.compile("sgd", loss={"a": "mse", "b": None})
    history = model.fit(x, [y, labels], epochs=1, verbose=0)
    assert list(history.history) == ["loss"]
    inputs = keras.Input((4,))
    model = keras.Model(inputs, [keras.layers.Dense(1, name="p")(inputs),
                                 keras.layers.Dense(1, name="q")(inputs)])
    model.compile("sgd", "mse")
    logs = model.fit(x, [y, 2 * y], epochs=1, verbose=0).history
    assert list(logs) == ["loss", "p_loss", "q_loss"]


def test_compile_argument_errors():
    x, y, labels = data()
    model = two_outputs()
    model.compile("sgd", loss={"a": "mse"})
    with pytest.raises(ValueError, match=r"Expected keys \['a', 'b'\] in loss dict, but found "
                                         r"loss.keys\(\)=\['a'\]"):
        model.fit(x, [y, labels], verbose=0)
    model.compile("sgd", ["mse", "sparse_categorical_crossentropy"], metrics=["mae"])
    with pytest.raises(ValueError, match="Invalid `metrics`. `metrics` should contain metrics "
                                         "objects"):
        model.fit(x, [y, labels], verbose=0)
    with pytest.raises(ValueError, match="Expected `loss_weights` argument to be a float"):
        model.compile("sgd", "mse", loss_weights=2)
    with pytest.raises(ValueError, match="Expected `metrics` argument to be a list, tuple, or "
                                         "dict. Received instead: metrics=mae"):
        model.compile("sgd", "mse", metrics="mae")
    single = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    single.compile("sgd", "not_a_loss")
    with pytest.raises(ValueError, match="Could not interpret loss identifier: not_a_loss"):
        single.fit(x, y, verbose=0)
    single.compile("sgd", "mse", metrics=["not_a_metric"])
    with pytest.raises(ValueError, match="Could not interpret metric identifier: not_a_metric"):
        single.fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        single.compile("not_an_optimizer", "mse")


def test_metric_objects_functions_and_classes():
    x, y, _ = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", keras.losses.MeanSquaredError(),
                  metrics=[keras.metrics.MeanAbsoluteError(), keras.losses.mean_squared_error,
                           keras.metrics.RootMeanSquaredError])
    history = model.fit(x, y, epochs=1, verbose=0)
    assert list(history.history) == ["loss", "mean_absolute_error", "mean_squared_error",
                                     "root_mean_squared_error"]
    h = {k: v[0] for k, v in history.history.items()}
    np.testing.assert_allclose(h["root_mean_squared_error"], np.sqrt(h["mean_squared_error"]),
                               rtol=1e-5)


@pytest.mark.parametrize("labels, units, activation, expected", [
    ("binary", 1, "sigmoid", "BinaryAccuracy"),
    ("sparse", 3, "softmax", "SparseCategoricalAccuracy"),
    ("onehot", 3, "softmax", "CategoricalAccuracy"),
])
def test_accuracy_resolves_from_shapes(labels, units, activation, expected):
    x, _, ints = data()
    y = {"binary": ints.astype("float32")[:, None], "sparse": ints,
         "onehot": np.eye(3, dtype="float32")[ints]}[labels]
    loss = {"binary": "binary_crossentropy", "sparse": "sparse_categorical_crossentropy",
            "onehot": "categorical_crossentropy"}[labels]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(units,
                                                                    activation=activation)])
    model.compile("sgd", loss, metrics=["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    assert type(model.metrics[1].metrics[0]).__name__ == expected


def test_crossentropy_alias_resolves_from_shapes():
    x, _, ints = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "crossentropy")
    loss = model.evaluate(x, ints, verbose=0)
    probs = model.predict(x, verbose=0)
    np.testing.assert_allclose(loss, -np.mean(np.log(probs[np.arange(8), ints])), rtol=1e-5)


# ---- model.metrics ---------------------------------------------------------------------------


def test_model_metrics_and_reset():
    x, y, _ = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    assert model.metrics_names == ["loss"]
    model.compile("sgd", "mse", metrics=["mae"], weighted_metrics=["mse"])
    assert model.metrics_names == ["loss", "compile_metrics"]
    model.fit(x, y, epochs=1, verbose=0)
    assert [m.name for m in model.metrics[1].metrics] == ["mae", "mse"]
    assert model.get_metrics_result().keys() == {"loss", "mae", "mse"}
    model.reset_metrics()
    assert all(float(v) == 0.0 for v in model.get_metrics_result().values())


# ---- overridden steps ------------------------------------------------------------------------


class TapeModel(keras.Model):
    """The Keras guide's custom `train_step`: GradientTape + optimizer.apply_gradients."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(1, kernel_initializer="zeros")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, inputs):
        return self.dense(inputs)

    def train_step(self, data):
        x, y = data
        with keras.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = ops.mean(ops.square(y_pred - y))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(ops.mean(ops.square(y_pred - y)))
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_custom_train_step_with_gradient_tape_inside_fit():
    x, y, _ = data()
    model = TapeModel()
    model.compile(keras.optimizers.SGD(0.1))
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, validation_data=(x, y))
    assert list(history.history) == ["loss", "mae", "val_loss", "val_mae"]
    # Two full-batch SGD steps by hand.
    kernel, bias = np.zeros((4, 1)), np.zeros(1)
    losses = []
    for _ in range(2):
        err = x @ kernel + bias - y
        losses.append(np.mean(err ** 2))
        kernel, bias = kernel - 0.1 * 2 * x.T @ err / 8, bias - 0.1 * 2 * err.sum(0) / 8
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)
    np.testing.assert_allclose(model.get_weights()[0], kernel, rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"][-1],
                               np.mean((x @ kernel + bias - y) ** 2), rtol=1e-5)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["loss"] == \
        history.history["val_loss"][-1]


def test_custom_train_step_metrics_reset_every_epoch():
    x, y, _ = data()
    model = TapeModel()
    model.compile(keras.optimizers.SGD(0.0))
    history = model.fit(x, y, batch_size=2, epochs=2, verbose=0, shuffle=False)
    # No learning: identical epochs only if the trackers restart from zero.
    assert history.history["loss"][0] == history.history["loss"][1]


class PenalizedModel(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(1)

    def call(self, inputs):
        return self.dense(inputs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training)
        return loss + (1.0 if training else 10.0)


class OldSignatureModel(PenalizedModel):
    def compute_loss(self, x, y, y_pred, sample_weight):  # Keras < 3.3: no `training`
        return ops.mean(ops.abs(y - y_pred)) + 1.0


def test_compute_loss_override():
    x, y, _ = data()
    model = PenalizedModel()
    model.compile(keras.optimizers.SGD(0.0), "mse", metrics=["mse"])
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0, validation_data=(x, y))
    h = {k: v[0] for k, v in history.history.items()}
    np.testing.assert_allclose(h["loss"], h["mse"] + 1.0, rtol=1e-6)
    np.testing.assert_allclose(h["val_loss"], h["val_mse"] + 10.0, rtol=1e-6)
    model = OldSignatureModel()
    model.compile(keras.optimizers.SGD(0.0), metrics=["mae"])
    h = model.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    np.testing.assert_allclose(h["loss"][0], h["mae"][0] + 1.0, rtol=1e-6)


def test_train_step_returning_extra_logs_on_top_of_super():
    x, y, _ = data()

    class Extra(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)
            self.calls = keras.metrics.Sum(name="calls")

        def call(self, inputs):
            return self.dense(inputs)

        def train_step(self, data):
            logs = super().train_step(data)
            self.calls.update_state(1.0)
            return {**logs, "steps_seen": self.calls.result()}

    model = Extra()
    model.compile("sgd", "mse")
    assert model.metrics_names == ["loss", "calls"]
    history = model.fit(x, y, batch_size=2, epochs=1, verbose=0)
    assert history.history["calls"] == [4.0] and history.history["steps_seen"] == [4.0]


def test_custom_test_and_predict_steps():
    x, y, _ = data()

    class Doubling(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, inputs):
            return self.dense(inputs)

        def predict_step(self, data):
            return 2.0 * super().predict_step(data)

        def test_step(self, data):
            return {"constant": 3.0}

    model = Doubling()
    model.compile("sgd", "mse")
    np.testing.assert_allclose(model.predict(x, verbose=0), model.predict_on_batch(x),
                               rtol=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0),
                               2.0 * ops.convert_to_numpy(model(x)), rtol=1e-6)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"constant": 3.0}


# ---- errors ----------------------------------------------------------------------------------


def test_usage_errors():
    x, y, _ = data()
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    for call in (lambda: model.fit(x, y), lambda: model.evaluate(x, y),
                 lambda: model.train_on_batch(x, y), lambda: model.test_on_batch(x, y)):
        with pytest.raises(ValueError, match=r"You must call `compile\(\)` before using the "
                                             r"model."):
            call()
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="Data cardinality is ambiguous. Make sure all arrays "
                                         "contain the same number of samples.'x' sizes: 8\n'y' "
                                         "sizes: 5"):
        model.fit(x, y[:5], verbose=0)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        model.fit(x, y, sample_weight=np.ones(3), verbose=0)
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4, but "
                                         r"received input with shape \(8, 3\)"):
        model.fit(x[:, :3], y, verbose=0)
    with pytest.raises(ValueError, match=r"Arguments not recognized: \{'foo': 1\}"):
        model.evaluate(x, y, foo=1)
    with pytest.raises(ValueError, match="Unrecognized data type"):
        model.fit("not data", verbose=0)
    no_loss = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    no_loss.compile("sgd")
    with pytest.raises(ValueError, match=r"No loss to compute. Provide a `loss` argument in "
                                         r"`compile\(\)`."):
        no_loss.fit(x, y, verbose=0)
