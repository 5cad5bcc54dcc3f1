"""The first call of a layer or model from several threads at once builds it exactly once."""

import sys
import threading
import time

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers

THREADS = 4
REPETITIONS = 25


@pytest.fixture(autouse=True)
def frequent_thread_switches():
    # Switching threads every microsecond makes the interleavings that expose a race common.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def call_from_threads(fn):
    """Runs `fn()` in THREADS threads released together; returns the exceptions raised."""
    barrier = threading.Barrier(THREADS)
    errors = []

    def work():
        barrier.wait()
        try:
            fn()
        except Exception as e:  # collected so the test reports it, not the thread
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_sequential_called_from_threads_gets_one_set_of_weights():
    x = np.ones((2, 8), "float32")
    for _ in range(REPETITIONS):
        model = keras.Sequential([layers.Dense(64), layers.Dense(10)])
        assert call_from_threads(lambda m=model: m(x)) == []
        assert len(model.weights) == 4
        assert [tuple(w.shape) for w in model.weights] == [(8, 64), (64,), (64, 10), (10,)]
        assert len(model.layers) == 2  # one InputLayer inserted, not one per thread


def test_subclassed_model_with_nested_layers_builds_once_per_layer():
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = layers.Dense(3)

        def call(self, x):
            return self.inner(x)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.head = layers.Dense(2)

        def call(self, x):
            return self.head(self.block(x))

    x = np.ones((2, 5), "float32")
    for _ in range(REPETITIONS):
        model = Net()
        assert call_from_threads(lambda m=model: m(x)) == []
        assert len(model.weights) == 4


def test_build_that_marks_itself_built_early_is_waited_for():
    class EarlyBuilt(layers.Layer):
        def build(self, input_shape):
            super().build(input_shape)  # `built` is True before the weight exists
            time.sleep(0.005)
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.scale

    x = np.ones((2, 3), "float32")
    for _ in range(5):
        layer = EarlyBuilt()
        assert call_from_threads(lambda lay=layer: lay(x)) == []
        assert len(layer.weights) == 1


def test_automatic_names_drawn_in_threads_are_distinct():
    # auto_name is what names every layer, metric and optimizer; a tight loop exposes a race
    # that creating whole layers only hits now and then.
    from keras_like.backend import naming

    keras.backend.clear_session()
    names = []
    lock = threading.Lock()

    def draw():
        drawn = [naming.auto_name("threaded") for _ in range(2000)]
        with lock:
            names.extend(drawn)

    assert call_from_threads(draw) == []
    assert len(set(names)) == len(names) == THREADS * 2000
    keras.backend.clear_session()
