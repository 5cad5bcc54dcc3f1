"""Learning rate schedules against NumPy versions of Keras's formulas, plus (de)serialization."""

import math

import numpy as np
import pytest

import keras_like as keras
from keras_like import ops
from keras_like.optimizers import schedules

STEPS = [0, 1, 7, 10, 15, 20, 33, 100, 250]


def step_kinds(step):
    """The same step as a Python int, int32 / float32 tensors and an int64 Variable."""
    return [
        step,
        ops.convert_to_tensor(step, dtype="int32"),
        ops.convert_to_tensor(float(step), dtype="float32"),
        keras.Variable(step, dtype="int64", trainable=False),
    ]


def check(schedule, reference, steps=STEPS, rtol=1e-5, atol=1e-7):
    for step in steps:
        expected = reference(float(step))
        for s in step_kinds(step):
            got = schedule(s)
            assert ops.is_tensor(got) and got.dtype == "float32", (s, got)
            assert tuple(got.shape) == ()
            np.testing.assert_allclose(
                ops.convert_to_numpy(got), expected, rtol=rtol, atol=atol, err_msg=f"step={s}")


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_decay(staircase):
    def ref(step):
        p = step / 10
        return 0.1 * 0.96 ** (math.floor(p) if staircase else p)

    check(schedules.ExponentialDecay(0.1, 10, 0.96, staircase=staircase), ref)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay(staircase):
    def ref(step):
        p = step / 7
        return 0.2 / (1 + 0.5 * (math.floor(p) if staircase else p))

    check(schedules.InverseTimeDecay(0.2, 7, 0.5, staircase=staircase), ref)


@pytest.mark.parametrize("power", [1.0, 0.5, 2.0])
def test_polynomial_decay(power):
    def ref(step):
        step = min(step, 30)
        return (0.1 - 0.001) * (1 - step / 30) ** power + 0.001

    check(schedules.PolynomialDecay(0.1, 30, 0.001, power=power), ref)


def test_polynomial_decay_cycle():
    def ref(step):
        decay_steps = 30 * (1.0 if step == 0 else math.ceil(step / 30))
        return (0.1 - 0.01) * (1 - step / decay_steps) ** 0.5 + 0.01

    check(schedules.PolynomialDecay(0.1, 30, 0.01, power=0.5, cycle=True), ref,
          steps=STEPS + [30, 31, 60, 61])


def test_piecewise_constant_decay():
    boundaries, values = [10, 20, 100], [1.0, 0.5, 0.25, 0.1]

    def ref(step):
        # Keras's docs: values[0] for step <= b[0], values[i] for b[i-1] < step <= b[i], ...
        for b, v in zip(boundaries, values):
            if step <= b:
                return v
        return values[-1]

    check(schedules.PiecewiseConstantDecay(boundaries, values), ref,
          steps=STEPS + [9, 11, 19, 21, 99, 101])


def test_piecewise_constant_boundaries_follow_step_dtype():
    schedule = schedules.PiecewiseConstantDecay([10.5], [1.0, 0.5])
    # An int step truncates the boundary to 10 (Keras casts boundaries to the step's dtype).
    assert float(schedule(ops.convert_to_tensor(10))) == 1.0
    assert float(schedule(ops.convert_to_tensor(11))) == 0.5
    assert float(schedule(ops.convert_to_tensor(10.25))) == 1.0
    assert float(schedule(ops.convert_to_tensor(10.75))) == 0.5


@pytest.mark.parametrize("alpha", [0.0, 0.1])
def test_cosine_decay(alpha):
    def ref(step):
        step = min(step, 40)
        cosine = 0.5 * (1 + math.cos(math.pi * step / 40))
        return 0.1 * ((1 - alpha) * cosine + alpha)

    check(schedules.CosineDecay(0.1, 40, alpha=alpha), ref)


def test_cosine_decay_with_warmup():
    initial, target, warmup, decay, alpha = 0.0, 0.2, 10, 50, 0.05

    def ref(step):
        step = min(step, decay + warmup)
        if step < warmup:
            return (target - initial) * step / warmup + initial
        cosine = 0.5 * (1 + math.cos(math.pi * (step - warmup) / decay))
        return target * ((1 - alpha) * cosine + alpha)

    schedule = schedules.CosineDecay(initial, decay, alpha=alpha, warmup_target=target,
                                     warmup_steps=warmup)
    check(schedule, ref, steps=STEPS + [5, 9, 59, 60, 61])


def test_cosine_decay_with_target_and_no_warmup_steps():
    schedule = schedules.CosineDecay(0.5, 10, warmup_target=0.2, warmup_steps=0)
    check(schedule, lambda s: 0.2 * 0.5 * (1 + math.cos(math.pi * min(s, 10) / 10)))


@pytest.mark.parametrize("t_mul,m_mul,alpha", [(2.0, 1.0, 0.0), (1.0, 0.5, 0.1), (1.5, 0.8, 0.0)])
def test_cosine_decay_restarts(t_mul, m_mul, alpha):
    first = 10

    def ref(step):
        # Walk the periods: period i lasts first * t_mul**i steps and starts at m_mul**i.
        start, length, i = 0.0, float(first), 0
        while step >= start + length:
            start += length
            length *= t_mul
            i += 1
        fraction = (step - start) / length
        cosine = 0.5 * m_mul**i * (1 + math.cos(math.pi * fraction))
        return 0.3 * ((1 - alpha) * cosine + alpha)

    schedule = schedules.CosineDecayRestarts(0.3, first, t_mul=t_mul, m_mul=m_mul, alpha=alpha)
    # Steps right at a restart are skipped for t_mul != 1: float32 log/floor may land on
    # either side of the boundary there, in Keras as well.
    steps = [0, 3, 9, 11, 14, 29, 31, 45, 69, 71, 100, 150]
    check(schedule, ref, steps=steps, rtol=2e-5, atol=1e-6)


def test_float64_learning_rate_tensor_keeps_its_dtype():
    schedule = schedules.ExponentialDecay(ops.convert_to_tensor(0.1, dtype="float64"), 10, 0.5)
    got = schedule(5)
    assert got.dtype == "float64"
    np.testing.assert_allclose(ops.convert_to_numpy(got), 0.1 * 0.5**0.5, rtol=1e-14)


def test_int_learning_rate_computes_in_float32():
    schedule = schedules.CosineDecay(0, 10, warmup_target=1, warmup_steps=4)
    got = schedule(1)
    assert got.dtype == "float32"
    np.testing.assert_allclose(ops.convert_to_numpy(got), 0.25)


@pytest.mark.parametrize("cls,kwargs,name", [
    (schedules.ExponentialDecay, {"decay_steps": 0, "decay_rate": 0.5}, "decay_steps"),
    (schedules.InverseTimeDecay, {"decay_steps": -1, "decay_rate": 0.5}, "decay_steps"),
    (schedules.PolynomialDecay, {"decay_steps": 0}, "decay_steps"),
    (schedules.CosineDecay, {"decay_steps": 0}, "decay_steps"),
    (schedules.CosineDecayRestarts, {"first_decay_steps": 0}, "first_decay_steps"),
])
def test_decay_steps_must_be_positive(cls, kwargs, name):
    with pytest.raises(ValueError, match=f"Argument `{name}` must be > 0. Received: {name}="):
        cls(0.1, **kwargs)


def test_piecewise_length_mismatch():
    with pytest.raises(ValueError, match="length of boundaries should be 1 less than the length"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])


def test_base_class_errors():
    class NoCall(schedules.LearningRateSchedule):
        pass

    with pytest.raises(NotImplementedError, match="'NoCall' must override `__call__"):
        NoCall()(1)
    with pytest.raises(NotImplementedError, match="must override `get_config\\(\\)`"):
        NoCall().get_config()


KERAS_CONFIG_KEYS = {
    schedules.ExponentialDecay: (
        (0.1, 10, 0.9), ["initial_learning_rate", "decay_steps", "decay_rate", "staircase",
                         "name"]),
    schedules.PiecewiseConstantDecay: (([5, 9], [1.0, 0.5, 0.1]), ["boundaries", "values", "name"]),
    schedules.PolynomialDecay: (
        (0.1, 10), ["initial_learning_rate", "decay_steps", "end_learning_rate", "power",
                    "cycle", "name"]),
    schedules.InverseTimeDecay: (
        (0.1, 10, 0.5), ["initial_learning_rate", "decay_steps", "decay_rate", "staircase",
                         "name"]),
    schedules.CosineDecay: (
        (0.1, 10), ["initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target",
                    "warmup_steps"]),
    schedules.CosineDecayRestarts: (
        (0.1, 10), ["initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha",
                    "name"]),
}


@pytest.mark.parametrize("cls", list(KERAS_CONFIG_KEYS))
def test_config_keys_and_round_trips(cls):
    args, keys = KERAS_CONFIG_KEYS[cls]
    schedule = cls(*args)
    config = schedule.get_config()
    assert list(config) == keys
    clone = cls.from_config(config)
    assert clone.get_config() == config

    serialized = schedules.serialize(schedule)
    assert serialized == {"module": "keras.optimizers.schedules", "class_name": cls.__name__,
                          "config": config, "registered_name": None}
    restored = schedules.deserialize(serialized)
    assert type(restored) is cls and restored.get_config() == config
    for step in (0, 3, 12):
        np.testing.assert_array_equal(ops.convert_to_numpy(restored(step)),
                                      ops.convert_to_numpy(schedule(step)))


def test_deserialize_legacy_form_string_and_tuple():
    legacy = {"class_name": "PolynomialDecay",
              "config": {"initial_learning_rate": 0.1, "decay_steps": 10000,
                         "end_learning_rate": 0.01, "power": 0.5, "cycle": False, "name": None}}
    assert schedules.deserialize(legacy).power == 0.5
    boundaries = {"class_name": "__tuple__", "config": {"value": [1, 2]}}
    restored = schedules.deserialize({
        "module": "keras.optimizers.schedules", "class_name": "PiecewiseConstantDecay",
        "config": {"boundaries": boundaries, "values": [3.0, 2.0, 1.0], "name": "p"},
        "registered_name": None})
    assert restored.boundaries == (1, 2)


def test_custom_schedule_with_custom_objects():
    class HalfEvery(schedules.LearningRateSchedule):
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, step):
            return ops.multiply(self.rate, ops.power(0.5, ops.cast(step, "float32")))

        def get_config(self):
            return {"rate": self.rate}

    config = schedules.serialize(HalfEvery(0.4))
    assert config["class_name"] == "HalfEvery" and config["config"] == {"rate": 0.4}
    restored = schedules.deserialize(config, custom_objects={"HalfEvery": HalfEvery})
    np.testing.assert_allclose(ops.convert_to_numpy(restored(2)), 0.1, rtol=1e-6)
    with pytest.raises(TypeError, match="Could not locate class 'HalfEvery'"):
        schedules.deserialize(config)


def test_serialize_rejects_non_schedules():
    with pytest.raises(TypeError, match="Expected a `LearningRateSchedule`"):
        schedules.serialize(0.1)
    with pytest.raises(ValueError, match="Could not interpret serialized decay"):
        schedules.deserialize([1, 2])
