"""Test helpers: compare ops to NumPy and gradients to float64 central differences."""

import numpy as np

import keras_like as keras
from keras_like import ops

_RNG = np.random.default_rng(1234)


def random_array(shape, dtype="float32", low=-2.0, high=2.0, rng=None):
    rng = rng or _RNG
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def numerical_grad(fn, arrays, index, eps=1e-6):
    """d sum(fn(*arrays) * weights) / d arrays[index] by central differences (float64)."""
    base = [np.array(a, dtype=np.float64) for a in arrays]
    out = np.asarray(fn(*[ops.convert_to_tensor(a) for a in base]).numpy(), dtype=np.float64)
    weights = np.random.default_rng(7).uniform(0.5, 1.5, size=out.shape)
    grad = np.zeros_like(base[index])
    flat = grad.reshape(-1)
    target = base[index].reshape(-1)
    for i in range(target.size):
        old = target[i]
        target[i] = old + eps
        plus = np.sum(np.asarray(fn(*[ops.convert_to_tensor(a) for a in base]).numpy()) * weights)
        target[i] = old - eps
        minus = np.sum(np.asarray(fn(*[ops.convert_to_tensor(a) for a in base]).numpy()) * weights)
        target[i] = old
        flat[i] = (plus - minus) / (2 * eps)
    return grad, weights


def analytic_grad(fn, arrays, weights):
    tensors = [ops.convert_to_tensor(np.array(a, dtype=np.float64)) for a in arrays]
    with keras.GradientTape() as tape:
        tape.watch(tensors)
        y = fn(*tensors)
        loss = ops.sum(ops.multiply(y, ops.convert_to_tensor(weights)))
    return [None if g is None else g.numpy() for g in tape.gradient(loss, tensors)]


def check_op(fn, np_fn, shapes, grad=True, dtype="float32", rtol=None, atol=None,
             low=-2.0, high=2.0, grad_args=None, arrays=None, grad_rtol=1e-5, grad_atol=1e-6):
    """Checks fn against np_fn on random inputs, then its gradient against finite differences.

    `shapes` lists input shapes; `grad_args` limits which inputs are differentiated.
    Returns the forward result for further assertions.
    """
    if arrays is None:
        arrays = [random_array(s, dtype, low, high) for s in shapes]
    result = fn(*[ops.convert_to_tensor(a) for a in arrays])
    expected = np_fn(*arrays)
    got = ops.convert_to_numpy(result)
    if rtol is None:
        rtol = {"float16": 1e-2, "bfloat16": 2e-2, "float32": 1e-5, "float64": 1e-10}.get(dtype, 0)
    if atol is None:
        atol = {"float16": 1e-2, "bfloat16": 2e-2, "float32": 1e-6, "float64": 1e-12}.get(dtype, 0)
    np.testing.assert_allclose(got, np.asarray(expected), rtol=rtol, atol=atol)
    assert tuple(result.shape) == tuple(np.shape(expected)), (result.shape, np.shape(expected))
    if grad:
        indices = range(len(arrays)) if grad_args is None else grad_args
        for i in indices:
            numeric, weights = numerical_grad(fn, arrays, i)
            analytic = analytic_grad(fn, arrays, weights)[i]
            assert analytic is not None, f"no gradient for input {i}"
            np.testing.assert_allclose(analytic, numeric, rtol=grad_rtol, atol=grad_atol,
                                       err_msg=f"gradient of input {i}")
    return result


def run_layer_test(layer_cls, init_kwargs=None, input_shape=(2, 3), input_dtype="float32",
                   input_data=None, expected_output_shape=None, expected_output=None,
                   expected_num_trainable_weights=None, expected_num_non_trainable_weights=None,
                   supports_masking=None, run_training_check=True, atol=1e-6, rtol=1e-6,
                   custom_objects=None):
    """The common contract of every layer (after Keras's testing `run_layer_test`):

    build on first call; output shape (eager and symbolic agree); weight counts;
    get_config -> from_config gives an equal config and, after copying weights, equal outputs;
    a functional model around the layer survives get_weights/set_weights; one training step
    runs and changes the trainable weights. Returns the layer's eager output.
    """
    from keras_like import layers, models

    init_kwargs = dict(init_kwargs or {})
    if input_data is None:
        input_data = random_array(input_shape, input_dtype, -1.0, 1.0)
    x = ops.convert_to_tensor(input_data)
    layer = layer_cls(**init_kwargs)
    assert not layer.built or not layer.weights
    out = layer(x)
    assert layer.built, "layer is not built after its first call"
    out_shape = tuple(out.shape)
    if expected_output_shape is not None:
        assert out_shape == tuple(expected_output_shape), (out_shape, expected_output_shape)
    if expected_output is not None:
        np.testing.assert_allclose(ops.convert_to_numpy(out), expected_output, atol=atol,
                                   rtol=rtol)
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    if supports_masking is not None:
        assert layer.supports_masking == supports_masking

    # Symbolic call: shapes agree with the eager call (batch dimension unknown).
    symbolic_in = layers.Input(batch_shape=(None, *tuple(x.shape)[1:]), dtype=x.dtype)
    fresh = layer_cls(**init_kwargs)
    symbolic_out = fresh(symbolic_in)
    assert tuple(symbolic_out.shape)[1:] == out_shape[1:], (symbolic_out.shape, out_shape)

    # Config round trip, then equal outputs once the weights are copied.
    config = layer.get_config()
    clone = layer_cls.from_config(config) if custom_objects is None else \
        layer_cls.from_config(config)
    assert clone.get_config() == config, (clone.get_config(), config)
    clone(x)
    clone.set_weights(layer.get_weights())
    if not init_kwargs.get("rate") and not init_kwargs.get("stddev"):
        np.testing.assert_allclose(ops.convert_to_numpy(clone(x)), ops.convert_to_numpy(out),
                                   atol=atol, rtol=rtol)

    # Functional model, weight round trip, and one training step.
    model = models.Model(symbolic_in, symbolic_out)
    model.set_weights([w.numpy() for w in fresh.weights])
    if run_training_check and fresh.trainable_weights and \
            str(out.dtype).startswith(("float", "bfloat")):
        before = [w.numpy().copy() for w in fresh.trainable_weights]
        model.compile(optimizer="sgd", loss="mse")
        target = np.zeros(out_shape, dtype=str(out.dtype))
        model.train_on_batch(input_data, target)
        after = [w.numpy() for w in fresh.trainable_weights]
        assert any(not np.array_equal(b, a) for b, a in zip(before, after)), \
            "a training step did not change any trainable weight"
    return out
