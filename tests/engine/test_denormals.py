"""Engine kernels flush denormals to zero (FTZ/DAZ), on the calling thread and the workers."""

import numpy as np

import keras_like as keras
from keras_like import ops

DENORMAL = np.float32(1e-40)  # below float32's smallest normal (1.18e-38)


def test_denormal_inputs_are_treated_as_zero_small_tensor():
    x = ops.convert_to_tensor(np.full((4,), DENORMAL, np.float32))
    assert np.all(ops.multiply(x, 1.0).numpy() == 0.0)


def test_denormal_inputs_are_treated_as_zero_on_worker_threads():
    original = keras.config.get_num_threads()
    try:
        keras.config.set_num_threads(2)
        x = ops.convert_to_tensor(np.full((1 << 20,), DENORMAL, np.float32))
        assert np.all(ops.multiply(x, 1.0).numpy() == 0.0)
    finally:
        keras.config.set_num_threads(original)


def test_numpy_in_the_same_thread_keeps_denormals():
    # The flush mode is restored after each engine call, so NumPy code around it is unaffected.
    ops.multiply(ops.convert_to_tensor(np.ones(4, np.float32)), 2.0)
    assert np.float32(DENORMAL) * np.float32(1.0) != 0.0
