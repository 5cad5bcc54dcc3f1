// Linear-algebra primitives: shape inference, front ends and gradients. The gradient rules
// follow PyTorch's FunctionsManual.cpp and TensorFlow's linalg_grad.py (real case).
#include "kl/linalg.h"

#include "kl/autograd.h"

namespace kl {
namespace {

int64_t rows_of(const Tensor& t) { return t.dim(t.ndim() - 2); }
int64_t cols_of(const Tensor& t) { return t.dim(t.ndim() - 1); }
Shape batch_of(const Tensor& t) { return Shape(t.shape().begin(), t.shape().end() - 2); }

Shape with_tail(Shape batch, std::initializer_list<int64_t> tail) {
  batch.insert(batch.end(), tail);
  return batch;
}

void check_matrices(const Tensor& a, const char* op, bool square) {
  KL_CHECK(a.ndim() >= 2 && (!square || rows_of(a) == cols_of(a)), "[", op, "] expected a batch of ",
           square ? "square " : "", "matrices, received shape ", shape_str(a.shape()));
}

void check_float(const Tensor& a, const char* op) {
  KL_CHECK(a.dtype() == DType::float32 || a.dtype() == DType::float64, "[", op,
           "] expected float32 or float64, received ", dtype_name(a.dtype()));
}

// LAPACK works in float32 and float64; everything else computes in float32.
Tensor as_lapack_float(const Tensor& x) {
  return x.dtype() == DType::float32 || x.dtype() == DType::float64 ? x : cast(x, DType::float32);
}

Tensor mT(const Tensor& x) { return swap_last_axes(x); }

Tensor scaled(const Tensor& x, double s) { return multiply(x, scalar_like(s, x)); }

// (rows, cols) mask in x's dtype keeping entries with j <= i + k (lower) or j >= i + k (upper).
Tensor band_mask(int64_t rows, int64_t cols, int64_t k, bool lower, const Tensor& like) {
  Tensor r = reshape(arange(double(k), 1.0, rows, DType::int64, like.device()), {rows, 1});
  Tensor c = reshape(arange(0.0, 1.0, cols, DType::int64, like.device()), {1, cols});
  Tensor keep = binary(lower ? BinaryKind::less_equal : BinaryKind::greater_equal, c, r);
  return cast(keep, like.dtype());
}

Tensor tril(const Tensor& x, int64_t k = 0) {
  return multiply(x, band_mask(rows_of(x), cols_of(x), k, true, x));
}
Tensor triu(const Tensor& x, int64_t k = 0) {
  return multiply(x, band_mask(rows_of(x), cols_of(x), k, false, x));
}

Tensor eye(int64_t n, const Tensor& like) {
  Tensor r = reshape(arange(0.0, 1.0, n, DType::int64, like.device()), {n, 1});
  Tensor c = reshape(arange(0.0, 1.0, n, DType::int64, like.device()), {1, n});
  return cast(binary(BinaryKind::equal, r, c), like.dtype());
}

// v (..., n) -> (..., 1, n) scales columns; (..., n, 1) scales rows.
Tensor as_row(const Tensor& v) {
  Shape s = v.shape();
  s.insert(s.end() - 1, 1);
  return reshape(v, s);
}
Tensor as_col(const Tensor& v) {
  Shape s = v.shape();
  s.push_back(1);
  return reshape(v, s);
}

Tensor diag_embed(const Tensor& v) { return multiply(as_row(v), eye(v.dim(v.ndim() - 1), v)); }

// x[..., :, start:stop] or x[..., start:stop, :].
Tensor slice_axis(const Tensor& x, int axis_from_end, int64_t start, int64_t stop) {
  Shape starts(x.ndim(), 0), stops = x.shape(), steps(x.ndim(), 1);
  int axis = x.ndim() - axis_from_end;
  starts[axis] = start;
  stops[axis] = stop;
  return slice(x, starts, stops, steps);
}

// x r^{-T} for upper-triangular r.
Tensor times_inverse_transpose_upper(const Tensor& x, const Tensor& r) {
  return triangular_solve(r, x, /*lower=*/false, /*transpose_a=*/true, /*left=*/false);
}

// Gradient of reduced QR for m >= n (TensorFlow's _QrGradSquareAndDeepMatrices).
Tensor qr_grad_deep(const Tensor& q, const Tensor& r, const Tensor& dq, const Tensor& dr) {
  Tensor qdq = matmul(mT(q), dq);
  Tensor rdr = matmul(r, mT(dr));
  Tensor m = tril(add(subtract(qdq, mT(qdq)), subtract(rdr, mT(rdr))));
  Tensor grad_a = matmul(q, add(dr, times_inverse_transpose_upper(m, r)));
  Tensor grad_b = times_inverse_transpose_upper(subtract(dq, matmul(q, qdq)), r);
  return add(grad_a, grad_b);
}

}  // namespace

// ---- cholesky -------------------------------------------------------------------------------

std::vector<TensorSpec> CholeskyOp::infer(const Tensors& in) const {
  check_matrices(in[0], "cholesky", true);
  check_float(in[0], "cholesky");
  return {{in[0].shape(), in[0].dtype()}};
}

Tensors CholeskyOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // gA = L^{-T} sym(Phi(L^T gL)) L^{-1}, Phi = lower triangle with the diagonal halved.
  const Tensor &l = out[0], &gl = ct[0];
  Tensor p = tril(matmul(mT(l), gl));
  p = scaled(add(p, mT(tril(p, -1))), 0.5);
  Tensor x = triangular_solve(l, p, /*lower=*/true, /*transpose_a=*/true, /*left=*/true);
  return {triangular_solve(l, x, /*lower=*/true, /*transpose_a=*/false, /*left=*/false)};
}

Tensor cholesky(const Tensor& a) {
  Tensor f = as_lapack_float(a);
  check_matrices(f, "cholesky", true);
  return call1<CholeskyOp>({f});
}

// ---- triangular_solve -----------------------------------------------------------------------

std::vector<TensorSpec> TriangularSolveOp::infer(const Tensors& in) const {
  const Tensor &a = in[0], &b = in[1];
  check_matrices(a, "triangular_solve", true);
  check_float(a, "triangular_solve");
  KL_CHECK(b.ndim() == a.ndim() && batch_of(a) == batch_of(b) && rows_of(b) == rows_of(a) &&
               b.dtype() == a.dtype(),
           "[triangular_solve] internal: a ", shape_str(a.shape()), " and b ", shape_str(b.shape()),
           " must share batch, rows and dtype");
  return {{b.shape(), b.dtype()}};
}

Tensors TriangularSolveOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &a = in[0], &x = out[0], &gx = ct[0];
  // b = op(a) x, so gb = op(a)^{-T} gx and g(op(a)) = -gb x^T.
  Tensor gb = triangular_solve(a, gx, lower_, !transpose_a_, true, unit_diagonal_);
  Tensor ga;
  if (a.requires_grad()) {
    Tensor g = negative(transpose_a_ ? matmul(x, mT(gb)) : matmul(gb, mT(x)));
    // Only the referenced triangle influences the result.
    int64_t k = unit_diagonal_ ? (lower_ ? -1 : 1) : 0;
    ga = lower_ ? tril(g, k) : triu(g, k);
  }
  return {ga, gb};
}

Tensor triangular_solve(const Tensor& a_in, const Tensor& b_in, bool lower, bool transpose_a,
                        bool left, bool unit_diagonal) {
  DType dt = a_in.dtype() == DType::float64 || b_in.dtype() == DType::float64 ? DType::float64
                                                                             : DType::float32;
  Tensor a = a_in.dtype() == dt ? a_in : cast(a_in, dt);
  Tensor b = b_in.dtype() == dt ? b_in : cast(b_in, dt);
  check_matrices(a, "triangular_solve", true);
  int64_t n = rows_of(a);
  // A batch of vectors: NumPy / JAX treat b of rank a.ndim - 1 as (..., n).
  if (b.ndim() == a.ndim() - 1) {
    Tensor bm = left ? as_col(b) : as_row(b);
    Tensor x = triangular_solve(a, bm, lower, transpose_a, left, unit_diagonal);
    return reshape(x, b.shape());
  }
  KL_CHECK(b.ndim() >= 2 && (left ? rows_of(b) : cols_of(b)) == n,
           "[triangular_solve] incompatible shapes: a ", shape_str(a.shape()), " and b ",
           shape_str(b.shape()), left ? " (b needs a's size along its second-to-last axis)"
                                      : " (b needs a's size along its last axis)");
  // x a = b  <=>  a^T x^T = b^T
  if (!left) return mT(triangular_solve(a, mT(b), lower, !transpose_a, true, unit_diagonal));
  Shape batch = broadcast_shapes(batch_of(a), batch_of(b), "triangular_solve");
  Tensor ab = broadcast_to(a, with_tail(batch, {n, n}));
  Tensor bb = broadcast_to(b, with_tail(batch, {n, cols_of(b)}));
  return call1<TriangularSolveOp>({ab, bb}, lower, transpose_a, unit_diagonal);
}

// ---- lu -------------------------------------------------------------------------------------

std::vector<TensorSpec> LuOp::infer(const Tensors& in) const {
  const Tensor& a = in[0];
  check_matrices(a, "lu_factor", false);
  check_float(a, "lu_factor");
  int64_t m = rows_of(a), k = std::min(m, cols_of(a));
  Shape batch = batch_of(a);
  return {{a.shape(), a.dtype()}, {with_tail(batch, {k}), DType::int32}, {with_tail(batch, {m}), DType::int32}};
}

Tensors LuOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &a = in[0], &lu = out[0], &perm = out[2], &g = ct[0];
  KL_CHECK(rows_of(a) == cols_of(a), "[lu_factor] has no gradient for non-square matrices, received shape ",
           shape_str(a.shape()));
  // a = P L U: gA = P L^{-T} (tril(L^T gL, -1) + triu(gU U^T)) U^{-T} (PyTorch's linalg_lu_backward).
  int64_t n = rows_of(a);
  Tensor l = add(tril(lu, -1), eye(n, lu));
  Tensor u = triu(lu);
  Tensor x = add(tril(matmul(mT(l), tril(g, -1)), -1), triu(matmul(triu(g), mT(u))));
  // The packed factors serve directly: each solve reads only its own triangle.
  x = triangular_solve(lu, x, /*lower=*/false, /*transpose_a=*/true, /*left=*/false);
  x = triangular_solve(lu, x, /*lower=*/true, /*transpose_a=*/true, /*left=*/true, /*unit_diagonal=*/true);
  // (P x)[perm[i]] = x[i]
  Tensor rows = broadcast_to(as_col(perm), x.shape());
  return {scatter_along_axis(zeros_like(x), rows, x, -2, ScatterMode::update)};
}

Tensors lu_factor(const Tensor& a) {
  Tensor f = as_lapack_float(a);
  check_matrices(f, "lu_factor", false);
  return call<LuOp>({f});
}

// ---- qr -------------------------------------------------------------------------------------

std::vector<TensorSpec> QrOp::infer(const Tensors& in) const {
  const Tensor& a = in[0];
  check_matrices(a, "qr", false);
  check_float(a, "qr");
  int64_t m = rows_of(a), n = cols_of(a), k = std::min(m, n);
  Shape batch = batch_of(a);
  if (mode_ == QrMode::complete)
    return {{with_tail(batch, {m, m}), a.dtype()}, {with_tail(batch, {m, n}), a.dtype()}};
  return {{with_tail(batch, {m, k}), a.dtype()}, {with_tail(batch, {k, n}), a.dtype()}};
}

Tensors QrOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor &a = in[0], &q = out[0], &r = out[1], &dq = ct[0], &dr = ct[1];
  int64_t m = rows_of(a), n = cols_of(a);
  // The extra columns of a complete Q are not determined by a.
  KL_CHECK(mode_ == QrMode::reduced || m <= n,
           "[qr] has no gradient in mode 'complete' for matrices with more rows than columns, "
           "received shape ", shape_str(a.shape()));
  if (m >= n) return {qr_grad_deep(q, r, dq, dr)};
  // Wide a = [x | y] with x square: q, r[:, :m] is the QR of x and y = q r[:, m:].
  Tensor y = slice_axis(a, 1, m, n);
  Tensor u = slice_axis(r, 1, 0, m);
  Tensor dv = slice_axis(dr, 1, m, n), du = slice_axis(dr, 1, 0, m);
  Tensor dy = matmul(q, dv);
  Tensor dx = qr_grad_deep(q, u, add(dq, matmul(y, mT(dv))), du);
  return {concatenate({dx, dy}, -1)};
}

Tensors qr(const Tensor& a, QrMode mode) {
  Tensor f = as_lapack_float(a);
  check_matrices(f, "qr", false);
  return call<QrOp>({f}, mode);
}

// ---- svd ------------------------------------------------------------------------------------

std::vector<TensorSpec> SvdOp::infer(const Tensors& in) const {
  const Tensor& a = in[0];
  check_matrices(a, "svd", false);
  check_float(a, "svd");
  int64_t m = rows_of(a), n = cols_of(a), k = std::min(m, n);
  Shape batch = batch_of(a);
  TensorSpec s{with_tail(batch, {k}), a.dtype()};
  if (!compute_uv_) return {s};
  int64_t uc = full_matrices_ ? m : k, vr = full_matrices_ ? n : k;
  return {{with_tail(batch, {m, uc}), a.dtype()}, s, {with_tail(batch, {vr, n}), a.dtype()}};
}

Tensors SvdOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  const Tensor& a = in[0];
  int64_t m = rows_of(a), n = cols_of(a), k = std::min(m, n);
  if (!compute_uv_) {
    // d(sum gS * S) = U diag(gS) V^T; the vectors are recomputed since the op did not keep them.
    Tensors usv = svd(a, /*full_matrices=*/false, /*compute_uv=*/true);
    return {matmul(multiply(usv[0], as_row(ct[0])), usv[2])};
  }
  // The extra columns of a full U (or rows of Vh) are not determined by a.
  KL_CHECK(!full_matrices_ || m == n,
           "[svd] has no gradient with full_matrices=True for non-square matrices, received shape ",
           shape_str(a.shape()), "; use full_matrices=False");
  const Tensor &u = out[0], &s = out[1], &vh = out[2];
  const Tensor &gu = ct[0], &gs = ct[1], &gvh = ct[2];
  // gA = U [(skew(U^T gU) S + S skew(V^T gV)) / E + diag(gS)] V^T
  //      + (I - U U^T) gU S^{-1} V^T + U S^{-1} gV^T (I - V V^T), E_jk = s_k^2 - s_j^2.
  Tensor v = mT(vh), gv = mT(gvh);
  Tensor utgu = matmul(mT(u), gu), vtgv = matmul(vh, gv);
  Tensor skew_u = subtract(utgu, mT(utgu)), skew_v = subtract(vtgv, mT(vtgv));
  Tensor s2 = multiply(s, s);
  Tensor e = add(subtract(as_row(s2), as_col(s2)), eye(k, s));
  Tensor inner = divide(add(multiply(skew_u, as_row(s)), multiply(as_col(s), skew_v)), e);
  inner = add(inner, diag_embed(gs));
  if (m > k) {
    Tensor gu_sinv = divide(gu, as_row(s));
    Tensor left = add(matmul(u, inner), subtract(gu_sinv, matmul(u, matmul(mT(u), gu_sinv))));
    return {matmul(left, vh)};
  }
  if (n > k) {
    Tensor sinv_gvt = divide(mT(gv), as_col(s));
    Tensor right = add(matmul(inner, vh), subtract(sinv_gvt, matmul(matmul(sinv_gvt, v), vh)));
    return {matmul(u, right)};
  }
  return {matmul(u, matmul(inner, vh))};
}

Tensors svd(const Tensor& a, bool full_matrices, bool compute_uv) {
  Tensor f = as_lapack_float(a);
  check_matrices(f, "svd", false);
  return call<SvdOp>({f}, full_matrices, compute_uv);
}

// ---- eigh -----------------------------------------------------------------------------------

std::vector<TensorSpec> EighOp::infer(const Tensors& in) const {
  const Tensor& a = in[0];
  check_matrices(a, "eigh", true);
  check_float(a, "eigh");
  return {{with_tail(batch_of(a), {rows_of(a)}), a.dtype()}, {a.shape(), a.dtype()}};
}

Tensors EighOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // gA = V (diag(gw) + skew(V^T gV) / 2E) V^T with E_ij = w_j - w_i: symmetric by construction.
  const Tensor &w = out[0], &v = out[1], &gw = ct[0], &gv = ct[1];
  Tensor vtgv = matmul(mT(v), gv);
  Tensor skew = scaled(subtract(vtgv, mT(vtgv)), 0.5);
  Tensor e = add(subtract(as_row(w), as_col(w)), eye(w.dim(w.ndim() - 1), w));
  Tensor inner = add(divide(skew, e), diag_embed(gw));
  return {matmul(v, matmul(inner, mT(v)))};
}

Tensors eigh(const Tensor& a) {
  Tensor f = as_lapack_float(a);
  check_matrices(f, "eigh", true);
  return call<EighOp>({f});
}

}  // namespace kl
