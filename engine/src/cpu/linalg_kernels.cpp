// CPU linear algebra through OpenBLAS's LAPACK. Each matrix of the batch is gathered into a
// column-major scratch buffer (LAPACK's native layout, and it overwrites its input anyway), so
// inputs may have any strides. The batch is split across our pool one matrix per task; results
// do not depend on the thread count since matrices are independent.
#define LAPACK_COMPLEX_CPP  // std::complex for the complex prototypes we never call
#include <cblas.h>
#include <lapacke.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu/kernels.h"
#include "kl/error.h"
#include "kl/linalg.h"
#include "kl/thread_pool.h"

namespace kl::cpu {
namespace {

using lint = lapack_int;

// The `_work` LAPACKE entry points: no NaN pre-scan (NaNs flow through like NumPy's) and no
// hidden allocations beyond ours.
template <class T>
struct Lapack;

template <>
struct Lapack<float> {
  static lint potrf(lint n, float* a) { return scipy_LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'L', n, a, n); }
  static lint getrf(lint m, lint n, float* a, lint* ipiv) {
    return scipy_LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, m, n, a, m, ipiv);
  }
  static lint geqrf(lint m, lint n, float* a, lint lda, float* tau, float* work, lint lwork) {
    return scipy_LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork);
  }
  static lint orgqr(lint m, lint n, lint k, float* a, lint lda, const float* tau, float* work, lint lwork) {
    return scipy_LAPACKE_sorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work, lwork);
  }
  static lint gesdd(char jobz, lint m, lint n, float* a, float* s, float* u, lint ldu, float* vt,
                    lint ldvt, float* work, lint lwork, lint* iwork) {
    return scipy_LAPACKE_sgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, m, s, u, ldu, vt, ldvt, work,
                                     lwork, iwork);
  }
  static lint syevd(lint n, float* a, float* w, float* work, lint lwork, lint* iwork, lint liwork) {
    return scipy_LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, 'V', 'L', n, a, n, w, work, lwork, iwork, liwork);
  }
  static void trsm(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, lint n, lint nrhs,
                   const float* a, float* b) {
    scipy_cblas_strsm(CblasColMajor, CblasLeft, uplo, trans, diag, n, nrhs, 1.0f, a, n, b, n);
  }
};

template <>
struct Lapack<double> {
  static lint potrf(lint n, double* a) { return scipy_LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', n, a, n); }
  static lint getrf(lint m, lint n, double* a, lint* ipiv) {
    return scipy_LAPACKE_dgetrf_work(LAPACK_COL_MAJOR, m, n, a, m, ipiv);
  }
  static lint geqrf(lint m, lint n, double* a, lint lda, double* tau, double* work, lint lwork) {
    return scipy_LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork);
  }
  static lint orgqr(lint m, lint n, lint k, double* a, lint lda, const double* tau, double* work, lint lwork) {
    return scipy_LAPACKE_dorgqr_work(LAPACK_COL_MAJOR, m, n, k, a, lda, tau, work, lwork);
  }
  static lint gesdd(char jobz, lint m, lint n, double* a, double* s, double* u, lint ldu, double* vt,
                    lint ldvt, double* work, lint lwork, lint* iwork) {
    return scipy_LAPACKE_dgesdd_work(LAPACK_COL_MAJOR, jobz, m, n, a, m, s, u, ldu, vt, ldvt, work,
                                     lwork, iwork);
  }
  static lint syevd(lint n, double* a, double* w, double* work, lint lwork, lint* iwork, lint liwork) {
    return scipy_LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', n, a, n, w, work, lwork, iwork, liwork);
  }
  static void trsm(CBLAS_UPLO uplo, CBLAS_TRANSPOSE trans, CBLAS_DIAG diag, lint n, lint nrhs,
                   const double* a, double* b) {
    scipy_cblas_dtrsm(CblasColMajor, CblasLeft, uplo, trans, diag, n, nrhs, 1.0, a, n, b, n);
  }
};

constexpr unsigned kLapackTypes = (1u << int(DType::float32)) | (1u << int(DType::float64));

// visit_dtype instantiates every case, so the LAPACK-only body is compiled for float and double.
template <class Fn>
void visit_lapack_dtype(DType dt, const char* op, Fn&& fn) {
  visit_dtype(dt, op, kLapackTypes, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) fn(tag);
  });
}

int64_t rows_of(const Tensor& t) { return t.dim(t.ndim() - 2); }
int64_t cols_of(const Tensor& t) { return t.dim(t.ndim() - 1); }
int64_t num_matrices(const Tensor& t) { return numel(Shape(t.shape().begin(), t.shape().end() - 2)); }

// Element offset of matrix `b` (row-major index over the batch axes) in a strided tensor.
int64_t batch_offset(const Tensor& t, int64_t b) {
  int64_t off = t.offset();
  for (int i = t.ndim() - 3; i >= 0; --i) {
    off += (b % t.dim(i)) * t.strides()[i];
    b /= t.dim(i);
  }
  return off;
}

// Copies matrix b of t into buf in column-major order with leading dimension ld.
template <class T>
void gather_col_major(const Tensor& t, int64_t b, T* buf, int64_t ld) {
  const T* base = static_cast<const T*>(t.storage()->data()) + batch_offset(t, b);
  int64_t rows = rows_of(t), cols = cols_of(t);
  int64_t rs = t.strides()[t.ndim() - 2], cs = t.strides()[t.ndim() - 1];
  for (int64_t j = 0; j < cols; ++j)
    for (int64_t i = 0; i < rows; ++i) buf[i + j * ld] = base[i * rs + j * cs];
}

// Writes a column-major (rows, cols) block into the contiguous row-major output matrix b.
template <class T>
void scatter_row_major(const T* buf, int64_t ld, int64_t rows, int64_t cols, const Tensor& out, int64_t b) {
  T* dst = out.data<T>() + b * rows * cols;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) dst[i * cols + j] = buf[i + j * ld];
}

template <class T>
void fill_eye(T* dst, int64_t rows, int64_t cols) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) dst[i * cols + j] = T(i == j);
}

// Stands in for LAPACK's info when a matrix holds NaN or inf: LAPACK is not called then, since
// its NaN checks report such input as a rejected argument.
constexpr lint kNonFinite = std::numeric_limits<lint>::min();

template <class T>
bool all_finite(const std::vector<T>& buf) {
  for (T v : buf)
    if (!std::isfinite(v)) return false;
  return true;
}

// LAPACK reports argument errors as negative info: a bug on our side, never the user's.
void check_arguments(const std::vector<lint>& info, const char* op) {
  for (lint i : info)
    KL_CHECK(i >= 0 || i == kNonFinite, "[", op, "] internal error: LAPACK rejected argument ", -i);
}

// numpy.linalg.LinAlgError when an iterative routine did not converge or never started.
void check_converged(const std::vector<lint>& info, const char* op, int64_t count);

// Which matrix of the batch failed, for messages ("" when there is only one).
std::string batch_position(int64_t b, int64_t count) {
  return count > 1 ? error_message(" (batch element ", b, ")") : std::string();
}

// Workspace size from a LAPACK query (lwork = -1), which reports it as a floating value.
template <class T>
lint query_size(T value) {
  return std::max<lint>(1, lint(value));
}

void cholesky_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& a = in[0];
  int64_t n = rows_of(a), count = num_matrices(a);
  if (n == 0) return;
  std::vector<lint> info(count, 0);
  visit_lapack_dtype(a.dtype(), "cholesky", [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(count, [&](int64_t b) {
      std::vector<T> buf(n * n);
      gather_col_major(a, b, buf.data(), n);
      info[b] = Lapack<T>::potrf(lint(n), buf.data());
      // LAPACK leaves the strict upper triangle untouched; the factor has zeros there.
      for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < j; ++i) buf[i + j * n] = T(0);
      scatter_row_major(buf.data(), n, n, n, out[0], b);
    });
  });
  check_arguments(info, "cholesky");
  for (int64_t b = 0; b < count; ++b)
    KL_CHECK(info[b] == 0, "[cholesky] the matrix is not positive definite", batch_position(b, count),
             ": the leading minor of order ", info[b], " is not positive");
}

void triangular_solve_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& ts = static_cast<const TriangularSolveOp&>(op);
  const Tensor &a = in[0], &rhs = in[1];
  int64_t n = rows_of(a), k = cols_of(rhs), count = num_matrices(a);
  if (n == 0 || k == 0) return;
  auto uplo = ts.lower() ? CblasLower : CblasUpper;
  auto trans = ts.transpose_a() ? CblasTrans : CblasNoTrans;
  auto diag = ts.unit_diagonal() ? CblasUnit : CblasNonUnit;
  visit_lapack_dtype(a.dtype(), "triangular_solve", [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(count, [&](int64_t b) {
      std::vector<T> abuf(n * n), bbuf(n * k);
      gather_col_major(a, b, abuf.data(), n);
      gather_col_major(rhs, b, bbuf.data(), n);
      // BLAS trsm, unlike LAPACK trtrs, does not reject a zero pivot: a singular triangle gives
      // inf / nan as in JAX, rather than an error deep inside a gradient.
      Lapack<T>::trsm(uplo, trans, diag, lint(n), lint(k), abuf.data(), bbuf.data());
      scatter_row_major(bbuf.data(), n, n, k, out[0], b);
    });
  });
}

void lu_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& a = in[0];
  int64_t m = rows_of(a), n = cols_of(a), k = std::min(m, n), count = num_matrices(a);
  std::vector<lint> info(count, 0);
  visit_lapack_dtype(a.dtype(), "lu_factor", [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(count, [&](int64_t b) {
      std::vector<T> buf(std::max<int64_t>(m * n, 1));
      std::vector<lint> ipiv(std::max<int64_t>(k, 1));
      gather_col_major(a, b, buf.data(), m);
      // info > 0 is an exactly singular U: the factorisation is still valid (as SciPy's).
      if (k > 0) info[b] = Lapack<T>::getrf(lint(m), lint(n), buf.data(), ipiv.data());
      scatter_row_major(buf.data(), m, m, n, out[0], b);
      int32_t* piv = out[1].data<int32_t>() + b * k;
      int32_t* perm = out[2].data<int32_t>() + b * m;
      for (int64_t i = 0; i < m; ++i) perm[i] = int32_t(i);
      for (int64_t i = 0; i < k; ++i) {
        piv[i] = int32_t(ipiv[i] - 1);
        std::swap(perm[i], perm[piv[i]]);
      }
    });
  });
  check_arguments(info, "lu_factor");
}

void qr_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& a = in[0];
  bool complete = static_cast<const QrOp&>(op).mode() == QrMode::complete;
  int64_t m = rows_of(a), n = cols_of(a), k = std::min(m, n), count = num_matrices(a);
  int64_t q_cols = complete ? m : k, r_rows = complete ? m : k;
  // A complete Q of a tall matrix needs m columns of room beyond a's n.
  int64_t buf_cols = std::max(n, q_cols);
  std::vector<lint> info(count, 0);
  visit_lapack_dtype(a.dtype(), "qr", [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(count, [&](int64_t b) {
      T* q = out[0].data<T>() + b * m * q_cols;
      T* r = out[1].data<T>() + b * r_rows * n;
      if (k == 0) {
        fill_eye(q, m, q_cols);
        std::fill(r, r + r_rows * n, T(0));
        return;
      }
      std::vector<T> buf(m * buf_cols), tau(k);
      gather_col_major(a, b, buf.data(), m);
      T size = 0;
      Lapack<T>::geqrf(lint(m), lint(n), buf.data(), lint(m), tau.data(), &size, -1);
      lint lwork = query_size(size);
      Lapack<T>::orgqr(lint(m), lint(q_cols), lint(k), buf.data(), lint(m), tau.data(), &size, -1);
      lwork = std::max(lwork, query_size(size));
      std::vector<T> work(lwork);
      lint status = Lapack<T>::geqrf(lint(m), lint(n), buf.data(), lint(m), tau.data(), work.data(), lwork);
      for (int64_t i = 0; i < r_rows; ++i)
        for (int64_t j = 0; j < n; ++j) r[i * n + j] = j >= i ? buf[i + j * m] : T(0);
      if (status == 0)
        status = Lapack<T>::orgqr(lint(m), lint(q_cols), lint(k), buf.data(), lint(m), tau.data(),
                                  work.data(), lwork);
      info[b] = status;
      scatter_row_major(buf.data(), m, m, q_cols, out[0], b);
    });
  });
  check_arguments(info, "qr");
}

void svd_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const auto& sv = static_cast<const SvdOp&>(op);
  const Tensor& a = in[0];
  int64_t m = rows_of(a), n = cols_of(a), k = std::min(m, n), count = num_matrices(a);
  bool uv = sv.compute_uv(), full = sv.full_matrices();
  char jobz = !uv ? 'N' : full ? 'A' : 'S';
  int64_t u_cols = full ? m : k, vt_rows = full ? n : k;
  const Tensor& s_out = uv ? out[1] : out[0];
  std::vector<lint> info(count, 0);
  visit_lapack_dtype(a.dtype(), "svd", [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(count, [&](int64_t b) {
      if (k == 0) {  // no singular values; full bases are identities
        if (uv) fill_eye(out[0].data<T>() + b * m * u_cols, m, u_cols);
        if (uv) fill_eye(out[2].data<T>() + b * vt_rows * n, vt_rows, n);
        return;
      }
      std::vector<T> buf(m * n), s(k);
      std::vector<T> u(uv ? m * u_cols : 1), vt(uv ? vt_rows * n : 1);
      std::vector<lint> iwork(8 * k);
      gather_col_major(a, b, buf.data(), m);
      if (!all_finite(buf)) {
        info[b] = kNonFinite;
        return;
      }
      lint ldu = uv ? lint(m) : 1, ldvt = uv ? lint(vt_rows) : 1;
      T size = 0;
      Lapack<T>::gesdd(jobz, lint(m), lint(n), buf.data(), s.data(), u.data(), ldu, vt.data(), ldvt,
                       &size, -1, iwork.data());
      lint lwork = query_size(size);
      std::vector<T> work(lwork);
      info[b] = Lapack<T>::gesdd(jobz, lint(m), lint(n), buf.data(), s.data(), u.data(), ldu,
                                 vt.data(), ldvt, work.data(), lwork, iwork.data());
      std::copy(s.begin(), s.end(), s_out.data<T>() + b * k);
      if (uv) {
        scatter_row_major(u.data(), m, m, u_cols, out[0], b);
        scatter_row_major(vt.data(), vt_rows, vt_rows, n, out[2], b);
      }
    });
  });
  check_arguments(info, "svd");
  check_converged(info, "svd", count);
}

void eigh_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  const Tensor& a = in[0];
  int64_t n = rows_of(a), count = num_matrices(a);
  if (n == 0) return;
  std::vector<lint> info(count, 0);
  visit_lapack_dtype(a.dtype(), "eigh", [&](auto tag) {
    using T = typename decltype(tag)::type;
    parallel_for(count, [&](int64_t b) {
      std::vector<T> buf(n * n);
      gather_col_major(a, b, buf.data(), n);
      if (!all_finite(buf)) {
        info[b] = kNonFinite;
        return;
      }
      T size = 0;
      lint isize = 0;
      T* w = out[0].data<T>() + b * n;
      Lapack<T>::syevd(lint(n), buf.data(), w, &size, -1, &isize, -1);
      lint lwork = query_size(size), liwork = std::max<lint>(1, isize);
      std::vector<T> work(lwork);
      std::vector<lint> iwork(liwork);
      info[b] = Lapack<T>::syevd(lint(n), buf.data(), w, work.data(), lwork, iwork.data(), liwork);
      scatter_row_major(buf.data(), n, n, n, out[1], b);
    });
  });
  check_arguments(info, "eigh");
  check_converged(info, "eigh", count);
}

void check_converged(const std::vector<lint>& info, const char* op, int64_t count) {
  for (int64_t b = 0; b < count; ++b) {
    if (info[b] == kNonFinite)
      throw LinAlgError(error_message("[", op, "] the matrix", batch_position(b, count),
                                      " contains NaN or inf"));
    if (info[b] != 0)
      throw LinAlgError(error_message("[", op, "] did not converge", batch_position(b, count)));
  }
}

}  // namespace

void register_linalg_kernels() {
  register_kernel(OpKind::cholesky, DeviceKind::cpu, cholesky_kernel);
  register_kernel(OpKind::triangular_solve, DeviceKind::cpu, triangular_solve_kernel);
  register_kernel(OpKind::lu, DeviceKind::cpu, lu_kernel);
  register_kernel(OpKind::qr, DeviceKind::cpu, qr_kernel);
  register_kernel(OpKind::svd, DeviceKind::cpu, svd_kernel);
  register_kernel(OpKind::eigh, DeviceKind::cpu, eigh_kernel);
}

}  // namespace kl::cpu
