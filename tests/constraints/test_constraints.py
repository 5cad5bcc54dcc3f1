"""keras_like.constraints: projections vs NumPy, configs and name resolution."""

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like
from keras_like import constraints, ops

EPS = 1e-7  # keras_like.config.epsilon()


def _norms(w, axis):
    return np.sqrt(np.square(w).sum(axis=tuple(np.atleast_1d(axis)), keepdims=True))


def _max_norm(w, max_value, axis):
    n = _norms(w, axis)
    return w * np.clip(n, 0, max_value) / (EPS + n)


def _unit_norm(w, axis):
    return w / (EPS + _norms(w, axis))


def _min_max_norm(w, lo, hi, rate, axis):
    n = _norms(w, axis)
    desired = rate * np.clip(n, lo, hi) + (1 - rate) * n
    return w * desired / (EPS + n)


CASES = [
    ("MaxNorm", lambda: constraints.MaxNorm(max_value=1.5), lambda w: _max_norm(w, 1.5, 0)),
    ("MaxNorm_axis1", lambda: constraints.MaxNorm(max_value=1.0, axis=1),
     lambda w: _max_norm(w, 1.0, 1)),
    ("UnitNorm", lambda: constraints.UnitNorm(), lambda w: _unit_norm(w, 0)),
    ("UnitNorm_axis1", lambda: constraints.UnitNorm(axis=1), lambda w: _unit_norm(w, 1)),
    ("MinMaxNorm", lambda: constraints.MinMaxNorm(0.5, 1.5),
     lambda w: _min_max_norm(w, 0.5, 1.5, 1.0, 0)),
    ("MinMaxNorm_rate", lambda: constraints.MinMaxNorm(2.0, 3.0, rate=0.25, axis=1),
     lambda w: _min_max_norm(w, 2.0, 3.0, 0.25, 1)),
    ("NonNeg", lambda: constraints.NonNeg(), lambda w: np.maximum(w, 0)),
    ("Constraint", lambda: constraints.Constraint(), lambda w: w),
]


@pytest.mark.parametrize("name, make, reference", CASES, ids=[c[0] for c in CASES])
def test_projection_against_numpy(name, make, reference):
    # Entries in [-2, 2] give column norms on both sides of the MaxNorm/MinMaxNorm bounds.
    check_op(make(), reference, [(4, 5)], dtype="float64")
    w = random_array((4, 5), "float32")
    out = make()(ops.convert_to_tensor(w))
    assert out.dtype == "float32"
    np.testing.assert_allclose(out.numpy(), reference(w.astype(np.float64)), rtol=1e-5,
                               atol=1e-6)


def test_conv_kernel_axes():
    w = random_array((3, 3, 2, 4), "float64")
    out = constraints.MaxNorm(max_value=1.0, axis=[0, 1, 2])(w).numpy()
    np.testing.assert_allclose(out, _max_norm(w, 1.0, (0, 1, 2)), rtol=1e-10)
    filter_norms = np.sqrt(np.square(out).sum(axis=(0, 1, 2)))
    assert np.all(filter_norms <= 1.0 + 1e-9)
    unit = constraints.UnitNorm(axis=[0, 1, 2])(w).numpy()
    np.testing.assert_allclose(np.sqrt(np.square(unit).sum(axis=(0, 1, 2))), 1.0, rtol=1e-6)


def test_norms_land_in_range():
    w = random_array((6, 8), "float64", -3, 3)
    out = constraints.MinMaxNorm(min_value=1.0, max_value=2.0)(w).numpy()
    norms = np.sqrt(np.square(out).sum(axis=0))
    assert np.all(norms >= 1.0 - 1e-6) and np.all(norms <= 2.0 + 1e-6)


def test_applies_to_a_variable():
    v = keras_like.Variable(np.array([[-1.0, 2.0], [3.0, -4.0]], "float32"))
    v.assign(constraints.NonNeg()(v))
    np.testing.assert_array_equal(v.numpy(), [[0.0, 2.0], [3.0, 0.0]])


def test_defaults_match_keras():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0,
                                                     "rate": 1.0, "axis": 0}
    assert constraints.NonNeg().get_config() == {}


@pytest.mark.parametrize("constraint", [
    constraints.MaxNorm(3.0, axis=[0, 1]), constraints.NonNeg(), constraints.UnitNorm(axis=1),
    constraints.MinMaxNorm(0.1, 0.9, 0.5, axis=-1),
], ids=lambda c: type(c).__name__)
def test_config_round_trip(constraint):
    config = constraint.get_config()
    assert type(constraint).from_config(config).get_config() == config
    serialized = constraints.serialize(constraint)
    assert serialized == {"module": "keras.constraints", "class_name": type(constraint).__name__,
                          "config": config, "registered_name": None}
    restored = constraints.get(serialized)
    assert type(restored) is type(constraint) and restored.get_config() == config


def test_real_keras_config():
    # As Keras 3.15.1 wrote it (../shared/fixtures/keras/dumps/layer_catalog.json).
    config = {"module": "keras.constraints", "class_name": "NonNeg", "config": {},
              "registered_name": None}
    c = constraints.get(config)
    assert isinstance(c, constraints.NonNeg) and constraints.serialize(c) == config


@pytest.mark.parametrize("name, cls", [
    ("max_norm", "MaxNorm"), ("MaxNorm", "MaxNorm"), ("non_neg", "NonNeg"),
    ("NonNeg", "NonNeg"), ("unit_norm", "UnitNorm"), ("min_max_norm", "MinMaxNorm"),
    ("MinMaxNorm", "MinMaxNorm"), ("constraint", "Constraint"),
])
def test_get_by_name(name, cls):
    assert type(constraints.get(name)).__name__ == cls


def test_get_passthrough_none_and_errors():
    assert constraints.get(None) is None
    c = constraints.MaxNorm(1.0)
    assert constraints.get(c) is c
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)
    for bad in ("nonneg_please", 2, {"class_name": "Nope", "config": {}}):
        with pytest.raises(ValueError, match="Could not interpret constraint identifier"):
            constraints.get(bad)
