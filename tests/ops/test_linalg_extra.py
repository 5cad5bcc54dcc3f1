"""pinv, matrix_rank and jvp against NumPy and finite differences."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (2, 4, 6), (0, 3)])
def test_pinv(shape):
    x = np.random.default_rng(1).normal(size=shape)
    np.testing.assert_allclose(ops.pinv(x).numpy(), np.linalg.pinv(x), atol=1e-10)
    assert ops.pinv(x.astype("float32")).dtype == "float32"


def test_pinv_rcond_gradient_and_rank_deficient():
    x = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    np.testing.assert_allclose(ops.pinv(x).numpy(), np.linalg.pinv(x), atol=1e-12)
    np.testing.assert_allclose(ops.pinv(x, rcond=0.5).numpy(), np.linalg.pinv(x, rcond=0.5))
    check_op(ops.pinv, np.linalg.pinv, [(4, 3)], dtype="float64", grad_rtol=1e-4)
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.pinv(np.ones(3))


def test_matrix_rank():
    rng = np.random.default_rng(2)
    low = rng.normal(size=(3, 5, 2)) @ rng.normal(size=(3, 2, 4))
    np.testing.assert_array_equal(ops.matrix_rank(low).numpy(), np.linalg.matrix_rank(low))
    assert ops.matrix_rank(low).dtype == "int32"
    eye = np.eye(4)
    assert int(ops.matrix_rank(eye)) == 4
    assert int(ops.matrix_rank(eye * 1e-3, tol=1e-2)) == 0
    assert int(ops.matrix_rank(np.zeros((3, 3)))) == 0
    with pytest.raises(ValueError, match="rank >= 2"):
        ops.matrix_rank(np.ones(3))


def test_jvp_matches_finite_differences():
    def fun(x, y):
        return ops.sum(ops.sin(x) * y, axis=0), ops.exp(x)

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    tx, ty = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    (out1, out2), (t1, t2) = ops.jvp(fun, (x, y), (tx, ty))
    eps = 1e-6
    plus = fun(x + eps * tx, y + eps * ty)
    minus = fun(x - eps * tx, y - eps * ty)
    np.testing.assert_allclose(t1.numpy(), (plus[0].numpy() - minus[0].numpy()) / (2 * eps),
                               rtol=1e-6)
    np.testing.assert_allclose(t2.numpy(), (plus[1].numpy() - minus[1].numpy()) / (2 * eps),
                               rtol=1e-6)
    np.testing.assert_allclose(out1.numpy(), np.sum(np.sin(x) * y, axis=0))


def test_jvp_has_aux_unconnected_and_errors():
    out, tangent, aux = ops.jvp(lambda x: (x * 3.0, "aux"), (np.ones(2),), (np.ones(2),),
                                has_aux=True)
    np.testing.assert_allclose(tangent.numpy(), [3.0, 3.0])
    assert aux == "aux"
    _, tangent = ops.jvp(lambda x: ops.ones((2,)), (np.ones(2),), (np.ones(2),))
    np.testing.assert_array_equal(tangent.numpy(), [0.0, 0.0])
    with pytest.raises(ValueError, match="same length"):
        ops.jvp(ops.sin, (np.ones(2),), ())
    with pytest.raises(ValueError, match="shape"):
        ops.jvp(ops.sin, (np.ones(2),), (np.ones(3),))
