"""`clear_session()` resets names and the dtype policy like Keras and returns cached memory."""

import pytest

import keras_like as keras
from keras_like import _engine, ops


@pytest.fixture(autouse=True)
def fresh_session():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


def test_names_and_uids_start_again():
    names = [keras.layers.Dense(10).name for _ in range(11)]
    assert names[0] == "dense" and names[10] == "dense_10"
    assert keras.backend.get_uid("dense") == 12
    keras.backend.clear_session()
    assert keras.layers.Dense(10).name == "dense"
    assert keras.backend.get_uid("fresh_prefix") == 1


def test_global_dtype_policy_returns_to_floatx():
    keras.config.set_dtype_policy("mixed_float16")
    assert keras.layers.Dense(1).compute_dtype == "float16"
    keras.backend.clear_session()
    assert keras.config.dtype_policy().name == keras.config.floatx()
    assert keras.layers.Dense(1).compute_dtype == "float32"


@pytest.mark.parametrize("clear", [keras.backend.clear_session, keras.utils.clear_session])
def test_freed_tensor_memory_goes_back_to_the_system(clear):
    tensors = [ops.ones((1024, 1024)) for _ in range(4)]  # 4 MiB each
    del tensors
    assert _engine.cached_bytes() >= 4 * (4 << 20)
    clear()
    assert _engine.cached_bytes() == 0


def test_without_free_memory_the_cache_is_still_emptied():
    tensor = ops.zeros((512, 1024))
    del tensor
    assert _engine.cached_bytes() > 0
    keras.backend.clear_session(free_memory=False)
    assert _engine.cached_bytes() == 0
