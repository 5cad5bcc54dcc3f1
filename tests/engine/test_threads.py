"""Results do not depend on the thread count (fixed chunks combined in a fixed order)."""

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.backend.engine import _engine as E

_RNG = np.random.default_rng(42)
BIG = _RNG.standard_normal(10**6).astype(np.float32)
MAT = _RNG.standard_normal((300, 300)).astype(np.float32)
LOGITS = _RNG.standard_normal((500, 1000)).astype(np.float32)
ACTIVATIONS = _RNG.standard_normal((64, 26, 26, 32)).astype(np.float32)


@pytest.fixture
def restore_threads():
    original = keras.config.get_num_threads()
    yield
    keras.config.set_num_threads(original)


CASES = {
    "sum": lambda: ops.sum(ops.convert_to_tensor(BIG)),
    "sum_axis": lambda: ops.sum(ops.convert_to_tensor(LOGITS), axis=0),
    "bias_gradient": lambda: ops.sum(ops.convert_to_tensor(ACTIVATIONS), axis=(0, 1, 2)),
    "mean": lambda: ops.mean(ops.convert_to_tensor(LOGITS), axis=1),
    "matmul": lambda: E.matmul(ops.convert_to_tensor(MAT), ops.convert_to_tensor(MAT)),
    "softmax": lambda: E.softmax(ops.convert_to_tensor(LOGITS), -1),
    "log_softmax": lambda: E.log_softmax(ops.convert_to_tensor(LOGITS), 0),
    "exp": lambda: ops.exp(ops.convert_to_tensor(BIG)),
    "tanh_strided": lambda: ops.tanh(ops.convert_to_tensor(LOGITS)[::2, ::-3]),
    "cumsum": lambda: ops.cumsum(ops.convert_to_tensor(BIG)),
    "sort": lambda: ops.sort(ops.convert_to_tensor(BIG)),
    "normal": lambda: E.random("normal", [10**6], "float32", 1234, 0),
    "uniform": lambda: E.random("uniform", [1001, 7], "float64", 99, 5),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bit_identical_across_thread_counts(name, restore_threads):
    results = []
    for n in (1, 2, 3):
        keras.config.set_num_threads(n)
        assert keras.config.get_num_threads() == n
        results.append(np.array(CASES[name]().numpy()))
    first = results[0]
    for other in results[1:]:
        assert other.dtype == first.dtype
        assert other.shape == first.shape
        # Bitwise equality (NaN-safe): compare the raw bytes.
        assert other.tobytes() == first.tobytes()


def test_sum_is_accurate_at_every_thread_count(restore_threads):
    exact = np.sum(BIG.astype(np.float64))
    for n in (1, 2):
        keras.config.set_num_threads(n)
        got = float(ops.sum(ops.convert_to_tensor(BIG)))
        assert abs(got - exact) < 1e-2


def test_config_and_engine_agree_on_thread_count(restore_threads):
    for n in (1, 3):
        keras.config.set_num_threads(n)
        assert E.num_threads() == n
        assert keras.config.get_num_threads() == n
