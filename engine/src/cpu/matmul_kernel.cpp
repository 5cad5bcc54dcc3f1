// CPU matmul. Float products of any size past MatmulOp::packs_b run our packed-B GEMM
// (simd/gemm_loops.cpp): B is packed once per call, shared by every task, and each output
// element is one in-order chain of FMAs, so the split across the pool is free to follow the
// thread count and the bits never do. The rest (small products, matrix-vector shapes, integer
// types) calls OpenBLAS on blocks of rows; OpenBLAS itself runs single-threaded (see
// blas_config.cpp): its threading collapses on small products, and one pool means no
// oversubscription.
#include <cblas.h>

#include <algorithm>
#include <type_traits>

#include "cpu/bias_epilogue.h"
#include "cpu/kernels.h"
#include "cpu/simd/vector_loops.h"
#include "kl/primitives.h"
#include "kl/thread_pool.h"
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

// Offset of batch element `index` of a batch shape in a tensor with these (broadcast) strides.
int64_t batch_offset(int64_t index, const Shape& batch, const Strides& strides) {
  int64_t off = 0;
  for (int i = int(batch.size()) - 1; i >= 0; --i) {
    off += (index % batch[i]) * strides[i];
    index /= batch[i];
  }
  return off;
}

// The fused epilogue of a graph-mode matmul_bias_activation, when bias is not null.
template <class T>
struct Epilogue {
  const T* bias = nullptr;
  FusedActivation activation = FusedActivation::linear;
  void operator()(T* c, int64_t ldc, int64_t rows, int64_t n0, int64_t n1) const {
    if (bias)
      bias_activation_block<T>(activation, c + n0, ldc, bias + n0, c + n0, ldc, rows, n1 - n0);
  }
};

template <class T>
void packed_matmul(const Tensor& a, MatrixArg la, const Tensor& b, const Tensor& c,
                   const Shape& batch, Tensor& packed, const Epilogue<T>& epilogue) {
  const VectorLoopsFor<T>& loops = loops_of<T>();
  int nd = c.ndim();
  int64_t M = c.dim(nd - 2), N = c.dim(nd - 1), K = a.dim(a.ndim() - 1);
  int64_t num_batch = numel(batch);
  const int64_t NR = loops.gemm_panel_width;
  const int64_t panels = (N + NR - 1) / NR;
  // Each of B's own batch matrices is packed once; C's batch element i reads the one that
  // broadcasting maps it to (the "strides" of a contiguous stack of packed matrices).
  Shape b_batch(b.shape().begin(), b.shape().end() - 2);
  int64_t b_matrices = numel(b_batch);
  int64_t packed_size = packed.dim(1) * packed.dim(2);
  Strides packed_index(batch.size(), 0);  // C's batch element -> packed matrix, by broadcasting
  int lead = int(batch.size() - b_batch.size());
  int64_t step = 1;
  for (int i = int(b_batch.size()) - 1; i >= 0; step *= b_batch[i], --i)
    packed_index[lead + i] = b_batch[i] == 1 ? 0 : step;
  Strides sa = broadcast_strides(a, c.shape());
  Strides b_strides(b.strides().begin(), b.strides().end() - 2);
  int64_t b_rs = b.strides()[b.ndim() - 2], b_cs = b.strides()[b.ndim() - 1];
  const T* pb = b.data<T>();
  T* pp = packed.data<T>();
  parallel_for(b_matrices * panels, [&](int64_t task) {
    int64_t m = task / panels, j = task % panels;
    loops.pack_gemm_b(pb + batch_offset(m, b_batch, b_strides), b_rs, b_cs, K, N, j, j + 1,
                      pp + m * packed_size);
  });
  // One task per thread, as rows (whole micro-kernel heights: 12 is a multiple of every ISA's)
  // or, when that would leave the threads uneven (a short C), as panels.
  int threads = num_threads();
  int64_t target = num_batch >= threads ? 1 : (threads + num_batch - 1) / num_batch;
  auto rows_per = [&](int64_t tasks) { return ((M + tasks - 1) / tasks + 11) / 12 * 12; };
  auto panels_per = [&](int64_t tasks) { return (panels + tasks - 1) / tasks; };
  double row_spread = double(rows_per(target) * target) / double(M);
  double panel_spread = double(panels_per(target) * target) / double(panels);
  bool by_panels = target > 1 && panels >= target && panel_spread + 0.03 < row_spread;
  int64_t rows_per_task = rows_per(by_panels ? 1 : target);
  int64_t row_tasks = (M + rows_per_task - 1) / rows_per_task;
  int64_t panels_per_task = panels_per(by_panels ? target : 1);
  int64_t col_tasks = (panels + panels_per_task - 1) / panels_per_task;
  const T* pa = a.data<T>();
  T* pc = c.data<T>();
  parallel_for(num_batch * row_tasks * col_tasks, [&](int64_t task) {
    int64_t bi = task / (row_tasks * col_tasks), rest = task % (row_tasks * col_tasks);
    int64_t m0 = (rest / col_tasks) * rows_per_task, j0 = (rest % col_tasks) * panels_per_task;
    const T* packed_b = pp + batch_offset(bi, batch, packed_index) * packed_size;
    int64_t m1 = std::min(M, m0 + rows_per_task), j1 = std::min(panels, j0 + panels_per_task);
    T* cb = pc + bi * M * N;
    loops.packed_gemm(pa + batch_offset(bi, batch, sa), la.ld, la.trans, packed_b, cb, N, N, K,
                      m0, m1, j0, j1);
    epilogue(cb + m0 * N, N, m1 - m0, j0 * NR, std::min(N, j1 * NR));  // while in cache
  });
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
    Epilogue<T> epilogue;
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      const auto& mop = static_cast<const MatmulOp&>(op);
      if (mop.has_bias()) epilogue = {expect_contiguous(in[2]).data<T>(), mop.epilogue()};
    }
    if (K == 0) {
      std::fill(c.data<T>(), c.data<T>() + c.size(), T(0));
      for (int64_t bi = 0; bi < num_batch; ++bi) epilogue(c.data<T>() + bi * M * N, N, M, 0, N);
      return;
    }
    if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
      if (MatmulOp::packs_b(a, b)) {
        packed_matmul<T>(a, la, b, c, batch, scratch[0], epilogue);
        return;
      }
    }
    Strides sa = broadcast_strides(a, c.shape()), sb = broadcast_strides(b, c.shape());
    const T* pa = a.data<T>();
    const T* pb = b.data<T>();
    T* pc = c.data<T>();
    int64_t row_block = gemm_row_block(M, N, K, num_batch);
    int64_t row_tasks = (M + row_block - 1) / row_block;
    parallel_for(num_batch * row_tasks, [&](int64_t task) {
      int64_t bi = task / row_tasks, r0 = (task % row_tasks) * row_block;
      int64_t rows = std::min(row_block, M - r0);
      const T* ab = pa + batch_offset(bi, batch, sa) + (la.trans ? r0 : r0 * la.ld);
      const T* bb = pb + batch_offset(bi, batch, sb);
      T* cb = pc + bi * M * N + r0 * N;
      gemm<T>(ab, la, bb, lb, cb, rows, N, K, N);
      epilogue(cb, N, rows, 0, N);
    });
  });
}

}  // namespace

void register_matmul_kernels() { register_kernel(OpKind::matmul, DeviceKind::cpu, matmul_kernel); }

}  // namespace kl::cpu
