"""The fused dot_product_attention kernel (one pass over key blocks with an online softmax, and a
backward pass that recomputes each block's probabilities) against a NumPy reference written from
softmax(q k^T * scale + bias) v, float64 finite differences, the thread count, and bad inputs.
Shapes cross the kernel's blocks of 64 query rows and 128 keys."""

import numpy as np
import pytest
from child_process import assert_clear_errors
from gradcheck import central_differences

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

MASKED_LOGIT = -0.7 * np.finfo(np.float64).max


def reference(q, k, v, bias=None, mask=None, scale=None, is_causal=False):
    """softmax over keys of (q k^T) * scale + bias, masked and causal entries replaced by
    Keras's -0.7 * max, then times v; heads n read key head n // (N / K)."""
    n_heads, kv_heads = q.shape[2], k.shape[2]
    group = np.arange(n_heads) // (n_heads // kv_heads)
    k, v = k[:, :, group], v[:, :, group]
    scale = 1 / np.sqrt(q.shape[3]) if scale is None else scale
    logits = np.einsum("btnh,bsnh->bnts", q, k) * scale
    if bias is not None:
        logits = logits + bias
    keep = np.ones(logits.shape, bool)
    if mask is not None:
        keep &= np.broadcast_to(mask, logits.shape)
    if is_causal:
        keep &= np.tril(np.ones(logits.shape[2:], bool))
    logits = np.where(keep, logits, MASKED_LOGIT)
    if logits.shape[-1] == 0:  # no keys: an empty weighted sum
        return np.zeros(q.shape[:3] + v.shape[3:])
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    return np.einsum("bnts,bsnh->btnh", probs, v)


def make_case(B, T, N, H, S, K, Hv, bias=False, mask=False, seed=0, dtype="float64"):
    rng = np.random.default_rng(seed)
    arrays = {"query": rng.standard_normal((B, T, N, H)), "key": rng.standard_normal((B, S, K, H)),
              "value": rng.standard_normal((B, S, K, Hv))}
    if bias:
        arrays["bias"] = rng.standard_normal((1, N, T, S))
    arrays = {name: a.astype(dtype) for name, a in arrays.items()}
    if mask:
        m = rng.random((B, 1, T, S)) > 0.3
        m[0, 0, min(1, T - 1), :] = False  # one fully masked row: uniform weights
        arrays["mask"] = m
    return arrays


CASES = {
    "one block": (2, 5, 4, 3, 7, 2, 6, False, False, False),
    "rows and keys over several blocks": (2, 70, 2, 8, 140, 1, 5, False, False, False),
    "causal, skipped key blocks": (1, 150, 2, 4, 300, 2, 3, True, False, False),
    "causal with bias and mask": (2, 66, 2, 4, 130, 2, 3, True, True, True),
    "grouped heads, bias": (1, 9, 6, 2, 11, 3, 4, False, True, False),
    "no keys": (2, 3, 1, 2, 0, 1, 2, False, False, False),
    "no queries": (2, 0, 1, 2, 4, 1, 2, False, False, False),
}


@pytest.mark.parametrize("label", CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_forward_matches_numpy(label, dtype):
    *shape, causal, bias, mask = CASES[label]
    arrays = make_case(*shape, bias=bias, mask=mask, dtype=dtype)
    out = ops.dot_product_attention(**arrays, is_causal=causal)
    assert out.dtype == dtype
    bias_array = arrays.get("bias")
    expected = reference(arrays["query"].astype(np.float64), arrays["key"].astype(np.float64),
                         arrays["value"].astype(np.float64),
                         None if bias_array is None else bias_array.astype(np.float64),
                         arrays.get("mask"), is_causal=causal)
    tol = 1e-12 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(out.numpy(), expected, rtol=tol, atol=tol)


def test_scale_and_lower_rank_bias_broadcast():
    arrays = make_case(2, 4, 2, 3, 5, 2, 3)
    bias = np.random.default_rng(1).standard_normal((4, 5))  # (T, S), as NumPy broadcasts it
    out = ops.dot_product_attention(arrays["query"], arrays["key"], arrays["value"], bias=bias,
                                    scale=0.3)
    expected = reference(arrays["query"], arrays["key"], arrays["value"], bias, scale=0.3)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


GRAD_CASES = {
    "plain": (2, 5, 2, 3, 6, 1, 4, False, False, False),
    "causal with bias and mask": (2, 6, 2, 3, 7, 2, 2, True, True, True),
    "blocks": (1, 66, 1, 2, 130, 1, 2, True, True, False),
}


@pytest.mark.parametrize("label", GRAD_CASES)
def test_gradients_match_finite_differences(label):
    *shape, causal, bias, mask = GRAD_CASES[label]
    arrays = make_case(*shape, bias=bias, mask=mask, seed=2)
    floats = {name: a for name, a in arrays.items() if name != "mask"}
    variables = {name: keras.Variable(a) for name, a in floats.items()}
    weights = np.random.default_rng(3).uniform(0.5, 1.5, size=(shape[0], shape[1], shape[2],
                                                                 shape[6]))
    with keras.GradientTape() as tape:
        out = ops.dot_product_attention(**{n: v.value for n, v in variables.items()},
                                        mask=arrays.get("mask"), is_causal=causal)
        total = ops.sum(out * weights)
    grads = tape.gradient(total, list(variables.values()))

    def evaluate():
        return reference(floats["query"], floats["key"], floats["value"], floats.get("bias"),
                         arrays.get("mask"), is_causal=causal)

    rng = np.random.default_rng(4)
    for (name, value), grad in zip(floats.items(), grads):
        coords = rng.choice(value.size, size=min(value.size, 40), replace=False)
        numeric = central_differences(evaluate, value, weights, coords)
        np.testing.assert_allclose(grad.numpy().reshape(-1)[coords], numeric, atol=1e-7,
                                   err_msg=name)


def test_bias_gradient_sums_over_broadcast_axes():
    arrays = make_case(3, 4, 2, 3, 5, 1, 2, seed=5)
    bias = keras.Variable(np.random.default_rng(6).standard_normal((1, 2, 1, 5)))
    with keras.GradientTape() as tape:
        total = ops.sum(ops.dot_product_attention(arrays["query"], arrays["key"],
                                                  arrays["value"], bias=bias.value) ** 2)
    grad = tape.gradient(total, bias)
    assert grad.shape == (1, 2, 1, 5)
    b = bias.numpy().copy()

    def evaluate():
        return np.sum(reference(arrays["query"], arrays["key"], arrays["value"], b) ** 2,
                      keepdims=True)

    numeric = central_differences(evaluate, b, np.ones((1, 1, 1, 1)), np.arange(b.size))
    np.testing.assert_allclose(grad.numpy().reshape(-1), numeric, atol=1e-7)


def test_results_do_not_depend_on_the_thread_count():
    arrays = make_case(3, 70, 2, 8, 140, 1, 5, bias=True, mask=True, seed=7, dtype="float32")
    runs = []
    for threads in (1, 2, 3):
        keras.config.set_num_threads(threads)
        variables = [keras.Variable(arrays[n]) for n in ("query", "key", "value", "bias")]
        with keras.GradientTape() as tape:
            out = ops.dot_product_attention(*(v.value for v in variables), mask=arrays["mask"],
                                            is_causal=True)
            total = ops.sum(out * out)
        runs.append([out.numpy()] + [g.numpy() for g in tape.gradient(total, variables)])
    keras.config.set_num_threads(2)
    for first, other in zip(runs[0], runs[1]):
        np.testing.assert_array_equal(first, other)
    for first, other in zip(runs[0], runs[2]):
        np.testing.assert_array_equal(first, other)


def test_one_kernel_call_each_way():
    arrays = make_case(2, 5, 2, 3, 6, 1, 4)
    variables = [keras.Variable(arrays[n]) for n in ("query", "key", "value")]
    before = E.dispatch_count("attention"), E.dispatch_count("attention_grad")
    with keras.GradientTape() as tape:
        total = ops.sum(ops.dot_product_attention(*(v.value for v in variables)))
    tape.gradient(total, variables)
    after = E.dispatch_count("attention"), E.dispatch_count("attention_grad")
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


_E = "__import__('keras_like.backend.engine', fromlist=['_engine'])._engine"


def _z(shape, dtype="float32"):
    return f"{_E}.from_numpy(np.zeros({shape}, '{dtype}'))"


BAD_CALLS = {
    "rank 3 query": f"{_E}.dot_product_attention({_z((2, 3, 4))}, {_z((2, 3, 1, 4))}, "
                    f"{_z((2, 3, 1, 4))}, scale=1.0)",
    "head sizes differ": f"{_E}.dot_product_attention({_z((2, 3, 1, 4))}, {_z((2, 3, 1, 5))}, "
                         f"{_z((2, 3, 1, 4))}, scale=1.0)",
    "heads not a multiple": f"{_E}.dot_product_attention({_z((2, 3, 3, 4))}, "
                            f"{_z((2, 3, 2, 4))}, {_z((2, 3, 2, 4))}, scale=1.0)",
    "value of another length": f"{_E}.dot_product_attention({_z((2, 3, 1, 4))}, "
                               f"{_z((2, 3, 1, 4))}, {_z((2, 5, 1, 4))}, scale=1.0)",
    "integer query": f"{_E}.dot_product_attention({_z((2, 3, 1, 4), 'int32')}, "
                     f"{_z((2, 3, 1, 4), 'int32')}, {_z((2, 3, 1, 4), 'int32')}, scale=1.0)",
    "float mask": f"{_E}.dot_product_attention({_z((2, 3, 1, 4))}, {_z((2, 3, 1, 4))}, "
                  f"{_z((2, 3, 1, 4))}, mask={_z((1, 1, 3, 3))}, scale=1.0)",
    "bias not broadcastable": f"{_E}.dot_product_attention({_z((2, 3, 1, 4))}, "
                              f"{_z((2, 3, 1, 4))}, {_z((2, 3, 1, 4))}, "
                              f"bias={_z((1, 1, 2, 3))}, scale=1.0)",
    "zero key heads": f"{_E}.dot_product_attention({_z((2, 3, 1, 4))}, {_z((2, 3, 0, 4))}, "
                      f"{_z((2, 3, 0, 4))}, scale=1.0)",
    "mask of rank 5 through ops": "ops.dot_product_attention(np.zeros((2, 3, 1, 4), 'float32'), "
                                  "np.zeros((2, 3, 1, 4), 'float32'), "
                                  "np.zeros((2, 3, 1, 4), 'float32'), "
                                  "mask=np.ones((1, 1, 1, 3, 3), bool))",
}


def test_bad_arguments_raise_clear_errors():
    assert_clear_errors(BAD_CALLS, "dot_product_attention")
