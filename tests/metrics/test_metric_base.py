"""The `Metric` base class: state variables, reset, tracking, naming, config."""

import numpy as np
import pytest

from keras_like import Variable, ops
from keras_like.metrics import Mean, Metric, Sum


class CountAbove(Metric):
    """Counts values above a threshold; state starts at `start`."""

    def __init__(self, threshold=0.0, start=0.0, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.threshold = threshold
        self.start = start
        self.count = self.add_variable(shape=(), initializer=lambda shape, dtype: ops.full(
            shape, start, dtype=dtype), name="count")
        self.ones = self.add_variable(shape=(2,), initializer="ones", name="ones")

    def update_state(self, values):
        above = ops.cast(ops.greater(values, self.threshold), self.dtype)
        self.count.assign_add(ops.sum(above))

    def result(self):
        return self.count.value

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold, "start": self.start}


def test_add_variable_creates_non_trainable_named_state():
    m = CountAbove(name="counter")
    assert [v.path for v in m.variables] == ["counter/count", "counter/ones"]
    assert all(isinstance(v, Variable) and not v.trainable for v in m.variables)
    assert m.count.dtype == "float32" and m.ones.shape == (2,)
    np.testing.assert_array_equal(m.ones.numpy(), [1.0, 1.0])


def test_update_result_and_call():
    m = CountAbove(threshold=0.5, start=2.0)
    m.update_state(np.array([0.1, 0.7, 0.9]))
    assert float(m.result()) == 4.0
    assert float(m(np.array([1.0]))) == 5.0


def test_reset_state_restores_initial_values_in_place():
    m = CountAbove(start=3.0)
    count_before = m.count
    m.update_state(np.array([1.0, 2.0]))
    m.ones.assign(np.zeros(2, "float32"))
    m.reset_state()
    assert m.count is count_before
    assert float(m.result()) == 3.0
    np.testing.assert_array_equal(m.ones.numpy(), [1.0, 1.0])


def test_dtype_controls_state_and_result():
    m = CountAbove(dtype="float64")
    m.update_state(np.array([1.0]))
    assert m.dtype == "float64" and m.result().dtype == "float64"
    assert CountAbove(dtype="mixed_float16").dtype == "float16"


def test_auto_names_are_unique_snake_case():
    first, second = CountAbove(), CountAbove()
    assert first.name.startswith("count_above")
    assert first.name != second.name


def test_nested_metrics_contribute_variables_and_reset():
    class Pair(Metric):
        def __init__(self):
            super().__init__(name="pair")
            self.parts = [Mean(name="a"), Sum(name="b")]

        def update_state(self, x):
            for p in self.parts:
                p.update_state(x)

        def result(self):
            return self.parts[0].result() + self.parts[1].result()

    m = Pair()
    assert [v.path for v in m.variables] == ["a/total", "a/count", "b/total"]
    m.update_state([1.0, 3.0])
    assert float(m.result()) == 6.0
    m.reset_state()
    assert float(m.result()) == 0.0


def test_directly_assigned_variable_is_tracked():
    class Manual(Metric):
        def __init__(self):
            super().__init__(name="manual")
            self.v = Variable(np.zeros(3, "float32"), trainable=False, name="v")

    assert [v.name for v in Manual().variables] == ["v"]


def test_forgetting_super_init_raises():
    class Broken(Metric):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match="forgot to call `super\\(\\).__init__\\(\\)`"):
        Broken().add_variable((), "zeros")


def test_unknown_initializer_string_raises():
    class Bad(Metric):
        def __init__(self):
            super().__init__(name="bad")
            self.v = self.add_variable((), "no_such_initializer")

    with pytest.raises(ValueError):
        Bad()


def test_config_round_trip_and_repr():
    m = CountAbove(threshold=0.25, start=1.0, name="c", dtype="float64")
    config = m.get_config()
    assert config == {"name": "c", "dtype": "float64", "threshold": 0.25, "start": 1.0}
    clone = CountAbove.from_config(config)
    assert clone.get_config() == config
    assert repr(clone) == "<CountAbove name=c>"


def test_base_methods_must_be_overridden():
    m = Metric(name="plain")
    with pytest.raises(NotImplementedError):
        m.update_state(1.0)
    with pytest.raises(NotImplementedError):
        m.result()
    assert m.get_config() == {"name": "plain", "dtype": "float32"}
