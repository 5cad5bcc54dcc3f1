"""Graph mode merges a matmul whose one reader is a bias_activation or a bias add (a Dense
layer) into one matmul_bias_activation node: same bits as the eager pair, against NumPy, and
left alone when the product is read elsewhere, returned, or its operands are updated in
between."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.ops import _fused
from keras_like.trainers.data_adapters import to_tensors

RNG = np.random.default_rng(4)


def _node_ops(fn, *args):
    return [node.op for node in fn.get_concrete_function(*args).graph.nodes]


def _numpy_dense(x, w, b, activation):
    y = x.astype(np.float64) @ w.astype(np.float64) + b
    return np.maximum(y, 0) if activation == "relu" else y


# (rows, depth, columns): the packed GEMM (192+ rows) with partial panels, and BLAS's shapes;
# batched inputs put the bias on the last axis of a 3-D product.
@pytest.mark.parametrize("x_shape,n", [((256, 100), 64), ((197, 300), 45), ((8, 20), 5),
                                       ((2, 200, 30), 40)])
@pytest.mark.parametrize("activation", ["relu", "linear"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_merged_dense_matches_eager_bits_and_numpy(x_shape, n, activation, dtype):
    w = RNG.standard_normal((x_shape[-1], n)).astype(dtype)
    b = RNG.standard_normal(n).astype(dtype)

    def dense(x):
        return _fused.bias_activation(ops.matmul(x, ops.convert_to_tensor(w)),
                                      ops.convert_to_tensor(b), activation)

    compiled = keras.function(dense)
    for _ in range(3):
        x = RNG.standard_normal(x_shape).astype(dtype)
        x[..., 0, :3] = [np.nan, np.inf, -np.inf] if dtype == "float32" else x[..., 0, :3]
        got = compiled(x).numpy()
        np.testing.assert_array_equal(got, dense(ops.convert_to_tensor(x)).numpy())
        ok = np.isfinite(got)
        want = _numpy_dense(x, w, b, activation)
        tol = 1e-4 if dtype == "float32" else 1e-10
        np.testing.assert_allclose(got[ok], want[ok], rtol=tol, atol=tol)
    assert _node_ops(compiled, x) == ["matmul_bias_activation"]


def test_not_merged_when_the_product_is_also_returned():
    w, b = RNG.standard_normal((30, 40)).astype("float32"), np.zeros(40, "float32")

    @keras.function
    def both(x):
        z = ops.matmul(x, w)
        return z, _fused.bias_activation(z, ops.convert_to_tensor(b), "relu")

    x = RNG.standard_normal((200, 30)).astype("float32")
    z, y = both(x)
    z, y = both(x)
    np.testing.assert_array_equal(y.numpy(), np.maximum(z.numpy(), 0))
    assert _node_ops(both, x) == ["matmul", "bias_activation"]


def test_not_merged_when_the_product_has_another_reader():
    w, b = RNG.standard_normal((30, 40)).astype("float32"), np.ones(40, "float32")

    @keras.function
    def two_readers(x):
        z = ops.matmul(x, w)
        return _fused.bias_activation(z, ops.convert_to_tensor(b), "relu") + ops.exp(z * 0.01)

    x = RNG.standard_normal((200, 30)).astype("float32")
    two_readers(x)
    assert "matmul_bias_activation" not in _node_ops(two_readers, x)
    z = x.astype(np.float64) @ w
    np.testing.assert_allclose(two_readers(x).numpy(), np.maximum(z + 1, 0) + np.exp(z * 0.01),
                               rtol=1e-5)


def test_not_merged_across_an_update_of_the_weights():
    """The bias_activation runs after the kernel was updated in place: merging would move the
    product past the update."""
    kernel = keras.Variable(RNG.standard_normal((30, 40)).astype("float32"))
    bias = keras.Variable(np.zeros(40, "float32"))

    @keras.function
    def update_between(x):
        z = ops.matmul(x, kernel)
        kernel.assign(kernel * 2.0)
        return _fused.bias_activation(z, bias.value, "linear")

    x = RNG.standard_normal((200, 30)).astype("float32")
    first = update_between(x).numpy()
    w_before = kernel.numpy()
    second = update_between(x).numpy()  # replayed
    np.testing.assert_allclose(second, x.astype(np.float64) @ w_before, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(second, 2 * first, rtol=1e-5, atol=1e-5)
    assert "matmul_bias_activation" not in _node_ops(update_between, x)


def test_compiled_dense_model_training_matches_eager_bits():
    x = RNG.standard_normal((256, 20)).astype("float32")
    y = RNG.integers(0, 3, 256)

    def trained(run_eagerly):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(3)])
        model.compile(optimizer="adam", run_eagerly=run_eagerly,
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=256, epochs=3, verbose=0, shuffle=False)
        return model.get_weights(), model.predict(x, batch_size=256, verbose=0)

    (w_eager, p_eager), (w_compiled, p_compiled) = trained(True), trained(False)
    for a, b in zip(w_eager, w_compiled):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(p_eager, p_compiled)


def test_a_bias_add_after_the_product_merges_with_the_product_on_the_left():
    w = RNG.standard_normal((30, 40)).astype("float32")
    b = RNG.standard_normal(40).astype("float32")

    def left(x):
        return ops.add(ops.matmul(x, w), b)

    def right(x):
        return ops.add(b, ops.matmul(x, w))

    x = RNG.standard_normal((200, 30)).astype("float32")
    for body, merged in ((left, True), (right, False)):
        fn = keras.function(body)
        fn(x)
        got = fn(x).numpy()
        np.testing.assert_array_equal(got, body(x).numpy())
        np.testing.assert_allclose(got, x.astype(np.float64) @ w + b, rtol=1e-4, atol=1e-4)
        assert ("matmul_bias_activation" in _node_ops(fn, x)) == merged


def test_a_softmax_classifier_predicts_with_one_node_per_dense_layer():
    model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(5, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    x = RNG.standard_normal((256, 20)).astype("float32")
    compiled = model.predict(x, batch_size=256, verbose=0)
    step = model._step_function("predict")
    assert [n.op for n in step.get_concrete_function(to_tensors((x,))).graph.nodes] == [
        "matmul_bias_activation", "matmul_bias_activation", "softmax"]
    model.compile(loss="sparse_categorical_crossentropy", run_eagerly=True)
    np.testing.assert_array_equal(compiled, model.predict(x, batch_size=256, verbose=0))
