"""Random draws are replayable: same numbers as before, no host reads, state advanced on device.

`tests/data/random_reference.npz` holds draws made by the implementation that read the
SeedGenerator state on the host (regenerate with `tools/random_reference.py` only when a
change of numbers is intended).
"""

import importlib.util
import os

import numpy as np
import pytest

import keras_like as keras
from keras_like import layers, ops
from keras_like import random as kr
from keras_like.backend.engine import _engine
from keras_like.ops import random_draws
from keras_like.random import seed_generator as sg
from keras_like.utils import set_random_seed

HERE = os.path.dirname(__file__)
REFERENCE = os.path.join(HERE, "..", "data", "random_reference.npz")
TOOL = os.path.join(HERE, "..", "..", "tools", "random_reference.py")


@pytest.fixture(autouse=True)
def _fresh_global_generator():
    saved = sg._global_generator
    yield
    sg.set_global_seed_generator(saved)


def _load_tool():
    spec = importlib.util.spec_from_file_location("random_reference", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draws_match_saved_reference_bit_for_bit():
    expected = np.load(REFERENCE)
    got = _load_tool().reference_draws()
    assert sorted(got) == sorted(expected.files)
    for name in expected.files:
        assert got[name].dtype == expected[name].dtype, name
        assert got[name].shape == expected[name].shape, name
        assert got[name].tobytes() == expected[name].tobytes(), name


def _draws_from(gen):
    x = ops.ones((4, 6))
    return [
        lambda: kr.normal((5, 3), seed=gen),
        lambda: kr.uniform((7,), minval=-1.0, maxval=2.0, seed=gen),
        lambda: kr.uniform((7,), dtype="bfloat16", seed=gen),
        lambda: kr.truncated_normal((9,), seed=gen),
        lambda: kr.randint((6,), 0, 10, seed=gen),
        lambda: kr.gamma((8,), alpha=0.5, seed=gen),
        lambda: kr.beta((8,), alpha=2.0, beta=3.0, seed=gen),
        lambda: kr.binomial((8,), counts=[1.0, 5.0, 50.0, 500.0] * 2, probabilities=0.3,
                            seed=gen),
        lambda: kr.binomial((8,), counts=40, probabilities=0.6, seed=gen),
        lambda: kr.categorical([[0.0, 1.0, 2.0]], 4, seed=gen),
        lambda: kr.dropout(x, 0.5, seed=gen),
        lambda: kr.shuffle(ops.arange(10), seed=gen),
        lambda: gen.next(num_blocks=2),
    ]


def test_seed_generator_draws_read_nothing_on_the_host():
    gen = kr.SeedGenerator(11)
    draws = _draws_from(gen)
    for draw in draws:  # first calls may build cached helpers
        draw()
    before = _engine.host_read_count()
    for _ in range(3):
        for draw in draws:
            draw()
    assert _engine.host_read_count() == before


def test_global_and_integer_seeds_read_nothing_on_the_host():
    set_random_seed(3)
    kr.normal((3,))
    before = _engine.host_read_count()
    for i in range(5):
        kr.normal((3,))
        kr.uniform((3,), seed=i)
        kr.gamma((3,), 2.0, seed=i)
        kr.dropout(ops.ones((3,)), 0.3, seed=np.array([i, 7], "int64"))
    assert _engine.host_read_count() == before


def test_layers_in_training_read_nothing_on_the_host():
    x = ops.ones((4, 8))
    noise, drop = layers.GaussianNoise(0.1, seed=1), layers.Dropout(0.5, seed=2)
    noise(x, training=True)
    drop(x, training=True)
    before = _engine.host_read_count()
    for _ in range(5):
        drop(noise(x, training=True), training=True)
    assert _engine.host_read_count() == before


def test_generator_counter_advances_by_blocks_read():
    gen = kr.SeedGenerator(5)
    kr.normal((10,), seed=gen)  # 3 blocks
    kr.gamma((4,), 2.0, seed=gen)  # 1 block per stream, 65 streams
    np.testing.assert_array_equal(gen.state.numpy(), [5, 3 + 65])


def test_draw_reads_state_before_the_advance():
    gen = kr.SeedGenerator(21)
    first = kr.uniform((6,), seed=gen)
    stateless = _engine.random("uniform", [6], "float32", 21, 0)
    np.testing.assert_array_equal(first.numpy(), stateless.numpy())


def test_counter_wraps_modulo_two_to_the_64():
    gen = kr.SeedGenerator(9)
    gen.state.assign(np.array([9, 2**63 - 2], np.int64))
    a = kr.uniform((12,), seed=gen)  # 3 blocks: counters 2**63 - 2 .. 2**63
    np.testing.assert_array_equal(gen.state.numpy(), [9, -(2**63) + 1])
    b = kr.uniform((4,), seed=gen)  # the uint64 counter 2**63 + 1, stored as int64
    np.testing.assert_array_equal(
        a.numpy(), _engine.random("uniform", [12], "float32", 9, 2**63 - 2).numpy())
    np.testing.assert_array_equal(
        b.numpy(), _engine.random("uniform", [4], "float32", 9, 2**63 + 1).numpy())
    gen.state.assign(np.array([9, -1], np.int64))  # the uint64 counter 2**64 - 1
    kr.uniform((8,), seed=gen)
    np.testing.assert_array_equal(gen.state.numpy(), [9, 1])


def test_next_returns_a_snapshot_not_the_live_state():
    gen = kr.SeedGenerator(4)
    taken = gen.next(num_blocks=3)
    kr.normal((4,), seed=gen)
    np.testing.assert_array_equal(taken.numpy(), [4, 0])
    np.testing.assert_array_equal(gen.state.numpy(), [4, 4])


def test_seed_generator_sequence_replays_after_set_random_seed():
    def run():
        set_random_seed(77)
        gen = kr.SeedGenerator()
        return [np.asarray(ops.convert_to_numpy(draw())) for draw in _draws_from(gen)]

    for a, b in zip(run(), run()):
        assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("make_layer", [
    lambda: layers.Dropout(0.4),
    lambda: layers.GaussianNoise(0.3),
    lambda: layers.GaussianDropout(0.3),
    lambda: layers.AlphaDropout(0.2),
    lambda: layers.SpatialDropout1D(0.5),
])
def test_noise_layers_are_deterministic_under_set_random_seed(make_layer):
    x = ops.reshape(ops.arange(2 * 5 * 6, dtype="float32"), (2, 5, 6))

    def run():
        set_random_seed(123)
        layer = make_layer()
        return [np.asarray(layer(x, training=True)) for _ in range(3)]

    first, second = run(), run()
    for a, b in zip(first, second):
        assert a.tobytes() == b.tobytes()
    assert first[0].tobytes() != first[1].tobytes()  # each call draws new numbers
    np.testing.assert_array_equal(np.asarray(make_layer()(x, training=False)), np.asarray(x))


@pytest.fixture
def restore_threads():
    original = keras.config.get_num_threads()
    yield
    keras.config.set_num_threads(original)


def test_samplers_are_thread_count_independent(restore_threads):
    def draws():
        gen = kr.SeedGenerator(2)
        return [np.asarray(ops.convert_to_numpy(x)) for x in (
            kr.normal((20001,), seed=gen),
            kr.gamma((20001,), alpha=[0.3, 3.0, 30.0] * 6667, seed=gen),
            kr.binomial((20001,), counts=[4.0, 400.0, 4e5] * 6667, probabilities=0.4,
                        seed=gen),
            kr.dropout(ops.ones((101, 203)), 0.5, seed=gen),
        )]

    results = []
    for n in (1, 2, 3):
        keras.config.set_num_threads(n)
        results.append(draws())
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert a.tobytes() == b.tobytes()


def test_bfloat16_bound_matches_the_engine_cast():
    values = np.random.default_rng(0).standard_normal(2000) * 10.0 ** np.arange(-20, 20, 0.02)
    values = np.concatenate([values, [0.0, -0.0, 1.0, 1.0 + 2**-9, 3e38, 1e300, -1e300]])
    engine = _engine.cast(_engine.cast(_engine.from_numpy(values), "bfloat16"), "float32")
    expected = np.asarray(engine.numpy(), np.float64)
    got = np.array([random_draws._bfloat16_nearest(v) for v in values])
    np.testing.assert_array_equal(got, expected)


def test_seed_errors_are_unchanged():
    with pytest.raises(ValueError, match="must be either an integer or an instance"):
        kr.normal((2,), seed="abc")
    with pytest.raises(ValueError, match="must be either an integer or an instance"):
        kr.normal((2,), seed=np.array([1.0, 2.0]))
