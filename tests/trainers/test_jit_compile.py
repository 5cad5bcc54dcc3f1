"""compile(jit_compile=...): captured train/test/predict steps give the eager steps' bits."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, ops

RNG = np.random.default_rng(7)


def _mlp():
    return keras.Sequential([
        keras.Input((12,)), layers.Dense(16, activation="relu"), layers.Dropout(0.3, seed=4),
        layers.BatchNormalization(), layers.Dense(3, activation="softmax")])


def _two_inputs():
    a, b = keras.Input((6,), name="a"), keras.Input((4,), name="b")
    h = layers.Concatenate()([layers.Dense(8, activation="tanh")(a), b])
    return keras.Model([a, b], layers.Dense(3, activation="softmax")(h))


def _lstm():
    return keras.Sequential([keras.Input((7,), dtype="int64"), layers.Embedding(20, 8,
                             mask_zero=True), layers.LSTM(6), layers.Dense(3,
                             activation="softmax")])


def _attention():
    tokens = keras.Input((5, 8))
    h = layers.MultiHeadAttention(2, 4, dropout=0.1, seed=2)(tokens, tokens)
    h = layers.LayerNormalization()(h + tokens)
    return keras.Model(tokens, layers.Dense(3, activation="softmax")(layers.Flatten()(h)))


class _TapeModel(keras.Model):
    """A custom train_step with its own GradientTape (Keras's documented pattern)."""

    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(10, activation="relu")
        self.out = layers.Dense(3, activation="softmax")

    def call(self, x):
        return self.out(self.hidden(x))

    def train_step(self, data):
        x, y = data
        with keras.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _data(model_name, n=40):
    y = RNG.integers(0, 3, n)
    if model_name == "two_inputs":
        return {"a": RNG.standard_normal((n, 6)).astype("float32"),
                "b": RNG.standard_normal((n, 4)).astype("float32")}, y
    if model_name == "lstm":
        x = RNG.integers(1, 20, (n, 7))
        x[:, 5:] = 0  # padding, masked
        return x, y
    if model_name == "attention":
        return RNG.standard_normal((n, 5, 8)).astype("float32"), y
    return RNG.standard_normal((n, 12)).astype("float32"), y


BUILDERS = {"mlp": _mlp, "two_inputs": _two_inputs, "lstm": _lstm, "attention": _attention,
            "tape": _TapeModel}


def _trained(name, run_eagerly, x, y):
    keras.utils.set_random_seed(11)
    model = BUILDERS[name]()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=run_eagerly)
    history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
    return model, history.history


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_compiled_fit_evaluate_predict_match_eager_bit_for_bit(name):
    x, y = _data(name)
    eager, eager_history = _trained(name, True, x, y)
    compiled, compiled_history = _trained(name, False, x, y)
    assert compiled.jit_compile and not eager.jit_compile
    assert compiled._compiled_steps["train"].function.trace_count <= 3
    assert compiled_history == eager_history
    for a, b in zip(eager.variables + eager.optimizer.variables,
                    compiled.variables + compiled.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    np.testing.assert_array_equal(compiled.predict(x, batch_size=8, verbose=0),
                                  eager.predict(x, batch_size=8, verbose=0))
    assert compiled.evaluate(x, y, batch_size=8, verbose=0) == \
        eager.evaluate(x, y, batch_size=8, verbose=0)


def _seeded_mlp(seed, run_eagerly, optimizer):
    keras.utils.set_random_seed(seed)
    model = _mlp()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  run_eagerly=run_eagerly)
    return model


def test_train_on_batch_replays_and_matches_eager():
    x, y = _data("mlp", 16)
    results = []
    for run_eagerly in (True, False):
        model = _seeded_mlp(3, run_eagerly, "adam")
        results.append([model.train_on_batch(x, y) for _ in range(5)])
    assert results[0] == results[1]


def test_compiled_step_is_thread_count_independent():
    x, y = _data("mlp", 32)
    weights = []
    for threads in (1, 3):
        previous = keras.config.get_num_threads()
        keras.config.set_num_threads(threads)
        try:
            model, _ = _trained("mlp", False, x, y)
        finally:
            keras.config.set_num_threads(previous)
        weights.append([v.numpy() for v in model.variables])
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


class _HostReadingModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        if float(ops.max(x)) > 1e9:  # decides on the host
            x = x * 0.0
        return self.dense(x)


def _host_reading_model(jit_compile):
    model = _HostReadingModel()
    model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
    return model


def test_auto_falls_back_and_says_why_once_at_verbose_1(capsys):
    model = _host_reading_model("auto")
    x, y = RNG.standard_normal((16, 4)).astype("float32"), np.zeros((16, 2), "float32")
    model.fit(x, y, batch_size=4, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert out.count("The train step runs eagerly") == 1
    assert "test_jit_compile.py" in out and "float(ops.max(x))" in out
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert "runs eagerly" not in capsys.readouterr().out


def test_jit_compile_true_warns_when_it_cannot_capture():
    model = _host_reading_model(True)
    x, y = RNG.standard_normal((8, 4)).astype("float32"), np.zeros((8, 2), "float32")
    with pytest.warns(UserWarning, match="runs eagerly"):
        model.fit(x, y, batch_size=4, epochs=1, verbose=0)


def test_run_eagerly_and_jit_compile_false_never_capture():
    x, y = _data("mlp", 16)
    for kwargs in ({"run_eagerly": True}, {"jit_compile": False}):
        model = _mlp()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", **kwargs)
        model.fit(x, y, batch_size=8, verbose=0)
        assert not model.jit_compile and not model._compiled_steps
    with pytest.warns(UserWarning, match="cannot also be True"):
        _mlp().compile(loss="mse", run_eagerly=True, jit_compile=True)
    with pytest.raises(ValueError, match="jit_compile"):
        _mlp().compile(loss="mse", jit_compile="xla")


def test_changing_trainable_between_fits_is_traced_again():
    x, y = _data("mlp", 16)
    model = _mlp()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    frozen = model.layers[0]
    frozen.trainable = False
    before = frozen.kernel.numpy().copy()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    np.testing.assert_array_equal(frozen.kernel.numpy(), before)


def test_gradient_accumulation_runs_eagerly_and_stays_correct():
    x, y = _data("mlp", 16)
    results = []
    for run_eagerly in (True, False):
        model = _seeded_mlp(5, run_eagerly,
                            keras.optimizers.SGD(0.1, gradient_accumulation_steps=2))
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False)
        results.append([v.numpy() for v in model.variables])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_replacing_the_optimizer_or_its_schedule_traces_again():
    x, y = _data("mlp", 16)
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    kernel = model.layers[0].kernel
    before = kernel.numpy().copy()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    np.testing.assert_array_equal(kernel.numpy(), before)  # learning rate 0: nothing moves
    model.optimizer.learning_rate = keras.optimizers.schedules.ExponentialDecay(0.5, 10, 0.9)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert not np.array_equal(kernel.numpy(), before)
    model.optimizer = keras.optimizers.SGD(0.0)
    moved = kernel.numpy().copy()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    np.testing.assert_array_equal(kernel.numpy(), moved)
