import numpy as np
import pytest

import keras_like as keras
from keras_like import ops


def test_custom_gradient_replaces_the_gradient():
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(upstream):
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1.0, e))

        return ops.log(1.0 + e), grad

    x = ops.convert_to_tensor(np.array([0.0, 1.0, 100.0], np.float32))
    with keras.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(y.numpy()[:2], np.log1p(np.exp([0.0, 1.0])), rtol=1e-6)
    np.testing.assert_allclose(g, 1.0 - 1.0 / (1.0 + np.exp([0.0, 1.0, 100.0])), rtol=1e-6)
    assert np.isfinite(g).all()


def test_custom_gradient_two_inputs_and_chain_rule():
    @ops.custom_gradient
    def scaled_product(a, b):
        def grad(upstream):
            return upstream * b * 10.0, upstream * a

        return a * b, grad

    a = keras.Variable(np.array([2.0, 3.0], np.float32))
    b = keras.Variable(np.array([5.0, 7.0], np.float32))
    with keras.GradientTape() as tape:
        y = ops.sum(ops.square(scaled_product(a, b)))
    ga, gb = tape.gradient(y, [a, b])
    upstream = 2.0 * a.numpy() * b.numpy()
    np.testing.assert_allclose(ga.numpy(), upstream * b.numpy() * 10.0)
    np.testing.assert_allclose(gb.numpy(), upstream * a.numpy())


def test_custom_gradient_wrong_count_raises():
    @ops.custom_gradient
    def bad(a, b):
        return a + b, lambda upstream: upstream

    a = keras.Variable(np.ones(2, np.float32))
    b = keras.Variable(np.ones(2, np.float32))
    with keras.GradientTape() as tape:
        y = ops.sum(bad(a, b))
    with pytest.raises(ValueError, match="returned 1 gradients for 2 inputs"):
        tape.gradient(y, [a, b])
