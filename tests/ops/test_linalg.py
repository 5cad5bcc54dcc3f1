"""keras_like.ops.linalg against numpy.linalg, with float64 finite-difference gradients."""

import numpy as np
import pytest
from helpers import check_op

from keras_like import ops

RNG = np.random.default_rng(20240611)
INF = np.inf


def well_conditioned(shape, dtype="float64"):
    """Random square matrices, diagonally dominant enough to be safely invertible."""
    n = shape[-1]
    return (RNG.uniform(-1, 1, size=shape) + 3 * np.eye(n)).astype(dtype)


def spd(shape, dtype="float64"):
    x = RNG.standard_normal(shape)
    return (x @ np.swapaxes(x, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


def make_spd(x):
    """A symmetric positive-definite matrix built from any x, differentiably."""
    n = x.shape[-1]
    return ops.add(ops.matmul(x, ops.swapaxes(x, -1, -2)), n * np.eye(n))


def sym(x):
    return ops.multiply(ops.add(x, ops.swapaxes(x, -1, -2)), 0.5)


def np_sym(x):
    return (x + np.swapaxes(x, -1, -2)) / 2


def tol(dtype):
    return {"float32": 1e-4, "float64": 1e-10}[dtype]


# ----------------------------------------------------------------------------- forward


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 3, 3)])
def test_det_inv_forward(dtype, shape):
    a = well_conditioned(shape, dtype)
    got = ops.det(a)
    assert got.dtype == dtype and tuple(got.shape) == shape[:-2]
    np.testing.assert_allclose(got.numpy(), np.linalg.det(a), rtol=tol(dtype))
    got = ops.inv(a)
    assert got.dtype == dtype and tuple(got.shape) == shape
    np.testing.assert_allclose(got.numpy(), np.linalg.inv(a), rtol=tol(dtype), atol=tol(dtype))


def test_det_sign_follows_row_swaps():
    # Permutation matrices: det is exactly the permutation's sign.
    for perm in [[0, 1, 2], [1, 0, 2], [2, 0, 1], [2, 1, 0], [1, 2, 0]]:
        p = np.eye(3)[perm]
        assert ops.det(p).numpy() == pytest.approx(np.linalg.det(p))
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert ops.det(singular).numpy() == pytest.approx(0.0, abs=1e-12)


def test_slogdet_forward():
    a = RNG.standard_normal((3, 4, 4))
    sign, logabsdet = ops.linalg.slogdet(a)
    expected = np.linalg.slogdet(a)
    np.testing.assert_allclose(sign.numpy(), expected.sign)
    np.testing.assert_allclose(logabsdet.numpy(), expected.logabsdet, rtol=1e-10)
    # Where det underflows to 0, slogdet stays finite.
    tiny = np.eye(200) * 1e-3
    assert ops.det(tiny).numpy() == 0.0
    assert ops.linalg.slogdet(tiny)[1].numpy() == pytest.approx(200 * np.log(1e-3))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("a_shape,b_shape", [
    ((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 4)), ((2, 3, 3), (3, 1)),
    ((3, 3), (2, 3, 2)), ((2, 1, 3, 3), (4, 3, 2)), ((2, 3, 3), (3,)),
])
def test_solve_forward(dtype, a_shape, b_shape):
    a = well_conditioned(a_shape, dtype)
    b = RNG.standard_normal(b_shape).astype(dtype)
    got = ops.solve(a, b)
    expected = np.linalg.solve(a, b)
    assert got.dtype == dtype and tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=tol(dtype), atol=tol(dtype))


def test_solve_promotes_dtypes():
    a = well_conditioned((3, 3), "float32")
    b = np.arange(3)
    got = ops.solve(a, b)
    assert got.dtype == "float32"
    np.testing.assert_allclose(got.numpy(), np.linalg.solve(a, b), rtol=1e-5)
    assert ops.solve(a, b.astype("float64")).dtype == "float64"
    assert ops.det(np.array([[2, 1], [1, 3]])).dtype == "float32"


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("a_shape,b_shape", [
    ((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3)), ((2, 3, 3), (2, 3, 4)),
    ((2, 3, 3), (1, 3, 2)), ((3, 3), (2, 3, 2)), ((2, 2, 3, 3), (3, 2)),
])
def test_solve_triangular_forward(lower, a_shape, b_shape):
    a = well_conditioned(a_shape)
    b = RNG.standard_normal(b_shape)
    tri = np.tril(a) if lower else np.triu(a)
    got = ops.solve_triangular(a, b, lower=lower)
    if len(b_shape) == len(a_shape) - 1:
        expected = np.linalg.solve(tri, b[..., None])[..., 0]
    else:
        expected = np.linalg.solve(tri, b)
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3)])
def test_cholesky_forward(dtype, shape):
    a = spd(shape, dtype)
    lower = np.linalg.cholesky(a)
    np.testing.assert_allclose(ops.cholesky(a).numpy(), lower, rtol=tol(dtype), atol=tol(dtype))
    upper = ops.cholesky(a, upper=True).numpy()
    np.testing.assert_allclose(upper, np.swapaxes(lower, -1, -2), rtol=tol(dtype), atol=tol(dtype))
    inv = ops.linalg.cholesky_inverse(lower)
    np.testing.assert_allclose(inv.numpy(), np.linalg.inv(a), rtol=tol(dtype), atol=tol(dtype))
    inv_u = ops.linalg.cholesky_inverse(upper, upper=True)
    np.testing.assert_allclose(inv_u.numpy(), np.linalg.inv(a), rtol=tol(dtype), atol=tol(dtype))


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_lu_factor_forward(shape):
    a = RNG.standard_normal(shape)
    lu, pivots = ops.lu_factor(a)
    assert pivots.dtype == "int32" and tuple(lu.shape) == shape
    m, n = shape[-2:]
    k = min(m, n)
    assert tuple(pivots.shape) == shape[:-2] + (k,)
    lu, pivots = lu.numpy(), pivots.numpy()
    for idx in np.ndindex(shape[:-2]):
        packed, piv = lu[idx], pivots[idx]
        lower = np.tril(packed, -1)[:, :k] + np.eye(m, k)
        upper = np.triu(packed)[:k, :]
        # Replay the 0-based row swaps on the row order to get a[perm] == L @ U.
        perm = np.arange(m)
        for i, p in enumerate(piv):
            perm[[i, p]] = perm[[p, i]]
        np.testing.assert_allclose(lower @ upper, a[idx][perm], atol=1e-12)
        # Partial pivoting: every multiplier is at most 1 in magnitude.
        assert np.all(np.abs(lower) <= 1 + 1e-12)


@pytest.mark.parametrize("mode", ["reduced", "complete"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_qr_forward(mode, shape):
    a = RNG.standard_normal(shape).astype("float32")
    q, r = ops.qr(a, mode=mode)
    eq, er = np.linalg.qr(a, mode=mode)
    assert tuple(q.shape) == eq.shape and tuple(r.shape) == er.shape
    np.testing.assert_allclose(q.numpy(), eq, atol=1e-5)
    np.testing.assert_allclose(r.numpy(), er, atol=1e-5)


@pytest.mark.parametrize("full_matrices", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (2, 4, 4)])
def test_svd_forward(full_matrices, shape):
    a = RNG.standard_normal(shape)
    u, s, vh = ops.svd(a, full_matrices=full_matrices)
    eu, es, evh = np.linalg.svd(a, full_matrices=full_matrices)
    assert (tuple(u.shape), tuple(s.shape), tuple(vh.shape)) == (eu.shape, es.shape, evh.shape)
    np.testing.assert_allclose(s.numpy(), es, rtol=1e-10)
    k = es.shape[-1]
    u, vh = u.numpy(), vh.numpy()
    # Singular vectors are unique up to sign only: check the reconstruction and orthogonality.
    rebuilt = (u[..., :, :k] * s.numpy()[..., None, :]) @ vh[..., :k, :]
    np.testing.assert_allclose(rebuilt, a, atol=1e-12)
    for columns in (u, np.swapaxes(vh, -1, -2)):
        gram = np.swapaxes(columns, -1, -2) @ columns
        eye = np.broadcast_to(np.eye(gram.shape[-1]), gram.shape)
        np.testing.assert_allclose(gram, eye, atol=1e-12)
    values = ops.svd(a, compute_uv=False)
    np.testing.assert_allclose(values.numpy(), es, rtol=1e-10)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_eigh_forward(dtype):
    a = np_sym(RNG.standard_normal((2, 4, 4))).astype(dtype)
    w, v = ops.eigh(a)
    ew = np.linalg.eigvalsh(a)
    np.testing.assert_allclose(w.numpy(), ew, rtol=tol(dtype), atol=tol(dtype))
    v = v.numpy()
    np.testing.assert_allclose(a @ v, v * w.numpy()[..., None, :], atol=10 * tol(dtype))


def test_eig_not_implemented():
    with pytest.raises(NotImplementedError, match=r"`eig`.*eigh"):
        ops.eig(np.eye(2))
    with pytest.raises(NotImplementedError, match="`eig`"):
        ops.linalg.eig(np.eye(2))


@pytest.mark.parametrize("m,n,b_shape", [
    (5, 3, (5,)), (5, 3, (5, 2)), (3, 5, (3, 2)), (4, 4, (4,)),
])
def test_lstsq_forward(m, n, b_shape):
    a = RNG.standard_normal((m, n))
    b = RNG.standard_normal(b_shape)
    got = ops.lstsq(a, b)
    expected = np.linalg.lstsq(a, b, rcond=None)[0]
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_lstsq_rank_deficient_and_rcond():
    a = RNG.standard_normal((6, 2)) @ RNG.standard_normal((2, 4))  # rank 2
    b = RNG.standard_normal((6,))
    np.testing.assert_allclose(ops.lstsq(a, b).numpy(), np.linalg.lstsq(a, b, rcond=None)[0],
                               atol=1e-10)
    a = np.diag([4.0, 2.0, 0.1])
    b = np.ones(3)
    for rcond in [None, 0.01, 0.2, 0.6]:
        np.testing.assert_allclose(ops.lstsq(a, b, rcond=rcond).numpy(),
                                   np.linalg.lstsq(a, b, rcond=rcond)[0], atol=1e-12)
    assert ops.lstsq(a.astype("float32"), b.astype("float32")).dtype == "float32"


VECTOR_ORDS = [None, 1, 2, 3, 0.5, -1, INF, -INF, 0]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, INF, -INF]


@pytest.mark.filterwarnings("ignore:divide by zero")  # NumPy, for ord < 0 with a zero entry
@pytest.mark.parametrize("ord", VECTOR_ORDS)
@pytest.mark.parametrize("axis,keepdims", [(0, False), (-1, True), (1, False), ((2,), False)])
def test_vector_norm_forward(ord, axis, keepdims):
    x = RNG.standard_normal((3, 4, 5)).astype("float32")
    x[0, 0, 0] = 0.0
    got = ops.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    expected = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    assert got.dtype == "float32" and tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5)


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis,keepdims", [((1, 2), False), ((2, 0), True), ((-1, -2), False)])
def test_matrix_norm_forward(ord, axis, keepdims):
    x = RNG.standard_normal((3, 4, 5))
    got = ops.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    expected = np.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


@pytest.mark.parametrize("shape,ord", [
    ((2, 3, 4), None), ((5,), None), ((5,), 1), ((5,), INF), ((3, 4), None), ((3, 4), "nuc"),
    ((3, 4), 1), ((3, 4), -2),
])
@pytest.mark.parametrize("keepdims", [False, True])
def test_norm_axis_none(shape, ord, keepdims):
    x = RNG.standard_normal(shape)
    got = ops.norm(x, ord=ord, keepdims=keepdims)
    expected = np.linalg.norm(x, ord=ord, keepdims=keepdims)
    assert tuple(got.shape) == np.shape(expected)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-10)


def test_norm_dtypes():
    ints = np.arange(9).reshape(3, 3) - 4
    got = ops.norm(ints)
    assert got.dtype == "float32"
    np.testing.assert_allclose(got.numpy(), np.linalg.norm(ints), rtol=1e-6)
    half = ops.norm(np.ones((2, 3), dtype="float16"), axis=1)
    assert half.dtype == "float16"
    np.testing.assert_allclose(half.numpy(), np.sqrt([3, 3]), rtol=1e-3)


def test_top_level_and_linalg_namespace_agree():
    names = ["cholesky", "det", "eig", "eigh", "inv", "lu_factor", "norm", "qr", "solve",
             "solve_triangular", "svd", "lstsq", "cholesky_inverse"]
    for name in names:
        assert getattr(ops, name) is getattr(ops.linalg, name), name


# ----------------------------------------------------------------------------- gradients

F64 = {"dtype": "float64"}


def test_det_grad():
    check_op(ops.det, np.linalg.det, None, arrays=[well_conditioned((2, 3, 3))], **F64)
    # Row swaps during pivoting must not break the gradient.
    a = well_conditioned((3, 3))[[2, 0, 1]]
    check_op(ops.det, np.linalg.det, None, arrays=[a], **F64)


def test_slogdet_grad():
    a = well_conditioned((2, 3, 3))
    a[0] = a[0][[1, 0, 2]]  # a negative determinant
    check_op(lambda x: ops.linalg.slogdet(x)[1], lambda x: np.linalg.slogdet(x).logabsdet, None,
             arrays=[a], **F64)


def test_inv_grad():
    check_op(ops.inv, np.linalg.inv, None, arrays=[well_conditioned((2, 3, 3))], **F64)


@pytest.mark.parametrize("b_shape", [(2, 3, 2), (3,), (3, 1)])
def test_solve_grad(b_shape):
    a = well_conditioned((2, 3, 3)) if len(b_shape) != 1 else well_conditioned((3, 3))
    b = RNG.standard_normal(b_shape)
    check_op(ops.solve, np.linalg.solve, None, arrays=[a, b], **F64)


@pytest.mark.parametrize("lower", [True, False])
def test_solve_triangular_grad(lower):
    a = well_conditioned((2, 3, 3))
    b = RNG.standard_normal((2, 3, 2))

    def np_fn(a, b):
        return np.linalg.solve(np.tril(a) if lower else np.triu(a), b)

    check_op(lambda a, b: ops.solve_triangular(a, b, lower=lower), np_fn, None, arrays=[a, b],
             **F64)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_grad(upper):
    def np_fn(x):
        lower = np.linalg.cholesky(x @ np.swapaxes(x, -1, -2) + 3 * np.eye(3))
        return np.swapaxes(lower, -1, -2) if upper else lower

    check_op(lambda x: ops.cholesky(make_spd(x), upper=upper), np_fn, [(2, 3, 3)], **F64)


def test_cholesky_inverse_grad():
    def fn(x):
        return ops.linalg.cholesky_inverse(ops.cholesky(make_spd(x)))

    def np_fn(x):
        return np.linalg.inv(x @ np.swapaxes(x, -1, -2) + 3 * np.eye(3))

    check_op(fn, np_fn, [(3, 3)], **F64)


@pytest.mark.parametrize("ord,axis", [
    (None, -1), (2, 0), (1, -1), (3, -1), (0.5, 1), (INF, -1), (-INF, 0), (None, None),
    ("fro", (0, 1)), ("nuc", (0, 1)), (2, (1, 0)), (-2, (0, 1)), (1, (0, 1)), (-1, (0, 1)),
    (INF, (0, 1)), (-INF, (1, 0)),
])
def test_norm_grad(ord, axis):
    # Entries stay away from 0 (|x| kinks) and the shape keeps extremes well separated.
    x = RNG.uniform(0.3, 2.0, size=(3, 4)) * RNG.choice([-1.0, 1.0], size=(3, 4))
    check_op(lambda t: ops.norm(t, ord=ord, axis=axis),
             lambda t: np.linalg.norm(t, ord=ord, axis=axis), None, arrays=[x], **F64)


def test_svd_values_grad():
    check_op(lambda x: ops.svd(x, compute_uv=False),
             lambda x: np.linalg.svd(x, compute_uv=False), [(2, 4, 3)], **F64)


@pytest.mark.parametrize("part", [0, 1])
@pytest.mark.parametrize("shape", [(4, 3), (3, 3)])
def test_qr_reduced_grad(part, shape):
    check_op(lambda x: ops.qr(x)[part], lambda x: np.linalg.qr(x)[part], [shape], **F64)


def test_eigh_values_grad():
    check_op(lambda x: ops.eigh(sym(x))[0], lambda x: np.linalg.eigvalsh(np_sym(x)),
             [(2, 3, 3)], **F64)


@pytest.mark.parametrize("b_shape", [(5,), (5, 2)])
def test_lstsq_grad(b_shape):
    a = RNG.standard_normal((5, 3))
    b = RNG.standard_normal(b_shape)
    check_op(ops.lstsq, lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0], None, arrays=[a, b],
             grad_rtol=1e-4, **F64)


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("name", ["inv", "det", "cholesky", "eigh"])
def test_non_square_errors(name):
    fn = getattr(ops, name)
    with pytest.raises(ValueError, match=rf"`{name}` expects a square matrix.*\(2, 3, 4\)"):
        fn(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=rf"`{name}` expects an input of rank >= 2.*\(3,\)"):
        fn(np.ones(3))


def test_solve_errors():
    with pytest.raises(ValueError, match=r"`solve` expects a square matrix.*\(3, 4\)"):
        ops.solve(np.ones((3, 4)), np.ones(3))
    with pytest.raises(ValueError, match=r"`solve`: incompatible shapes.*a.shape=\(3, 3\), "
                                         r"b.shape=\(4,\)"):
        ops.solve(np.eye(3), np.ones(4))
    # A batch of vectors is a batch of matrices (NumPy 2 / JAX): say how to get vectors.
    with pytest.raises(ValueError, match=r"b\[\.\.\., None\]"):
        ops.solve(np.ones((2, 3, 3)), np.ones((2, 3)))
    batch_error = r"`solve`: the batch dimensions.*\(2, 3, 3\).*\(4, 3, 1\)"
    with pytest.raises(ValueError, match=batch_error):
        ops.solve(well_conditioned((2, 3, 3)), np.ones((4, 3, 1)))
    with pytest.raises(ValueError, match=r"`solve` expects `b` of rank >= 1"):
        ops.solve(np.eye(2), 1.0)


def test_solve_triangular_errors():
    with pytest.raises(ValueError, match=r"`solve_triangular`: incompatible shapes.*"
                                         r"a.shape=\(3, 3\), b.shape=\(4, 2\)"):
        ops.solve_triangular(np.eye(3), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"`solve_triangular` expects a square matrix"):
        ops.solve_triangular(np.ones((2, 3)), np.ones(2))


def test_cholesky_not_positive_definite():
    with pytest.raises(ValueError, match="Cholesky decomposition failed.*not positive definite"):
        ops.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_qr_and_svd_errors():
    with pytest.raises(ValueError, match=r"`mode` argument value not supported.*mode=r\b"):
        ops.qr(np.eye(3), mode="r")
    with pytest.raises(ValueError, match=r"`svd` expects an input of rank >= 2.*\(4,\)"):
        ops.svd(np.ones(4))
    with pytest.raises(ValueError, match=r"`lu_factor` expects an input of rank >= 2"):
        ops.lu_factor(np.ones(4))


def test_lstsq_errors():
    with pytest.raises(ValueError, match=r"`lstsq` expects `a` of rank 2.*\(2, 3, 3\)"):
        ops.lstsq(np.ones((2, 3, 3)), np.ones(3))
    with pytest.raises(ValueError, match=r"`lstsq` expects `b` of rank 1 or 2.*\(3, 1, 1\)"):
        ops.lstsq(np.ones((3, 3)), np.ones((3, 1, 1)))
    with pytest.raises(ValueError, match=r"b.shape\[0\] to be equal to a.shape\[0\].*\(4,\)"):
        ops.lstsq(np.ones((3, 2)), np.ones(4))


def test_norm_errors():
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match=r"Expected one of \{'fro', 'nuc'\}.*ord=abc"):
        ops.norm(x, ord="abc")
    with pytest.raises(ValueError, match=r"Invalid `ord` argument for vector norm.*ord=fro"):
        ops.norm(x, ord="fro", axis=0)
    for bad in [0, 3, 0.5]:
        with pytest.raises(ValueError, match=rf"Invalid `ord` argument for matrix norm.*ord={bad}"):
            ops.norm(x, ord=bad, axis=(0, 1))
    with pytest.raises(ValueError, match=r"`norm`: `axis` must name one or two axes"):
        ops.norm(np.ones((2, 3, 4)), axis=(0, 1, 2))
    with pytest.raises(ValueError, match=r"`norm`: duplicate axes"):
        ops.norm(x, axis=(1, -1))
    with pytest.raises(ValueError, match=r"`norm`: axis 2 is out of bounds"):
        ops.norm(x, axis=2)
    with pytest.raises(ValueError, match=r"rank 1 or 2.*\(2, 3, 4\)"):
        ops.norm(np.ones((2, 3, 4)), ord=1)
