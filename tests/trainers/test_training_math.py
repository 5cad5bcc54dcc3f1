"""What fit / evaluate / *_on_batch compute, against NumPy: SGD steps on a linear model with
mean squared error, sample weights, class weights, loss weights, metrics and their
aggregation over batches."""

import numpy as np
import pytest

import keras_like as keras


def data(n=8, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, d), dtype="float32"), rng.random((n, 1), dtype="float32")


def linear(d=3, lr=0.1, **compile_kwargs):
    model = keras.Sequential([keras.Input((d,)), keras.layers.Dense(
        1, kernel_initializer="zeros", bias_initializer="zeros")])
    compile_kwargs.setdefault("loss", "mse")
    model.compile(keras.optimizers.SGD(lr), **compile_kwargs)
    return model


def sgd_step(kernel, bias, x, y, lr, sample_weight=None):
    """One SGD step on mean((x @ kernel + bias - y)^2 * w) reduced over the batch size."""
    w = np.ones(len(x)) if sample_weight is None else np.asarray(sample_weight, "float64")
    err = x @ kernel + bias - y
    g = 2.0 * w[:, None] * err / len(x)
    return kernel - lr * x.T @ g, bias - lr * g.sum(axis=0)


def assert_weights(model, kernel, bias):
    got_kernel, got_bias = model.get_weights()
    np.testing.assert_allclose(got_kernel, kernel, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got_bias, bias, rtol=1e-5, atol=1e-7)


def test_fit_runs_sgd_steps_in_batch_order():
    x, y = data(n=10)
    model = linear()
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    kernel, bias = np.zeros((3, 1)), np.zeros(1)
    losses = []
    for _ in range(2):
        total = 0.0
        for start in range(0, 10, 4):
            xb, yb = x[start:start + 4], y[start:start + 4]
            total += np.sum((xb @ kernel + bias - yb) ** 2)
            kernel, bias = sgd_step(kernel, bias, xb, yb, 0.1)
        losses.append(total / 10)  # the loss tracker weighs batches by their size
    assert_weights(model, kernel, bias)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)


def test_sample_weight_scales_each_sample_loss():
    x, y = data()
    weights = np.array([0, 1, 2, 3, 0, 1, 2, 3], "float32")
    model = linear()
    history = model.fit(x, y, sample_weight=weights, batch_size=8, epochs=1, verbose=0)
    assert_weights(model, *sgd_step(np.zeros((3, 1)), np.zeros(1), x, y, 0.1, weights))
    np.testing.assert_allclose(history.history["loss"][0],
                               np.sum(weights * y[:, 0] ** 2) / 8, rtol=1e-6)


def test_class_weight_weighs_samples_by_label():
    x, _ = data()
    y = np.array([[0], [1], [1], [0], [2], [1], [0], [2]], "float32")
    class_weight = {0: 0.5, 1: 2.0}  # class 2 keeps weight 1
    model = linear()
    model.fit(x, y, class_weight=class_weight, batch_size=8, epochs=1, verbose=0)
    expected_w = np.array([0.5, 2, 2, 0.5, 1, 2, 0.5, 1])
    assert_weights(model, *sgd_step(np.zeros((3, 1)), np.zeros(1), x, y, 0.1, expected_w))
    # One-hot labels are read through their argmax.
    onehot = np.eye(3, dtype="float32")[y[:, 0].astype(int)]
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
    model.compile("sgd", "categorical_crossentropy")
    model.fit(x, onehot, class_weight=class_weight, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="You cannot `class_weight` and `sample_weight` at the "
                                         "same time."):
        model.fit(x, onehot, class_weight=class_weight, sample_weight=np.ones(8), verbose=0)


def test_loss_weights_scale_the_per_output_gradients():
    x, y = data()
    y2 = y * 2.0
    inputs = keras.Input((3,))
    zeros = {"kernel_initializer": "zeros", "bias_initializer": "zeros"}
    model = keras.Model(inputs, [keras.layers.Dense(1, name="a", **zeros)(inputs),
                                 keras.layers.Dense(1, name="b", **zeros)(inputs)])
    model.compile(keras.optimizers.SGD(0.1), loss=["mse", "mse"], loss_weights=[2.0, 0.5])
    history = model.fit(x, [y, y2], batch_size=8, epochs=1, verbose=0)
    ka, ba = sgd_step(np.zeros((3, 1)), np.zeros(1), x, y, 0.1 * 2.0)
    kb, bb = sgd_step(np.zeros((3, 1)), np.zeros(1), x, y2, 0.1 * 0.5)
    got = model.get_weights()
    for value, expected in zip(got, [ka, ba, kb, bb]):
        np.testing.assert_allclose(value, expected, rtol=1e-5)
    mse_a, mse_b = np.mean(y ** 2), np.mean(y2 ** 2)
    h = {k: v[0] for k, v in history.history.items()}
    assert list(h) == ["a_loss", "b_loss", "loss"]
    np.testing.assert_allclose([h["a_loss"], h["b_loss"], h["loss"]],
                               [mse_a, mse_b, 2.0 * mse_a + 0.5 * mse_b], rtol=1e-6)


def test_evaluate_aggregates_losses_and_metrics_over_batches():
    x, y = data(n=10)
    model = linear(metrics=["mae"], weighted_metrics=["mae"])
    rng = np.random.default_rng(3)
    model.set_weights([rng.random((3, 1), dtype="float32"), rng.random((1,), dtype="float32")])
    err = x @ model.get_weights()[0] + model.get_weights()[1] - y
    for batch_size in (3, 10):
        result = model.evaluate(x, y, batch_size=batch_size, verbose=0)
        # As in Keras, both metrics are named "mae", so the list repeats the first one
        # before the remaining key ("weighted_mae").
        np.testing.assert_allclose(result, [np.mean(err ** 2)] + [np.mean(np.abs(err))] * 3,
                                   rtol=1e-5)
    weights = np.arange(10, dtype="float32")
    logs = model.evaluate(x, y, sample_weight=weights, batch_size=4, verbose=0,
                          return_dict=True)
    assert list(logs) == ["loss", "mae", "weighted_mae"]
    np.testing.assert_allclose(logs["loss"], np.sum(weights * err[:, 0] ** 2) / 10, rtol=1e-5)
    np.testing.assert_allclose(logs["mae"], np.mean(np.abs(err)), rtol=1e-5)
    # Weighted metrics normalize by the total weight.
    np.testing.assert_allclose(logs["weighted_mae"],
                               np.sum(weights * np.abs(err[:, 0])) / weights.sum(), rtol=1e-5)


def test_evaluate_return_values():
    x, y = data()
    model = linear()
    loss = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, np.mean(y ** 2), rtol=1e-6)
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {"loss": loss}
    model = linear(metrics=["mae", "mse"])
    values = model.evaluate(x, y, verbose=0)
    assert values == [loss, pytest.approx(np.mean(y)), loss]
    assert model.evaluate(x, y, verbose=0, return_dict=True) == {
        "loss": values[0], "mae": values[1], "mse": values[2]}


def test_train_on_batch_reports_the_loss_before_its_update_and_resets_metrics():
    x, y = data()
    model = linear(metrics=["mae"])
    before = model.test_on_batch(x, y)
    assert before == [pytest.approx(np.mean(y ** 2)), pytest.approx(np.mean(y))]
    assert model.train_on_batch(x, y) == before
    assert_weights(model, *sgd_step(np.zeros((3, 1)), np.zeros(1), x, y, 0.1))
    # Each call starts from fresh metrics: the result is this batch's alone.
    after = model.test_on_batch(x, y, return_dict=True)
    assert model.train_on_batch(x, y, return_dict=True) == after


def test_train_on_batch_with_sample_and_class_weights():
    x, y = data()
    weights = np.linspace(0, 1, 8).astype("float32")
    model = linear()
    model.train_on_batch(x, y, sample_weight=weights)
    assert_weights(model, *sgd_step(np.zeros((3, 1)), np.zeros(1), x, y, 0.1, weights))
    labels = np.array([[0], [1]] * 4, "float32")
    model = linear()
    model.train_on_batch(x, labels, class_weight={1: 3.0})
    assert_weights(model, *sgd_step(np.zeros((3, 1)), np.zeros(1), x, labels, 0.1,
                                    np.array([1, 3] * 4)))
    with pytest.raises(ValueError, match="Arguments `sample_weight` and `class_weight` cannot "
                                         "be specified at the same time"):
        model.train_on_batch(x, labels, sample_weight=weights, class_weight={1: 3.0})


def test_predict_and_predict_on_batch():
    x, _ = data(n=11)
    model = linear()
    rng = np.random.default_rng(5)
    kernel, bias = rng.random((3, 1), dtype="float32"), rng.random((1,), dtype="float32")
    model.set_weights([kernel, bias])
    for batch_size in (None, 4, 11):
        out = model.predict(x, batch_size=batch_size, verbose=0)
        assert isinstance(out, np.ndarray) and out.shape == (11, 1)
        np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-6)
    out = model.predict_on_batch(x)
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-6)


def test_predict_multi_output_structures():
    x, _ = data(n=7)
    inputs = keras.Input((3,))
    a, b = keras.layers.Dense(1)(inputs), keras.layers.Dense(2)(inputs)
    as_list = keras.Model(inputs, [a, b])
    out = as_list.predict(x, batch_size=3, verbose=0)
    assert isinstance(out, list) and [o.shape for o in out] == [(7, 1), (7, 2)]
    as_dict = keras.Model(inputs, {"first": a, "second": b})
    out_dict = as_dict.predict(x, batch_size=3, verbose=0)
    assert sorted(out_dict) == ["first", "second"]
    np.testing.assert_array_equal(out_dict["first"], out[0])
    np.testing.assert_array_equal(out_dict["second"], out[1])
    single = as_dict.predict_on_batch(x)
    np.testing.assert_allclose(single["second"], out[1], rtol=1e-6)


def test_regularization_losses_join_the_loss():
    x, y = data()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
        1, kernel_initializer="ones", bias_initializer="zeros", kernel_regularizer="l2")])
    model.compile(keras.optimizers.SGD(0.0), "mse")
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    pred = x.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(history.history["loss"][0],
                               np.mean((pred - y) ** 2) + 0.01 * 3, rtol=1e-5)
