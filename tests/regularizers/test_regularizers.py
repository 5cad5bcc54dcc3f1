"""keras_like.regularizers: penalties vs NumPy, gradients, configs and name resolution."""

import numpy as np
import pytest
from helpers import check_op, random_array

import keras_like
from keras_like import ops, regularizers


def _l1(x, f):
    return f * np.abs(x).sum()


def _l2(x, f):
    return f * np.square(x).sum()


def _orthogonal(x, factor, mode):
    v = x if mode == "rows" else x.T
    v = v / np.linalg.norm(v, axis=1, keepdims=True)
    product = v @ v.T
    n = v.shape[0]
    off = np.abs(product - np.diag(np.diag(product))).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


CASES = [
    ("L1", lambda: regularizers.L1(0.3), lambda x: _l1(x, 0.3)),
    ("L2", lambda: regularizers.L2(0.2), lambda x: _l2(x, 0.2)),
    ("L1L2", lambda: regularizers.L1L2(l1=0.1, l2=0.4), lambda x: _l1(x, 0.1) + _l2(x, 0.4)),
    ("L1L2_l2_only", lambda: regularizers.L1L2(l2=0.4), lambda x: _l2(x, 0.4)),
    ("Orthogonal_rows", lambda: regularizers.OrthogonalRegularizer(0.5, "rows"),
     lambda x: _orthogonal(x, 0.5, "rows")),
    ("Orthogonal_columns", lambda: regularizers.OrthogonalRegularizer(0.5, "columns"),
     lambda x: _orthogonal(x, 0.5, "columns")),
]


@pytest.mark.parametrize("name, make, reference", CASES, ids=[c[0] for c in CASES])
def test_penalty_and_gradient_against_numpy(name, make, reference):
    reg = make()
    # Inputs away from 0 (|x| in [0.2, 2]) keep L1 differentiable for the gradient check.
    x = random_array((4, 3), "float64", 0.2, 2.0) * np.where(
        random_array((4, 3), "float64", -1, 1) > 0, 1, -1)
    result = check_op(reg, reference, [(4, 3)], dtype="float64", arrays=[x])
    assert result.shape == ()


@pytest.mark.parametrize("name, make, reference", CASES, ids=[c[0] for c in CASES])
def test_float32_penalty_keeps_dtype(name, make, reference):
    x = random_array((5, 4), "float32")
    out = make()(ops.convert_to_tensor(x))
    assert out.dtype == "float32" and out.shape == ()
    np.testing.assert_allclose(out.numpy(), reference(x.astype(np.float64)), rtol=1e-5)


def test_defaults_match_keras():
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.L2().get_config() == {"l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}
    assert regularizers.L1(None).l1 == 0.01 and regularizers.L2(None).l2 == 0.01
    assert regularizers.L1L2(None, None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_l2_on_variable_matches_docstring():
    assert float(regularizers.L2(2.0)(keras_like.Variable(np.ones((5, 5), "float32")))) == 50.0


def test_zero_penalty_is_a_scalar_tensor():
    out = regularizers.L1L2()(ops.ones((3, 3), dtype="float64"))
    assert out.dtype == "float64" and out.shape == () and float(out) == 0.0
    assert regularizers.Regularizer()(ops.ones((2,))) == 0.0


def test_orthogonal_regularizer_is_zero_on_orthogonal_rows():
    q = np.linalg.qr(random_array((5, 5), "float64"))[0]
    assert abs(float(regularizers.OrthogonalRegularizer(1.0)(q))) < 1e-12
    assert abs(float(regularizers.OrthogonalRegularizer(1.0, "columns")(q))) < 1e-12


@pytest.mark.parametrize("cls, arg", [(regularizers.L1, "l1"), (regularizers.L2, "l2")])
@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1", True])
def test_invalid_factor(cls, arg, bad):
    with pytest.raises(ValueError, match=f"Invalid value for argument {arg}: expected a "
                                         "non-negative float"):
        cls(bad)


def test_invalid_l1l2_and_orthogonal_arguments():
    with pytest.raises(ValueError, match="Invalid value for argument l2"):
        regularizers.L1L2(l1=0.1, l2=-1.0)
    with pytest.raises(ValueError, match="Invalid value for argument factor"):
        regularizers.OrthogonalRegularizer(factor=-1.0)
    with pytest.raises(ValueError, match='Expected one of {"rows", "columns"}. Received: '
                                         "mode=diag"):
        regularizers.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match=r"must have rank 2. Received: inputs.shape=\(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), "float32"))


@pytest.mark.parametrize("reg", [regularizers.L1(0.5), regularizers.L2(0.25),
                                 regularizers.L1L2(0.1, 0.2),
                                 regularizers.OrthogonalRegularizer(0.3, "columns")],
                         ids=lambda r: type(r).__name__)
def test_config_round_trip(reg):
    config = reg.get_config()
    assert type(reg).from_config(config).get_config() == config
    serialized = regularizers.serialize(reg)
    assert serialized == {"module": "keras.regularizers", "class_name": type(reg).__name__,
                          "config": config, "registered_name": None}
    restored = regularizers.get(serialized)
    assert type(restored) is type(reg) and restored.get_config() == config


def test_real_keras_config():
    # As Keras 3.15.1 wrote it (../shared/fixtures/keras/dumps/layer_catalog.json).
    config = {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01},
              "registered_name": None}
    reg = regularizers.get(config)
    assert isinstance(reg, regularizers.L2) and regularizers.serialize(reg) == config
    legacy = regularizers.get({"class_name": "L1L2",
                               "config": {"l1": 0.0, "l2": 0.009999999776482582}})
    assert isinstance(legacy, regularizers.L1L2) and legacy.l2 == pytest.approx(0.01)


@pytest.mark.parametrize("name, cls", [
    ("l1", "L1"), ("L1", "L1"), ("l2", "L2"), ("L2", "L2"), ("l1l2", "L1L2"),
    ("l1_l2", "L1L2"), ("L1L2", "L1L2"), ("orthogonal_regularizer", "OrthogonalRegularizer"),
    ("OrthogonalRegularizer", "OrthogonalRegularizer"),
])
def test_get_by_name(name, cls):
    assert type(regularizers.get(name)).__name__ == cls


def test_get_passthrough_none_and_errors():
    assert regularizers.get(None) is None
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg

    def custom(x):
        return ops.sum(x)

    assert regularizers.get(custom) is custom
    for bad in ("l3", 0.1, {"class_name": "Nope", "config": {}}):
        with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
            regularizers.get(bad)


def test_base_get_config_not_implemented():
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        regularizers.Regularizer().get_config()
