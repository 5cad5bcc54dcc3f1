"""Linear algebra (`keras.ops.linalg`), over the engine's LAPACK-backed factorisations.

The engine supplies the factorisations (Cholesky, LU, QR, SVD, symmetric eigh) and triangular
solves, each with its own vjp. Everything else (solve, inv, det, lstsq, norms) is composed from
them here, so gradients follow automatically. All functions act on the last two axes and treat
leading axes as a batch.
"""

import math as _math

import numpy as np

from keras_like.ops._base import E, axes, float_tensor
from keras_like.ops.forward_mode import jvp  # noqa: F401 - Keras exports it from linalg

__all__ = [
    "cholesky",
    "cholesky_inverse",
    "det",
    "eig",
    "eigh",
    "inv",
    "jvp",
    "lstsq",
    "lu_factor",
    "matrix_rank",
    "norm",
    "pinv",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]

_LOW_PRECISION = ("float16", "bfloat16")


# ----------------------------------------------------------------------------- helpers


def _matrix(x, name, square=False):
    """A floating tensor of rank >= 2 (square when asked), plus the dtype to return.

    LAPACK works in float32/float64 only, so half-precision inputs are computed in float32 and
    cast back on the way out.
    """
    t = float_tensor(x)
    if t.ndim < 2:
        raise ValueError(
            f"`{name}` expects an input of rank >= 2 (a matrix or a batch of matrices). "
            f"Received input with shape {tuple(t.shape)}"
        )
    if square and t.shape[-1] != t.shape[-2]:
        raise ValueError(
            f"`{name}` expects a square matrix (its last two dimensions equal). "
            f"Received non-square input with shape {tuple(t.shape)}"
        )
    out_dtype = t.dtype
    if out_dtype in _LOW_PRECISION:
        t = E.cast(t, "float32")
    return t, out_dtype


def _pair(a, b, name):
    """Both operands as floats of one common dtype; `a` must be a square (batch of) matrix."""
    a_t, b_t = float_tensor(a), float_tensor(b)
    dtype = E.promote_types(a_t.dtype, b_t.dtype)
    out_dtype = dtype
    if dtype in _LOW_PRECISION:
        dtype = "float32"
    a_t, _ = _matrix(E.cast(a_t, dtype) if a_t.dtype != dtype else a_t, name, square=True)
    if b_t.dtype != dtype:
        b_t = E.cast(b_t, dtype)
    if b_t.ndim < 1:
        raise ValueError(
            f"`{name}` expects `b` of rank >= 1. Received a scalar `b` with shape "
            f"{tuple(b_t.shape)}"
        )
    return a_t, b_t, out_dtype


def _restore(t, dtype):
    return t if t.dtype == dtype else E.cast(t, dtype)


def _check_batch(a_shape, b_shape, b_core, name):
    """Raises a Keras-style error when the batch dimensions of `a` and `b` do not broadcast.

    `b_core` is the number of trailing non-batch axes of `b` (1 for vectors, 2 for matrices).
    """
    for da, db in zip(reversed(a_shape[:-2]), reversed(b_shape[: len(b_shape) - b_core])):
        if da != db and da != 1 and db != 1:
            raise ValueError(
                f"`{name}`: the batch dimensions of `a` and `b` cannot be broadcast together. "
                f"Received: a.shape={a_shape}, b.shape={b_shape}"
            )


def _swap_last(x):
    perm = list(range(x.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return E.transpose(x, perm)


def _diagonal(x):
    """The main diagonals of a batch of square matrices: (..., n, n) -> (..., n)."""
    n = x.shape[-1]
    flat = E.reshape(x, list(x.shape[:-2]) + [n * n])
    # Row-major, the diagonal sits every n + 1 elements of the flattened matrix.
    rank = flat.ndim
    return E.slice(flat, [0] * rank, list(flat.shape), [1] * (rank - 1) + [n + 1])


def _eye(n, dtype):
    idx = E.arange(0, 1, n, "int32")
    return E.cast(E.equal(E.reshape(idx, [n, 1]), idx), dtype)


def _permutation_matrix(perm, dtype):
    """P with (P @ b)[i] = b[perm[i]], batched like `perm`; it carries no gradient."""
    n = perm.shape[-1]
    rows = E.reshape(perm, list(perm.shape) + [1])
    return E.cast(E.equal(rows, E.arange(0, 1, n, "int32")), dtype)


def _pivot_sign(pivots, dtype):
    """(-1) ** (number of row swaps) recorded in LAPACK-style `pivots`."""
    k = pivots.shape[-1]
    swapped = E.not_equal(pivots, E.arange(0, 1, k, "int32"))
    count = E.reduce("sum", E.cast(swapped, "int32"), [pivots.ndim - 1], False)
    return E.cast(E.subtract(1, E.multiply(E.mod(count, 2), 2)), dtype)


def _check_invertible(lu, name):
    """Raises numpy.linalg.LinAlgError (a ValueError) for an exactly singular matrix, as NumPy does.

    An exact zero pivot in U is LAPACK's own test (getrf's info > 0). Symbolic (meta) tensors
    have no values to test.
    """
    if lu.device.startswith("meta") or lu.size == 0:
        return
    pivots = np.diagonal(lu.numpy(), axis1=-2, axis2=-1)
    if np.any(pivots == 0):
        raise np.linalg.LinAlgError(f"`{name}`: singular matrix (an exactly zero pivot in its "
                                    "LU factorisation), so it has no inverse")


def _lu_solve(lu, perm, b):
    """x with a @ x = b, from a's LU factors (b is a batch of matrices)."""
    pb = E.matmul(_permutation_matrix(perm, lu.dtype), b)
    y = E.triangular_solve(lu, pb, lower=True, unit_diagonal=True)
    return E.triangular_solve(lu, y, lower=False)


# ----------------------------------------------------------------------------- factorisations


def cholesky(x, upper=False):
    """Cholesky factor of a symmetric positive-definite matrix.

    Only the lower triangle of `x` is read.

    Args:
        x: Tensor of shape `(..., M, M)`.
        upper: If True, returns the upper factor `U` with `x = U^T U`; otherwise (the default)
            the lower factor `L` with `x = L L^T`.

    Returns:
        A tensor of shape `(..., M, M)`.

    Example:

    >>> cholesky([[4.0, 2.0], [2.0, 5.0]]).numpy()
    array([[2., 0.],
           [1., 2.]], dtype=float32)
    """
    t, out_dtype = _matrix(x, "cholesky", square=True)
    try:
        factor = E.cholesky(t)
    except ValueError as e:
        raise ValueError(f"Cholesky decomposition failed: {e}") from None
    if upper:
        factor = _swap_last(factor)
    return _restore(factor, out_dtype)


def cholesky_inverse(x, upper=False):
    """Inverse of a symmetric positive-definite matrix, given its Cholesky factor.

    Args:
        x: The Cholesky factor, shape `(..., M, M)`: lower (`L`, with `A = L L^T`) unless
            `upper=True` (`U`, with `A = U^T U`).
        upper: Whether `x` is the upper factor.

    Returns:
        `A^-1`, shape `(..., M, M)`.

    Example:

    >>> cholesky_inverse([[2.0, 0.0], [1.0, 2.0]]).numpy().round(4)
    array([[ 0.3125, -0.125 ],
           [-0.125 ,  0.25  ]], dtype=float32)
    """
    t, out_dtype = _matrix(x, "cholesky_inverse", square=True)
    eye = E.broadcast_to(_eye(t.shape[-1], t.dtype), list(t.shape))
    factor_inv = E.triangular_solve(t, eye, lower=not upper)
    if upper:
        out = E.matmul(factor_inv, _swap_last(factor_inv))
    else:
        out = E.matmul(_swap_last(factor_inv), factor_inv)
    return _restore(out, out_dtype)


def lu_factor(x):
    """LU factorisation with partial pivoting, as `jax.scipy.linalg.lu_factor`.

    Args:
        x: Tensor of shape `(..., M, N)`.

    Returns:
        A tuple `(lu, pivots)`: `lu` of shape `(..., M, N)` packs `L` (strictly below the
        diagonal, with an implicit unit diagonal) and `U` (on and above it); `pivots`
        (int32, shape `(..., min(M, N))`) says that row `i` was swapped with row `pivots[i]`,
        0-based, applied in order.

    Example:

    >>> lu, pivots = lu_factor([[1.0, 2.0], [3.0, 4.0]])
    >>> pivots.numpy()
    array([1, 1], dtype=int32)
    """
    t, out_dtype = _matrix(x, "lu_factor")
    lu, pivots, _ = E.lu_factor(t)
    return _restore(lu, out_dtype), pivots


def qr(x, mode="reduced"):
    """QR decomposition, as `numpy.linalg.qr`.

    Args:
        x: Tensor of shape `(..., M, N)`.
        mode: `"reduced"` (default): `q` is `(..., M, K)` and `r` is `(..., K, N)` with
            `K = min(M, N)`; `"complete"`: `q` is `(..., M, M)` and `r` is `(..., M, N)`.

    Returns:
        A tuple `(q, r)` with orthonormal columns in `q` and upper-triangular `r`.

    Example:

    >>> q, r = qr([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> q.shape, r.shape
    ((3, 2), (2, 2))
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(
            "`mode` argument value not supported. Expected one of {'reduced', 'complete'}. "
            f"Received: mode={mode}"
        )
    t, out_dtype = _matrix(x, "qr")
    q, r = E.qr(t, mode)
    return _restore(q, out_dtype), _restore(r, out_dtype)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition `x = u @ diag(s) @ vh`, as `numpy.linalg.svd`.

    Args:
        x: Tensor of shape `(..., M, N)`.
        full_matrices: If True (default), `u` is `(..., M, M)` and `vh` is `(..., N, N)`;
            otherwise `(..., M, K)` and `(..., K, N)` with `K = min(M, N)`.
        compute_uv: If False, only the singular values are computed and returned.

    Returns:
        `(u, s, vh)`, or `s` alone when `compute_uv=False`; `s` has shape `(..., K)`, in
        descending order.

    Example:

    >>> svd([[3.0, 0.0], [0.0, 4.0]], compute_uv=False).numpy()
    array([4., 3.], dtype=float32)
    """
    t, out_dtype = _matrix(x, "svd")
    outs = E.svd(t, bool(full_matrices), bool(compute_uv))
    outs = [_restore(o, out_dtype) for o in outs]
    return tuple(outs) if compute_uv else outs[0]


def _rank2(x):
    t = float_tensor(x)
    if t.ndim < 2:
        raise ValueError(
            f"Expected input to have rank >= 2. Received input with shape {tuple(t.shape)}."
        )
    return t


def pinv(x, rcond=None):
    """Moore-Penrose pseudo-inverse of `(..., M, N)` matrices through the SVD.

    Singular values at most `rcond * largest` are treated as zero; `rcond` defaults to
    `max(M, N) * eps` of the dtype, as in NumPy.

    Example:
    >>> pinv([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]).shape
    (2, 3)
    """
    t = _rank2(x)
    m, n = t.shape[-2], t.shape[-1]
    if rcond is None:
        rcond = max(m, n) * float(np.finfo(np.dtype("float32" if t.dtype != "float64"
                                                    else "float64")).eps)
    u, s, vh = svd(t, full_matrices=False)
    if s.shape[-1] == 0:
        return E.full(list(t.shape[:-2]) + [n, m], 0.0, t.dtype, t.device)
    cutoff = E.multiply(E.reduce("max", s, [-1], True), float(rcond))
    keep = E.greater(s, cutoff)
    inv_s = E.where(keep, E.divide(1.0, E.where(keep, s, 1.0)), 0.0)
    # v @ diag(1/s) @ u^T
    scaled = E.multiply(_swap_last(vh), E.reshape(inv_s, list(inv_s.shape[:-1]) + [1, -1]))
    return E.matmul(scaled, _swap_last(u))


def matrix_rank(x, tol=None):
    """Rank of `(..., M, N)` matrices: the number of singular values above `tol` (int32).

    `tol` defaults to `largest singular value * max(M, N) * eps`, as in NumPy.

    Example:
    >>> int(matrix_rank([[1.0, 2.0], [2.0, 4.0]]))
    1
    """
    t = _rank2(x)
    m, n = t.shape[-2], t.shape[-1]
    s = svd(t, compute_uv=False)
    if s.shape[-1] == 0:
        return E.full(list(t.shape[:-2]), 0.0, "int32", t.device)
    if tol is None:
        eps = float(np.finfo(np.dtype("float64" if t.dtype == "float64" else "float32")).eps)
        tol = E.multiply(E.reduce("max", s, [-1], True), max(m, n) * eps)
    else:
        tol = float(tol) if isinstance(tol, (int, float)) else E.reshape(
            E.cast(float_tensor(tol), s.dtype), list(s.shape[:-1]) + [1])
    return E.reduce("sum", E.cast(E.greater(s, tol), "int32"), [-1], False)


def eigh(x):
    """Eigenvalues and eigenvectors of a symmetric matrix, as `numpy.linalg.eigh`.

    Only the lower triangle of `x` is read.

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        A tuple `(w, v)`: eigenvalues `(..., M)` in ascending order and the matching
        eigenvectors as the columns of `v`, `(..., M, M)`.

    Example:

    >>> w, v = eigh([[2.0, 0.0], [0.0, 1.0]])
    >>> w.numpy()
    array([1., 2.], dtype=float32)
    """
    t, out_dtype = _matrix(x, "eigh", square=True)
    w, v = E.eigh(t)
    return _restore(w, out_dtype), _restore(v, out_dtype)


def eig(x):
    """Eigen-decomposition of a general square matrix: not supported by this backend.

    The engine has no non-symmetric eigensolver (its results are complex in general, and the
    engine has no complex dtypes). For symmetric matrices use `eigh`.

    Raises:
        NotImplementedError: always.
    """
    raise NotImplementedError(
        "`eig` (eigen-decomposition of a general, non-symmetric matrix) is not supported by "
        "the keras_like backend: it has no complex dtypes. For symmetric matrices use "
        "`keras_like.ops.eigh`."
    )


# ----------------------------------------------------------------------------- solvers


def solve(a, b):
    """Solves the linear system `a @ x = b`.

    Args:
        a: Coefficients, shape `(..., M, M)`.
        b: Right-hand side: a vector `(M,)`, or a (batch of) matrix `(..., M, N)`, as in
            NumPy 2 and JAX; for a batch of vectors write `solve(a, b[..., None])[..., 0]`.
            Batch dimensions broadcast.

    Returns:
        `x`, shaped like `b` (with the broadcast batch dimensions).

    Example:

    >>> solve([[2.0, 0.0], [0.0, 4.0]], [2.0, 2.0]).numpy()
    array([1. , 0.5], dtype=float32)
    """
    a_t, b_t, out_dtype = _pair(a, b, "solve")
    n = a_t.shape[-1]
    a_shape, b_shape = tuple(a_t.shape), tuple(b_t.shape)
    vector = b_t.ndim == 1
    if vector:
        b_t = E.reshape(b_t, [b_t.shape[0], 1])
    if b_t.shape[-2] != n:
        hint = ""
        if a_t.ndim == b_t.ndim + 1 and b_t.shape[-1] == n:
            hint = " For a batch of vectors, use `solve(a, b[..., None])[..., 0]`."
        raise ValueError(
            "`solve`: incompatible shapes between `a` and `b`. Expected `b` of shape (M,) or "
            f"(..., M, N) with M = a.shape[-1] = {n}. Received: a.shape={a_shape}, "
            f"b.shape={b_shape}.{hint}"
        )
    _check_batch(a_shape, b_shape, 1 if vector else 2, "solve")
    lu, _, perm = E.lu_factor(a_t)
    _check_invertible(lu, "solve")
    x = _lu_solve(lu, perm, b_t)
    if vector:
        x = E.reshape(x, list(x.shape[:-1]))
    return _restore(x, out_dtype)


def solve_triangular(a, b, lower=False):
    """Solves `a @ x = b` for a triangular `a`, as `jax.scipy.linalg.solve_triangular`.

    Only the triangle of `a` that `lower` names is read.

    Args:
        a: Triangular coefficients, shape `(..., M, M)`.
        b: `(..., M)` (when `b` has one dimension fewer than `a`: vectors) or `(..., M, N)`.
        lower: Whether `a` is lower triangular (default: upper).

    Returns:
        `x`, shaped like `b`.

    Example:

    >>> solve_triangular([[2.0, 1.0], [0.0, 4.0]], [4.0, 8.0]).numpy()
    array([1., 2.], dtype=float32)
    """
    a_t, b_t, out_dtype = _pair(a, b, "solve_triangular")
    n = a_t.shape[-1]
    a_shape, b_shape = tuple(a_t.shape), tuple(b_t.shape)
    vector = a_t.ndim == b_t.ndim + 1
    rows = b_shape[-1] if vector else (b_shape[-2] if b_t.ndim >= 2 else None)
    if rows != n:
        raise ValueError(
            "`solve_triangular`: incompatible shapes between `a` and `b`. Expected `b` of "
            f"shape (..., M) or (..., M, N) with M = a.shape[-1] = {n}. Received: "
            f"a.shape={a_shape}, b.shape={b_shape}"
        )
    _check_batch(a_shape, b_shape, 1 if vector else 2, "solve_triangular")
    if not vector and b_t.ndim < a_t.ndim:
        # The engine reads a `b` of rank a.ndim - 1 as a batch of vectors: give a matrix `b`
        # explicit unit batch dimensions.
        b_t = E.reshape(b_t, [1] * (a_t.ndim - b_t.ndim) + list(b_shape))
    x = E.triangular_solve(a_t, b_t, lower=bool(lower))
    return _restore(x, out_dtype)


def inv(x):
    """Inverse of a square matrix (or a batch of them).

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        The inverse, shape `(..., M, M)`.

    Example:

    >>> inv([[2.0, 0.0], [0.0, 4.0]]).numpy()
    array([[0.5 , 0.  ],
           [0.  , 0.25]], dtype=float32)
    """
    t, out_dtype = _matrix(x, "inv", square=True)
    lu, _, perm = E.lu_factor(t)
    _check_invertible(lu, "inv")
    # P @ I is P itself: skip the product.
    pb = _permutation_matrix(perm, t.dtype)
    y = E.triangular_solve(lu, pb, lower=True, unit_diagonal=True)
    return _restore(E.triangular_solve(lu, y, lower=False), out_dtype)


def det(x):
    """Determinant of a square matrix (or a batch of them), through an LU factorisation.

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        The determinants, shape `(...)`.

    Example:

    >>> round(float(det([[1.0, 2.0], [3.0, 4.0]])), 4)
    -2.0
    """
    t, out_dtype = _matrix(x, "det", square=True)
    lu, pivots, _ = E.lu_factor(t)
    diag = _diagonal(lu)
    d = E.multiply(E.reduce("prod", diag, [diag.ndim - 1], False), _pivot_sign(pivots, t.dtype))
    return _restore(d, out_dtype)


def slogdet(x):
    """Sign and natural log of the absolute determinant, as `numpy.linalg.slogdet`.

    Stable where `det` would overflow or underflow. (Not part of Keras's API.)

    Args:
        x: Tensor of shape `(..., M, M)`.

    Returns:
        A tuple `(sign, logabsdet)`, each of shape `(...)`; a singular matrix gives sign 0 and
        logabsdet -inf.

    Example:

    >>> sign, logabsdet = slogdet([[1.0, 2.0], [3.0, 4.0]])
    >>> float(sign), round(float(logabsdet), 4)
    (-1.0, 0.6931)
    """
    t, out_dtype = _matrix(x, "slogdet", square=True)
    lu, pivots, _ = E.lu_factor(t)
    diag = _diagonal(lu)
    last = [diag.ndim - 1]
    sign = E.multiply(E.reduce("prod", E.sign(diag), last, False), _pivot_sign(pivots, t.dtype))
    logabsdet = E.reduce("sum", E.log(E.abs(diag)), last, False)
    return _restore(sign, out_dtype), _restore(logabsdet, out_dtype)


def lstsq(a, b, rcond=None):
    """Least-squares solution of `a @ x = b` (minimum-norm when `a` is rank-deficient).

    Computed through the SVD pseudo-inverse, like `numpy.linalg.lstsq`; only the solution is
    returned (Keras's contract).

    Args:
        a: Coefficients, shape `(M, N)`.
        b: Right-hand side, shape `(M,)` or `(M, K)`.
        rcond: Singular values at or below `rcond * max(s)` count as zero. Defaults to
            machine epsilon times `max(M, N)`.

    Returns:
        `x` of shape `(N,)` or `(N, K)`.

    Example:

    >>> lstsq([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 1.0, 2.0]).numpy().round(4)
    array([1., 1.], dtype=float32)
    """
    a_t, b_t = float_tensor(a), float_tensor(b)
    if a_t.ndim != 2:
        raise ValueError(
            f"`lstsq` expects `a` of rank 2. Received: a.shape={tuple(a_t.shape)}"
        )
    if b_t.ndim not in (1, 2):
        raise ValueError(
            f"`lstsq` expects `b` of rank 1 or 2. Received: b.shape={tuple(b_t.shape)}"
        )
    if b_t.shape[0] != a_t.shape[0]:
        raise ValueError(
            "`lstsq` expects b.shape[0] to be equal to a.shape[0]. Received: "
            f"a.shape={tuple(a_t.shape)}, b.shape={tuple(b_t.shape)}"
        )
    dtype = E.promote_types(a_t.dtype, b_t.dtype)
    out_dtype = dtype
    if dtype in _LOW_PRECISION:
        dtype = "float32"
    a_t, b_t = E.cast(a_t, dtype), E.cast(b_t, dtype)
    m, n = a_t.shape
    vector = b_t.ndim == 1
    if vector:
        b_t = E.reshape(b_t, [m, 1])
    if rcond is None:
        rcond = (2.0**-52 if dtype == "float64" else 2.0**-23) * max(m, n)
    u, s, vh = E.svd(a_t, False, True)
    k = s.shape[0]
    if k == 0:
        x = E.full([n, b_t.shape[1]], 0.0, dtype)
    else:
        cutoff = E.multiply(E.reduce("max", s, None, False), float(rcond))
        keep = E.greater(s, cutoff)
        # Divide by a safe value where the singular value is dropped, so no inf/NaN reaches
        # the result or its gradient.
        s_inv = E.where(keep, E.reciprocal(E.where(keep, s, 1.0)), 0.0)
        coef = E.multiply(E.matmul(_swap_last(u), b_t), E.reshape(s_inv, [k, 1]))
        x = E.matmul(_swap_last(vh), coef)
    if vector:
        x = E.reshape(x, [n])
    return _restore(x, out_dtype)


# ----------------------------------------------------------------------------- norms


def _norm_axes(axis, ndim):
    ax = [a % ndim if -ndim <= a < ndim else None for a in axes(axis)]
    if None in ax:
        raise ValueError(
            f"`norm`: axis {axis} is out of bounds for an input of rank {ndim}."
        )
    if len(set(ax)) != len(ax):
        raise ValueError(f"`norm`: duplicate axes given. Received: axis={axis}")
    return ax


def _vector_norm(x, ord, ax, keepdims):
    if isinstance(ord, str):
        raise ValueError(f"Invalid `ord` argument for vector norm. Received: ord={ord}")
    if ord is None or ord == 2:
        return E.sqrt(E.reduce("sum", E.square(x), ax, keepdims))
    if ord == _math.inf:
        return E.reduce("max", E.abs(x), ax, keepdims)
    if ord == -_math.inf:
        return E.reduce("min", E.abs(x), ax, keepdims)
    if ord == 0:
        return E.cast(E.reduce("sum", E.cast(E.not_equal(x, 0), "int32"), ax, keepdims), x.dtype)
    if ord == 1:
        return E.reduce("sum", E.abs(x), ax, keepdims)
    p = float(ord)
    total = E.reduce("sum", E.power(E.abs(x), p), ax, keepdims)
    return E.power(total, 1.0 / p)


def _matrix_norm(x, ord, ax, keepdims):
    row, col = ax
    if ord is None or ord == "fro":
        return E.sqrt(E.reduce("sum", E.square(x), ax, keepdims))
    if ord in ("nuc", 2, -2):
        others = [i for i in range(x.ndim) if i not in ax]
        s = E.svd(E.transpose(x, others + [row, col]), False, False)[0]
        kind = {"nuc": "sum", 2: "max", -2: "min"}[ord]
        out = E.reduce(kind, s, [s.ndim - 1], False)
        if keepdims:
            out = E.reshape(out, [1 if i in ax else d for i, d in enumerate(x.shape)])
        return out
    if ord in (1, -1, _math.inf, -_math.inf):
        # ord=±1: extreme column sum (sum over rows); ord=±inf: extreme row sum.
        summed, picked = (row, col) if ord in (1, -1) else (col, row)
        kind = "max" if ord > 0 else "min"
        sums = E.reduce("sum", E.abs(x), [summed], True)
        out = E.reduce(kind, sums, [picked], True)
        if not keepdims:
            out = E.reshape(out, [d for i, d in enumerate(x.shape) if i not in ax])
        return out
    raise ValueError(f"Invalid `ord` argument for matrix norm. Received: ord={ord}")


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as `numpy.linalg.norm`.

    Args:
        x: Input tensor. Integer inputs give floatx.
        ord: The order. Vector norms (one axis): `None` or 2 (Euclidean), 1, `inf` (max abs),
            `-inf` (min abs), 0 (count of non-zeros), any other number `p`
            (`sum(abs(x)**p)**(1/p)`). Matrix norms (two axes): `None` or `"fro"` (Frobenius),
            `"nuc"` (sum of singular values), 2 / -2 (largest / smallest singular value),
            1 / -1 (max / min column sum of abs), `inf` / `-inf` (max / min row sum of abs).
        axis: An int for vector norms, a 2-tuple for matrix norms, or None: the 2-norm of the
            flattened `x` when `ord` is None, else a vector (rank 1) or matrix (rank 2) norm.
        keepdims: Keep the reduced axes with size one.

    Returns:
        The norms.

    Example:

    >>> float(norm([[3.0, 0.0], [0.0, 4.0]]))
    5.0
    """
    if isinstance(ord, str) and ord not in ("fro", "nuc"):
        raise ValueError(
            "Invalid `ord` argument. Expected one of {'fro', 'nuc'} when using string. "
            f"Received: ord={ord}"
        )
    t = float_tensor(x)
    out_dtype = t.dtype
    if out_dtype in _LOW_PRECISION:
        t = E.cast(t, "float32")
    ndim = t.ndim
    if axis is None:
        if ord is None:
            out = E.sqrt(E.reduce("sum", E.square(t), None, keepdims))
            return _restore(out, out_dtype)
        if ndim not in (1, 2):
            raise ValueError(
                "`norm`: with `axis=None` and an `ord`, the input must have rank 1 or 2. "
                f"Received input with shape {tuple(t.shape)}"
            )
        ax = list(range(ndim))
    else:
        ax = _norm_axes(axis, ndim)
    if len(ax) == 1:
        out = _vector_norm(t, ord, ax, keepdims)
    elif len(ax) == 2:
        out = _matrix_norm(t, ord, ax, keepdims)
    else:
        raise ValueError(
            f"`norm`: `axis` must name one or two axes. Received: axis={axis}"
        )
    return _restore(out, out_dtype)
