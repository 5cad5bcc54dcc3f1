// CPU matmul: OpenBLAS GEMM on blocks of rows, split across our pool. OpenBLAS itself runs
// single-threaded (see blas_config.cpp): its threading collapses on small products, and one
// pool means no oversubscription and results that do not depend on the thread count.
#include <cblas.h>

#include <algorithm>
#include <type_traits>

#include "cpu/kernels.h"
#include "cpu/strided.h"

namespace kl::cpu {
namespace {

// A matrix operand as BLAS sees it: pointer, transpose flag and leading dimension.
struct MatrixArg {
  bool trans = false;
  int64_t ld = 0;
};

// BLAS needs one unit stride among the last two axes.
bool blas_layout(const Tensor& t, MatrixArg& arg) {
  int64_t rows = t.dim(t.ndim() - 2), cols = t.dim(t.ndim() - 1);
  int64_t rs = t.strides()[t.ndim() - 2], cs = t.strides()[t.ndim() - 1];
  if ((cs == 1 || cols == 1) && rs >= std::max<int64_t>(cols, 1)) {
    arg = {false, std::max<int64_t>(rs, 1)};
    return true;
  }
  if ((rs == 1 || rows == 1) && cs >= std::max<int64_t>(rows, 1)) {
    arg = {true, std::max<int64_t>(cs, 1)};
    return true;
  }
  return false;
}

template <class T>
void gemm(const T* a, MatrixArg la, const T* b, MatrixArg lb, T* c, int64_t M, int64_t N, int64_t K,
          int64_t ldc) {
  auto ta = la.trans ? CblasTrans : CblasNoTrans;
  auto tb = lb.trans ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    scipy_cblas_sgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0f, a, int(la.ld), b, int(lb.ld),
                0.0f, c, int(ldc));
  } else if constexpr (std::is_same_v<T, double>) {
    scipy_cblas_dgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), 1.0, a, int(la.ld), b, int(lb.ld),
                0.0, c, int(ldc));
  } else {
    // Integer and half types: a plain triple loop accumulating in the compute type.
    using C = std::conditional_t<std::is_integral_v<T>, T, float>;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        C acc = 0;
        for (int64_t k = 0; k < K; ++k) {
          T x = la.trans ? a[k * la.ld + i] : a[i * la.ld + k];
          T y = lb.trans ? b[j * lb.ld + k] : b[k * lb.ld + j];
          acc = C(acc + C(x) * C(y));
        }
        c[i * ldc + j] = T(acc);
      }
  }
}


// Rows per GEMM call. OpenBLAS's result for a row depends on the block it sits in (its kernels
// treat a block's remainder rows differently), so the split is a function of the problem alone,
// never of the thread count: then 1, 2, 3 or 64 threads give identical bits. Blocks stay at
// 256 rows or more once M allows, because every call packs all of B again.
int64_t gemm_row_block(int64_t M, int64_t N, int64_t K, int64_t num_batch) {
  constexpr double kMinSplitWork = 96.0 * 96.0 * 96.0;  // below this one call beats two
  constexpr int64_t kMaxBlocks = 16;
  constexpr int64_t kTargetRows = 256;
  double work = double(M) * double(N) * double(K);
  if (num_batch >= kMaxBlocks || M <= 16 || work * double(num_batch) < kMinSplitWork) return M;
  int64_t blocks = std::clamp<int64_t>((M + kTargetRows - 1) / kTargetRows, 2, kMaxBlocks);
  return ((M + blocks - 1) / blocks + 15) / 16 * 16;
}

void matmul_kernel(const Op& op, const Tensors& in, Tensors& out, Tensors& scratch) {
  Tensor a = in[0], b = in[1];
  const Tensor& c = out[0];
  int nd = c.ndim();
  int64_t M = c.dim(nd - 2), N = c.dim(nd - 1), K = a.dim(a.ndim() - 1);
  Shape batch(c.shape().begin(), c.shape().end() - 2);
  int64_t num_batch = numel(batch);
  if (c.size() == 0) return;
  MatrixArg la, lb;
  // MatmulOp::needs_contiguous made the dispatcher stage any other layout.
  KL_CHECK(K == 0 || (blas_layout(a, la) && blas_layout(b, lb)), "[matmul] internal: layout");
  visit_dtype(c.dtype(), "matmul", kNumbers, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if (K == 0) {
      std::fill(c.data<T>(), c.data<T>() + c.size(), T(0));
      return;
    }
    Strides sa = broadcast_strides(a, c.shape()), sb = broadcast_strides(b, c.shape());
    auto batch_offset = [&](int64_t idx, const Strides& s) {
      int64_t off = 0;
      for (int i = int(batch.size()) - 1; i >= 0; --i) {
        off += (idx % batch[i]) * s[i];
        idx /= batch[i];
      }
      return off;
    };
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* pc = c.data<T>();
    int64_t row_block = gemm_row_block(M, N, K, num_batch);
    int64_t row_tasks = (M + row_block - 1) / row_block;
    parallel_for(num_batch * row_tasks, [&](int64_t task) {
      int64_t bi = task / row_tasks, r0 = (task % row_tasks) * row_block;
      int64_t rows = std::min(row_block, M - r0);
      const T* ab = pa + batch_offset(bi, sa) + (la.trans ? r0 : r0 * la.ld);
      const T* bb = pb + batch_offset(bi, sb);
      T* cb = pc + bi * M * N + r0 * N;
      gemm<T>(ab, la, bb, lb, cb, rows, N, K, N);
    });
  });
}

}  // namespace

void register_matmul_kernels() { register_kernel(OpKind::matmul, DeviceKind::cpu, matmul_kernel); }

}  // namespace kl::cpu
