"""`set_num_threads` validates in Python, so a refused value never changes the pool."""

import pytest

import keras_like as keras
from keras_like.backend import config


@pytest.fixture(autouse=True)
def restore_threads():
    original = keras.config.get_num_threads()
    yield
    keras.config.set_num_threads(original)


@pytest.mark.parametrize("n", [0, -4, 10**6, 1025, 2.0, True, "4", None])
def test_refused_values_leave_the_thread_count_alone(n):
    keras.config.set_num_threads(2)
    with pytest.raises(ValueError, match=r"Expected an integer in \[1, 1024\]\. "
                                         rf"Received: n={n!r}"):
        keras.config.set_num_threads(n)
    assert keras.config.get_num_threads() == 2


def test_accepted_values_take_effect():
    import numpy as np

    keras.config.set_num_threads(np.int64(3))
    assert keras.config.get_num_threads() == 3
    keras.config.set_num_threads(1)
    assert keras.config.get_num_threads() == 1


def test_an_engine_failure_restores_the_previous_count(monkeypatch):
    class RefusingEngine:
        """Fails to start a pool the way the engine did, after recording the new count."""

        def __init__(self):
            self.count = 2

        def num_threads(self):
            return self.count

        def set_num_threads(self, n):
            self.count = n
            if n == 900:
                raise RuntimeError("Resource temporarily unavailable")

    engine = RefusingEngine()
    monkeypatch.setattr(config, "_engine", engine)
    with pytest.raises(RuntimeError, match="Resource temporarily unavailable"):
        keras.config.set_num_threads(900)
    assert engine.count == 2
