"""Train, evaluate, save and reload a linear regression written with GradientTape.

    python -m keras_like.examples.linear_regression
"""

import os
import tempfile

import numpy as np

import keras_like as keras
from keras_like import ops


def make_data(n=2000, features=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    true_w = rng.normal(size=(features, 1)).astype("float32")
    y = x @ true_w + 0.5 + 0.05 * rng.normal(size=(n, 1)).astype("float32")
    return x, y, true_w


def mse(model, x, y):
    w, b = model
    return float(ops.mean(ops.square(ops.matmul(x, w) + b - y)))


def train(x, y, epochs=20, batch_size=64, learning_rate=0.05):
    w = keras.Variable(np.zeros((x.shape[1], 1), "float32"), name="w")
    b = keras.Variable(np.zeros((1,), "float32"), name="b")
    for _ in range(epochs):
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            with keras.GradientTape() as tape:
                loss = ops.mean(ops.square(ops.matmul(xb, w) + b - yb))
            grad_w, grad_b = tape.gradient(loss, [w, b])
            w.assign_sub(grad_w * learning_rate)
            b.assign_sub(grad_b * learning_rate)
    return w, b


def save(model, path):
    w, b = model
    np.savez(path, w=w.numpy(), b=b.numpy())


def load(path):
    data = np.load(path)
    return keras.Variable(data["w"], name="w"), keras.Variable(data["b"], name="b")


def main():
    x, y, true_w = make_data()
    x_train, y_train, x_test, y_test = x[:1600], y[:1600], x[1600:], y[1600:]
    model = train(x_train, y_train)
    test_mse = mse(model, x_test, y_test)
    print(f"test MSE: {test_mse:.5f}")
    print(f"max |w - true_w|: {np.max(np.abs(model[0].numpy() - true_w)):.4f}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "linear_regression.npz")
        save(model, path)
        reloaded = load(path)
    same = np.array_equal(
        ops.matmul(x_test, reloaded[0]).numpy(), ops.matmul(x_test, model[0]).numpy()
    )
    print(f"reloaded model gives identical predictions: {same}")
    if test_mse > 0.01 or not same:
        raise SystemExit("linear regression did not converge")


if __name__ == "__main__":
    main()
