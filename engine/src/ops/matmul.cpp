// Batched matrix multiply with broadcast batch dimensions.
#include "kl/autograd.h"
#include "kl/ops.h"

namespace kl {
namespace {
constexpr int64_t kMaxBlasDim = 2147483647;
}  // namespace

bool is_blas_matrix_layout(const Tensor& t) {
  if (t.ndim() < 2) return false;
  int64_t rows = t.dim(t.ndim() - 2), cols = t.dim(t.ndim() - 1);
  int64_t rs = t.strides()[t.ndim() - 2], cs = t.strides()[t.ndim() - 1];
  return ((cs == 1 || cols == 1) && rs >= std::max<int64_t>(cols, 1)) ||
         ((rs == 1 || rows == 1) && cs >= std::max<int64_t>(rows, 1));
}

bool MatmulOp::needs_contiguous(size_t i, const Tensor& t) const {
  if (i == 2) return !t.is_contiguous();  // the epilogue's bias
  return t.size() > 0 && !is_blas_matrix_layout(t);
}

std::vector<TensorSpec> MatmulOp::infer(const Tensors& in) const {
  const Tensor &a = in[0], &b = in[1];
  KL_CHECK(a.ndim() >= 2 && b.ndim() >= 2, "[matmul] internal: operands must have rank >= 2");
  KL_CHECK(a.dtype() == b.dtype(), "[matmul] internal: operands must share a dtype");
  int64_t k1 = a.dim(a.ndim() - 1), k2 = b.dim(b.ndim() - 2);
  KL_CHECK(k1 == k2, "[matmul] inner dimensions differ: shapes ", shape_str(a.shape()), " and ",
           shape_str(b.shape()));
  // BLAS takes 32-bit sizes: a larger float product would be computed wrong, not refused.
  int64_t m = a.dim(a.ndim() - 2), n = b.dim(b.ndim() - 1);
  KL_CHECK(!(a.dtype() == DType::float32 || a.dtype() == DType::float64) ||
               (m <= kMaxBlasDim && n <= kMaxBlasDim && k1 <= kMaxBlasDim),
           "[matmul] expected matrix dimensions below 2^31 (BLAS's limit), received shapes ",
           shape_str(a.shape()), " and ", shape_str(b.shape()));
  Shape batch_a(a.shape().begin(), a.shape().end() - 2), batch_b(b.shape().begin(), b.shape().end() - 2);
  Shape shape = broadcast_shapes(batch_a, batch_b, "matmul");
  shape.push_back(a.dim(a.ndim() - 2));
  shape.push_back(b.dim(b.ndim() - 1));
  KL_CHECK(in.size() == (has_bias_ ? 3u : 2u), "[", name(), "] internal: wrong input count");
  if (has_bias_)
    KL_CHECK((a.dtype() == DType::float32 || a.dtype() == DType::float64) &&
                 in[2].dtype() == a.dtype() && in[2].ndim() == 1 && in[2].dim(0) == n,
             "[", name(), "] internal: the bias must be a float vector of the product's columns");
  return {{shape, a.dtype()}};
}

bool MatmulOp::packs_b(const Tensor& a, const Tensor& b) {
  int64_t M = a.dim(a.ndim() - 2), K = a.dim(a.ndim() - 1), N = b.dim(b.ndim() - 1);
  // A transposed B (a backward pass's W^T) is packed by a strided gather, which pays for
  // itself over fewer rows of A only when B is stored as it is read.
  bool b_transposed = N > 1 && b.strides()[b.ndim() - 1] != 1;
  // Where packing B once pays for itself over the rows of A and B's passes stay in L2; fewer
  // rows, a few columns (a matrix-vector product padded to whole panels) or a B that spills L2
  // are BLAS's ground (measured on W1's shapes and 2048^3).
  return (b.dtype() == DType::float32 || b.dtype() == DType::float64) &&
         M >= (b_transposed ? 192 : 64) && N >= 32 && N <= 1024 && K >= 16;
}

std::vector<TensorSpec> MatmulOp::scratch(const Tensors& in) const {
  const Tensor &a = in[0], &b = in[1];
  int64_t K = a.dim(a.ndim() - 1), N = b.dim(b.ndim() - 1);
  if (!packs_b(a, b)) return {};
  int64_t matrices = 1;
  for (int i = 0; i < b.ndim() - 2; ++i) matrices *= b.dim(i);
  int64_t per_panel = kPackedColumnBytes / int64_t(itemsize(b.dtype()));
  return {{{matrices, K, (N + per_panel - 1) / per_panel * per_panel}, b.dtype()}};
}

Tensors MatmulOp::vjp(const Tensors& in, const Tensors& out, const Tensors& ct) const {
  // Graph runs are never recorded (a call under a tape runs the Python body), and only graph
  // fusion makes the epilogue form, so no gradient ever reaches it.
  KL_CHECK(!has_bias_, "[", name(), "] internal: the fused form has no gradient");
  const Tensor &a = in[0], &b = in[1], &g = ct[0];
  Tensor ga, gb;
  if (a.requires_grad()) ga = sum_to_shape(matmul(g, swap_last_axes(b)), a.shape());
  if (b.requires_grad()) gb = sum_to_shape(matmul(swap_last_axes(a), g), b.shape());
  return {ga, gb};
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  KL_CHECK(a.ndim() >= 1 && b.ndim() >= 1, "[matmul] operands must have rank >= 1, received shapes ",
           shape_str(a.shape()), " and ", shape_str(b.shape()));
  // NumPy semantics for vectors: promote to matrices, then drop the added axes.
  if (a.ndim() == 1 || b.ndim() == 1) {
    Tensor a2 = a.ndim() == 1 ? reshape(a, {1, a.dim(0)}) : a;
    Tensor b2 = b.ndim() == 1 ? reshape(b, {b.dim(0), 1}) : b;
    Tensor r = matmul(a2, b2);
    Shape rs = r.shape();
    if (b.ndim() == 1) rs.pop_back();
    if (a.ndim() == 1) rs.erase(rs.end() - (b.ndim() == 1 ? 1 : 2));
    return reshape(r, rs);
  }
  DType dt = result_dtype(a.dtype(), a.weak(), b.dtype(), b.weak());
  KL_CHECK(dt != DType::bool_, "[matmul] is not defined for bool tensors");
  Tensor x = a.dtype() == dt ? a : cast(a, dt);
  Tensor y = b.dtype() == dt ? b : cast(b, dt);
  return call1<MatmulOp>({x, y});
}

}  // namespace kl
