"""Engine linear algebra: forward results against numpy.linalg, gradients against float64
central differences, and error messages."""

import numpy as np
import pytest

from keras_like import _engine as e

RNG = np.random.default_rng(20240611)


def T(x):
    # from_numpy borrows memory; a private copy keeps later in-place edits of x from leaking in.
    return e.from_numpy(np.array(x, copy=True))


def N(t):
    return np.asarray(t.numpy())


def spd(shape, dtype="float64"):
    x = RNG.standard_normal(shape)
    n = shape[-1]
    return (x @ np.swapaxes(x, -1, -2) + n * np.eye(n)).astype(dtype)


def mT(t):
    perm = list(range(t.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return e.transpose(t, perm)


def weighted_sum(outputs, weights):
    total = None
    for out, w in zip(outputs, weights):
        term = e.reduce("sum", e.multiply(out, T(w)))
        total = term if total is None else e.add(total, term)
    return total


def loss_value(fn, x, weights):
    return float(N(weighted_sum(fn(T(x)), weights)))


def check_grad(fn, x, rtol=1e-5, atol=1e-7, eps=1e-6):
    """fn maps one float64 tensor to a list of float tensors; checks d sum(out_i * w_i) / dx."""
    x = np.asarray(x, dtype=np.float64)
    shapes = [tuple(o.shape) for o in fn(T(x))]
    weights = [RNG.uniform(0.5, 1.5, size=s) for s in shapes]
    t = T(x)
    t.requires_grad = True
    e.push_recording()
    try:
        y = weighted_sum(fn(t), weights)
    finally:
        e.pop_recording()
    (g,) = e.grad([y], [t], [])
    analytic = N(g)
    numeric = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), numeric.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + eps
        plus = loss_value(fn, x, weights)
        flat_x[i] = old - eps
        minus = loss_value(fn, x, weights)
        flat_x[i] = old
        flat_g[i] = (plus - minus) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)


def assert_identity(x, atol):
    np.testing.assert_allclose(x, np.broadcast_to(np.eye(x.shape[-1]), x.shape), atol=atol)


def sym(t):
    return e.add(t, mT(t))


# ---- cholesky -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-12), ("float32", 1e-5)])
def test_cholesky_matches_numpy(dtype, tol):
    a = spd((3, 2, 5, 5), dtype)
    got = e.cholesky(T(a))
    assert got.dtype == dtype and got.shape == (3, 2, 5, 5)
    np.testing.assert_allclose(N(got), np.linalg.cholesky(a), rtol=tol, atol=tol)


def test_cholesky_reads_only_the_lower_triangle():
    a = spd((4, 4))
    junk = np.tril(a) + np.triu(RNG.standard_normal((4, 4)), 1)
    np.testing.assert_allclose(N(e.cholesky(T(junk))), np.linalg.cholesky(a), atol=1e-12)


def test_cholesky_strided_and_integer_inputs():
    a = spd((5, 5))
    view = mT(T(a))  # a transposed view: same values, other strides
    np.testing.assert_allclose(N(e.cholesky(view)), np.linalg.cholesky(a), atol=1e-12)
    ints = np.array([[4, 2], [2, 3]], dtype=np.int32)
    got = e.cholesky(T(ints))
    assert got.dtype == "float32"
    np.testing.assert_allclose(N(got), np.linalg.cholesky(ints.astype(np.float64)), rtol=1e-6)


def test_cholesky_not_positive_definite():
    with pytest.raises(ValueError, match=r"\[cholesky\].*not positive definite"):
        e.cholesky(T(np.array([[1.0, 2.0], [2.0, 1.0]])))
    batch = np.stack([spd((3, 3)), -np.eye(3)])
    with pytest.raises(ValueError, match=r"batch element 1"):
        e.cholesky(T(batch))


def test_cholesky_grad():
    n = 4
    # A symmetric parametrisation, as the gradient is the symmetric one.
    check_grad(lambda x: [e.cholesky(e.add(e.matmul(x, mT(x)), T(n * np.eye(n))))],
               RNG.standard_normal((2, n, n)))


def test_cholesky_grad_is_symmetric():
    t = T(spd((4, 4)))
    t.requires_grad = True
    e.push_recording()
    try:
        y = weighted_sum([e.cholesky(t)], [RNG.uniform(0.5, 1.5, size=(4, 4))])
    finally:
        e.pop_recording()
    g = N(e.grad([y], [t], [])[0])
    np.testing.assert_allclose(g, g.T, atol=1e-12)


# ---- triangular_solve -----------------------------------------------------------------------


def triangular(a, lower, unit_diagonal):
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        eye = np.eye(a.shape[-1])
        t = t - np.diagonal(t, axis1=-2, axis2=-1)[..., None] * eye + eye
    return t


def well_conditioned(shape):
    n = shape[-1]
    return RNG.standard_normal(shape) + 4 * np.eye(n)


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unit_diagonal", [False, True])
def test_triangular_solve_matches_numpy(lower, transpose_a, left, unit_diagonal):
    a = well_conditioned((2, 4, 4))
    b = RNG.standard_normal((2, 4, 3) if left else (2, 3, 4))
    x = N(e.triangular_solve(T(a), T(b), lower=lower, transpose_a=transpose_a, left=left,
                             unit_diagonal=unit_diagonal))
    op_a = triangular(a, lower, unit_diagonal)
    if transpose_a:
        op_a = np.swapaxes(op_a, -1, -2)
    expected = np.linalg.solve(op_a, b) if left else np.swapaxes(
        np.linalg.solve(np.swapaxes(op_a, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    np.testing.assert_allclose(x, expected, rtol=1e-10, atol=1e-12)


def test_triangular_solve_vectors_and_broadcasting():
    a = well_conditioned((4, 4))
    b = RNG.standard_normal(4)
    x = N(e.triangular_solve(T(a), T(b), lower=True))
    np.testing.assert_allclose(x, np.linalg.solve(np.tril(a), b), atol=1e-12)
    bb = RNG.standard_normal((3, 4, 2))
    x = N(e.triangular_solve(T(a), T(bb), lower=False))
    assert x.shape == (3, 4, 2)
    np.testing.assert_allclose(x, np.linalg.solve(np.triu(a), bb), atol=1e-12)
    x32 = e.triangular_solve(T(a.astype(np.float32)), T(bb.astype(np.float32)))
    assert x32.dtype == "float32"


@pytest.mark.parametrize("lower,transpose_a,left,unit", [
    (True, False, True, False), (False, True, True, False), (True, True, False, False),
    (False, False, False, True),
])
def test_triangular_solve_grad(lower, transpose_a, left, unit):
    a = well_conditioned((2, 3, 3))
    b = RNG.standard_normal((2, 3, 2) if left else (2, 2, 3))
    kw = dict(lower=lower, transpose_a=transpose_a, left=left, unit_diagonal=unit)
    check_grad(lambda x: [e.triangular_solve(x, T(b), **kw)], a)
    check_grad(lambda x: [e.triangular_solve(T(a), x, **kw)], b)


def test_triangular_solve_grad_broadcast_batch():
    a = well_conditioned((3, 3))
    b = RNG.standard_normal((2, 3, 2))
    check_grad(lambda x: [e.triangular_solve(x, T(b), lower=True)], a)


# ---- lu -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 5, 5), (5, 3), (3, 5)])
def test_lu_factor_reconstructs(shape):
    a = RNG.standard_normal(shape)
    lu, piv, perm = (N(t) for t in e.lu_factor(T(a)))
    m, n = shape[-2:]
    k = min(m, n)
    assert lu.shape == a.shape
    assert piv.shape == shape[:-2] + (k,) and perm.shape == shape[:-2] + (m,)
    assert piv.dtype == np.int32 and perm.dtype == np.int32
    l_fac = np.tril(lu, -1)[..., :, :k] + np.eye(m, k)
    u_fac = np.triu(lu)[..., :k, :]
    permuted = np.take_along_axis(a, perm[..., :, None].repeat(n, -1), axis=-2)
    np.testing.assert_allclose(l_fac @ u_fac, permuted, atol=1e-12)
    # The interchanges replay into the permutation (scipy.linalg.lu_factor convention).
    for idx in np.ndindex(*shape[:-2]):
        p = np.arange(m)
        for i, j in enumerate(piv[idx]):
            assert i <= j < m
            p[[i, j]] = p[[j, i]]
        np.testing.assert_array_equal(p, perm[idx])
    # Partial pivoting keeps |L| <= 1.
    assert np.abs(np.tril(lu, -1)).max() <= 1 + 1e-12


def test_lu_factor_solves():
    a = RNG.standard_normal((5, 5))
    b = RNG.standard_normal((5, 2))
    lu, _, perm = e.lu_factor(T(a))
    pb = T(b[N(perm)])
    y = e.triangular_solve(lu, pb, lower=True, unit_diagonal=True)
    x = e.triangular_solve(lu, y, lower=False)
    np.testing.assert_allclose(N(x), np.linalg.solve(a, b), atol=1e-12)


def test_lu_grad():
    check_grad(lambda x: [e.lu_factor(x)[0]], RNG.standard_normal((2, 4, 4)))


def test_lu_grad_rejects_non_square():
    t = T(RNG.standard_normal((4, 3)))
    t.requires_grad = True
    e.push_recording()
    try:
        y = e.reduce("sum", e.lu_factor(t)[0])
    finally:
        e.pop_recording()
    with pytest.raises(ValueError, match=r"\[lu_factor\] has no gradient"):
        e.grad([y], [t], [])


# ---- qr -------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6), (2, 5, 3)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_matches_numpy(shape, mode):
    a = RNG.standard_normal(shape)
    q, r = (N(t) for t in e.qr(T(a), mode=mode))
    q_ref, r_ref = np.linalg.qr(a, mode=mode)
    assert q.shape == q_ref.shape and r.shape == r_ref.shape
    np.testing.assert_allclose(q @ r, a, atol=1e-12)
    assert_identity(np.swapaxes(q, -1, -2) @ q, 1e-12)
    np.testing.assert_array_equal(r, np.triu(r))
    # Same Householder convention as NumPy's LAPACK: the factors agree, signs included.
    np.testing.assert_allclose(q, q_ref, atol=1e-10)
    np.testing.assert_allclose(r, r_ref, atol=1e-10)


def test_qr_float32():
    a = RNG.standard_normal((5, 3)).astype(np.float32)
    q, r = e.qr(T(a))
    assert q.dtype == "float32" and r.dtype == "float32"
    np.testing.assert_allclose(N(q) @ N(r), a, atol=1e-5)


@pytest.mark.parametrize("shape,mode", [
    ((4, 4), "reduced"), ((5, 3), "reduced"), ((3, 5), "reduced"), ((3, 5), "complete"),
    ((2, 4, 3), "reduced"),
])
def test_qr_grad(shape, mode):
    check_grad(lambda x: e.qr(x, mode=mode), RNG.standard_normal(shape))


def test_qr_complete_tall_has_no_gradient():
    t = T(RNG.standard_normal((5, 3)))
    t.requires_grad = True
    e.push_recording()
    try:
        y = e.reduce("sum", e.qr(t, mode="complete")[0])
    finally:
        e.pop_recording()
    with pytest.raises(ValueError, match=r"\[qr\] has no gradient in mode 'complete'"):
        e.grad([y], [t], [])


# ---- svd ------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6), (2, 3, 5, 4)])
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_matches_numpy(shape, full_matrices):
    a = RNG.standard_normal(shape)
    u, s, vh = (N(t) for t in e.svd(T(a), full_matrices=full_matrices))
    u_ref, s_ref, vh_ref = np.linalg.svd(a, full_matrices=full_matrices)
    assert u.shape == u_ref.shape and s.shape == s_ref.shape and vh.shape == vh_ref.shape
    np.testing.assert_allclose(s, s_ref, atol=1e-12)
    k = s.shape[-1]
    recon = (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :]
    np.testing.assert_allclose(recon, a, atol=1e-12)
    assert_identity(np.swapaxes(u, -1, -2) @ u, 1e-12)
    assert_identity(vh @ np.swapaxes(vh, -1, -2), 1e-12)


def test_svd_values_only():
    a = RNG.standard_normal((3, 5, 4)).astype(np.float32)
    out = e.svd(T(a), compute_uv=False)
    assert len(out) == 1 and out[0].shape == (3, 4) and out[0].dtype == "float32"
    np.testing.assert_allclose(N(out[0]), np.linalg.svd(a, compute_uv=False), rtol=1e-5)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_svd_values_grad(shape):
    check_grad(lambda x: e.svd(x, compute_uv=False), RNG.standard_normal(shape))


def svd_invariant_outputs(x, full_matrices):
    # Singular vectors are defined up to a joint sign: use quantities that do not see it.
    u, s, vh = e.svd(x, full_matrices=full_matrices)
    k = s.shape[-1]
    c = T(np.linspace(1.0, 2.0, k))
    if full_matrices:
        u_k = e.slice(u, [0] * (u.ndim - 1) + [0], list(u.shape[:-1]) + [k], [1] * u.ndim)
        vh_k = e.slice(vh, [0] * vh.ndim, list(vh.shape[:-2]) + [k, vh.shape[-1]], [1] * vh.ndim)
    else:
        u_k, vh_k = u, vh
    return [s, e.multiply(u, u), e.multiply(vh, vh), e.matmul(e.multiply(u_k, c), vh_k)]


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_svd_vectors_grad(shape):
    check_grad(lambda x: svd_invariant_outputs(x, False), RNG.standard_normal(shape))


def test_svd_full_square_grad():
    check_grad(lambda x: svd_invariant_outputs(x, True), RNG.standard_normal((4, 4)))


def test_svd_full_non_square_has_no_gradient():
    t = T(RNG.standard_normal((5, 3)))
    t.requires_grad = True
    e.push_recording()
    try:
        y = e.reduce("sum", e.svd(t, full_matrices=True)[0])
    finally:
        e.pop_recording()
    with pytest.raises(ValueError, match=r"\[svd\] has no gradient with full_matrices=True"):
        e.grad([y], [t], [])


# ---- eigh -----------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype,tol", [("float64", 1e-10), ("float32", 1e-4)])
def test_eigh_matches_numpy(dtype, tol):
    x = RNG.standard_normal((3, 5, 5))
    a = (x + np.swapaxes(x, -1, -2)).astype(dtype)
    w, v = (N(t) for t in e.eigh(T(a)))
    w_ref, _ = np.linalg.eigh(a)
    assert w.dtype == dtype and v.dtype == dtype
    np.testing.assert_allclose(w, w_ref, rtol=tol, atol=tol)
    np.testing.assert_allclose((v * w[..., None, :]) @ np.swapaxes(v, -1, -2), a, atol=tol * 10)
    assert_identity(np.swapaxes(v, -1, -2) @ v, tol * 10)


def test_eigh_reads_only_the_lower_triangle():
    x = RNG.standard_normal((4, 4))
    a = x + x.T
    junk = np.tril(a) + np.triu(RNG.standard_normal((4, 4)), 1)
    np.testing.assert_allclose(N(e.eigh(T(junk))[0]), np.linalg.eigvalsh(a), atol=1e-12)


def test_eigh_grad():
    def outputs(x):
        w, v = e.eigh(sym(x))
        c = T(np.linspace(1.0, 2.0, w.shape[-1]))
        return [w, e.multiply(v, v), e.matmul(e.multiply(v, c), mT(v))]

    check_grad(outputs, RNG.standard_normal((2, 4, 4)))


# ---- shapes and errors ----------------------------------------------------------------------


def test_meta_shapes():
    m = e.empty((2, 5, 3), "float32", "meta")
    assert [t.shape for t in e.svd(m, full_matrices=False)] == [(2, 5, 3), (2, 3), (2, 3, 3)]
    assert [t.shape for t in e.svd(m)] == [(2, 5, 5), (2, 3), (2, 3, 3)]
    assert [t.shape for t in e.qr(m, mode="complete")] == [(2, 5, 5), (2, 5, 3)]
    assert [t.shape for t in e.lu_factor(m)] == [(2, 5, 3), (2, 3), (2, 5)]
    sq = e.empty((4, 4), "float64", "meta")
    assert [t.shape for t in e.eigh(sq)] == [(4,), (4, 4)]


def test_empty_matrices():
    assert e.cholesky(T(np.zeros((0, 0)))).shape == (0, 0)
    assert e.eigh(T(np.zeros((2, 0, 0))))[0].shape == (2, 0)
    q, r = e.qr(T(np.zeros((0, 3))))
    assert q.shape == (0, 0) and r.shape == (0, 3)


@pytest.mark.parametrize("fn,name", [
    (e.cholesky, "cholesky"), (e.eigh, "eigh"),
    (lambda a: e.triangular_solve(a, T(np.ones((3, 1)))), "triangular_solve"),
])
def test_non_square_errors(fn, name):
    with pytest.raises(ValueError) as info:
        fn(T(np.ones((3, 4))))
    assert str(info.value) == f"[{name}] expected a batch of square matrices, received shape (3, 4)"


@pytest.mark.parametrize("fn,name", [
    (e.qr, "qr"), (e.svd, "svd"), (e.lu_factor, "lu_factor"), (e.cholesky, "cholesky"),
])
def test_vector_input_errors(fn, name):
    pattern = rf"\[{name}\] expected a batch of .*matrices, received shape \(3,\)"
    with pytest.raises(ValueError, match=pattern):
        fn(T(np.ones(3)))


def test_argument_errors():
    with pytest.raises(ValueError, match=r"\[triangular_solve\] incompatible shapes"):
        e.triangular_solve(T(np.eye(3)), T(np.ones((4, 2))))
    with pytest.raises(ValueError, match=r"\[triangular_solve\] cannot broadcast"):
        e.triangular_solve(T(np.ones((2, 3, 3))), T(np.ones((4, 3, 2))))
    with pytest.raises(ValueError, match=r"\[qr\] mode must be 'reduced' or 'complete'"):
        e.qr(T(np.eye(3)), mode="r")


def test_op_kinds_have_cpu_kernels():
    kinds = dict(e.op_kinds())
    for name in ["cholesky", "triangular_solve", "lu", "qr", "svd", "eigh"]:
        assert kinds[name], name
