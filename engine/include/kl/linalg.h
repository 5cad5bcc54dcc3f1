#pragma once
// Linear-algebra primitives over batches of matrices (the last two axes), backed by LAPACK on
// CPU. Every op works in float32 or float64; front ends cast other dtypes to float32.
#include "kl/ops.h"

namespace kl {

// Lower Cholesky factor L of a symmetric positive-definite A = L L^T. Only the lower triangle
// of A is read; the gradient is symmetrised (JAX / PyTorch convention).
class CholeskyOp : public Op {
 public:
  OpKind kind() const override { return OpKind::cholesky; }
  const char* name() const override { return "cholesky"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
};

// Solves op(A) X = B with A triangular (op = identity or transpose) from the left; right-hand
// solves are built on it by transposing. A's batch shape equals B's (the front end broadcasts).
class TriangularSolveOp : public Op {
 public:
  TriangularSolveOp(bool lower, bool transpose_a, bool unit_diagonal)
      : lower_(lower), transpose_a_(transpose_a), unit_diagonal_(unit_diagonal) {}
  OpKind kind() const override { return OpKind::triangular_solve; }
  const char* name() const override { return "triangular_solve"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  bool lower() const { return lower_; }
  bool transpose_a() const { return transpose_a_; }
  bool unit_diagonal() const { return unit_diagonal_; }

 private:
  bool lower_, transpose_a_, unit_diagonal_;
};

// Partial-pivoting LU of an (m, n) matrix: outputs the packed factors (L below the diagonal
// with an implicit unit diagonal, U on and above it), LAPACK's 0-based row interchanges
// (int32, length min(m, n), as scipy.linalg.lu_factor) and the row permutation `perm`
// (int32, length m) with a[perm] == L @ U.
class LuOp : public Op {
 public:
  OpKind kind() const override { return OpKind::lu; }
  const char* name() const override { return "lu"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
};

enum class QrMode : uint8_t { reduced, complete };

// Householder QR: outputs Q and R as numpy.linalg.qr does (same signs as LAPACK).
class QrOp : public Op {
 public:
  explicit QrOp(QrMode mode) : mode_(mode) {}
  OpKind kind() const override { return OpKind::qr; }
  const char* name() const override { return "qr"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  QrMode mode() const { return mode_; }

 private:
  QrMode mode_;
};

// Singular values in descending order; with compute_uv the outputs are (U, S, Vh) as
// numpy.linalg.svd gives them, otherwise S alone.
class SvdOp : public Op {
 public:
  SvdOp(bool full_matrices, bool compute_uv) : full_matrices_(full_matrices), compute_uv_(compute_uv) {}
  OpKind kind() const override { return OpKind::svd; }
  const char* name() const override { return "svd"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
  bool full_matrices() const { return full_matrices_; }
  bool compute_uv() const { return compute_uv_; }

 private:
  bool full_matrices_, compute_uv_;
};

// Symmetric eigendecomposition from the lower triangle: outputs (eigenvalues ascending,
// eigenvectors as columns), as numpy.linalg.eigh. The gradient is symmetric.
class EighOp : public Op {
 public:
  OpKind kind() const override { return OpKind::eigh; }
  const char* name() const override { return "eigh"; }
  std::vector<TensorSpec> infer(const Tensors& in) const override;
  Tensors vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const override;
  bool needs_outputs() const override { return true; }
};

Tensor cholesky(const Tensor& a);
// Solves a X = b (left) or X a = b (right), with a replaced by a^T when transpose_a. b may be
// a batch of vectors (rank one less than a). Batch dimensions broadcast.
Tensor triangular_solve(const Tensor& a, const Tensor& b, bool lower, bool transpose_a = false,
                        bool left = true, bool unit_diagonal = false);
Tensors lu_factor(const Tensor& a);  // {lu, pivots, perm}
Tensors qr(const Tensor& a, QrMode mode = QrMode::reduced);  // {q, r}
Tensors svd(const Tensor& a, bool full_matrices = true, bool compute_uv = true);
Tensors eigh(const Tensor& a);  // {eigenvalues, eigenvectors}

}  // namespace kl
