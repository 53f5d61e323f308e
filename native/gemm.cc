// Float32 matrix products through oneDNN's sgemm. libtorch 1.13 hands its float GEMMs to the
// system BLAS (Debian's: OpenBLAS 0.3.21); the oneDNN it links for convolutions has its own JIT
// sgemm, which on this project's shapes is faster (AVX-512 machine, 2 threads, batch 128-512:
// [512, 784]·[784, 256] 0.96 ms against OpenBLAS's 1.45; [128, 784]·[784, 400] 0.39 against
// 0.43; [128, 3136]·[3136, 512] 1.89 against 2.29). oneDNN runs on libtorch's OpenMP threads.
// Its C API's dnnl_sgemm is exported by Debian's libdnnl.so.2; a libtorch that carries oneDNN
// inside itself hides it, so there (LATENTLAB_DNNL_SGEMM unset) every product goes to ATen.
#include "common.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#if LATENTLAB_DNNL_SGEMM
extern "C" int dnnl_sgemm(char transa, char transb, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                          int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
#endif

namespace latentlab {
namespace {

// How a 2-D tensor reads as a row-major matrix: as it is ('N', its row stride) or as the
// transpose of one ('T', its column stride). Other layouts (a slice with both strides > 1, a
// broadcast) are copied first.
struct Operand {
  at::Tensor tensor;
  char trans;
  int64_t ld;
};

Operand operand(const at::Tensor& t) {
  const int64_t rows = t.size(0), cols = t.size(1);
  if (t.stride(1) == 1 && t.stride(0) >= std::max<int64_t>(1, cols)) return {t, 'N', t.stride(0)};
  if (t.stride(0) == 1 && t.stride(1) >= std::max<int64_t>(1, rows)) return {t, 'T', t.stride(1)};
  const at::Tensor copy = t.contiguous();
  return {copy, 'N', std::max<int64_t>(1, cols)};
}

bool fastPath(const at::Tensor& a, const at::Tensor& b) {
#if LATENTLAB_DNNL_SGEMM
  for (const at::Tensor* t : {&a, &b}) {
    if (t->dim() != 2 || t->scalar_type() != at::kFloat || !t->device().is_cpu() || t->numel() == 0) return false;
  }
  return a.size(1) == b.size(0);
#else
  return false;
#endif
}

// c ← alpha·a·b + beta·c, c contiguous [M, N] (its values ignored when beta is 0).
void sgemmInto(at::Tensor& c, const at::Tensor& a, const at::Tensor& b, float alpha, float beta) {
#if LATENTLAB_DNNL_SGEMM
  RECORD_FUNCTION("latentlab::sgemm", std::vector<c10::IValue>({a, b}));  // in profile() beside ATen's ops
  const Operand A = operand(a), B = operand(b);
  const int64_t m = a.size(0), n = b.size(1), k = a.size(1);
  const int status = dnnl_sgemm(A.trans, B.trans, m, n, k, alpha, A.tensor.data_ptr<float>(), A.ld, B.tensor.data_ptr<float>(),
                                B.ld, beta, c.data_ptr<float>(), std::max<int64_t>(1, n));
  TORCH_CHECK(status == 0, "oneDNN's sgemm failed (status ", status, ") on [", m, ", ", k, "]·[", k, ", ", n, "]");
#endif
}

}  // namespace

at::Tensor matmul2d(const at::Tensor& a, const at::Tensor& b) {
  if (!fastPath(a, b)) return at::mm(a, b);
  at::Tensor c = at::empty({a.size(0), b.size(1)}, a.options());
  sgemmInto(c, a, b, 1.0f, 0.0f);
  return c;
}

void addmmInPlace(at::Tensor& c, const at::Tensor& a, const at::Tensor& b, double beta, double alpha) {
  const bool fits = c.dim() == 2 && c.is_contiguous() && c.scalar_type() == at::kFloat && !c.requires_grad() &&
                    c.size(0) == a.size(0) && c.size(1) == b.size(1);
  if (!fits || !fastPath(a, b)) {
    c.addmm_(a, b, beta, alpha);
    return;
  }
  sgemmInto(c, a, b, static_cast<float>(alpha), static_cast<float>(beta));
}

at::Tensor linearNoGrad(const at::Tensor& x, const at::Tensor& weight, const c10::optional<at::Tensor>& bias) {
  const bool withBias = bias && bias->defined();
  const bool biasFits = !withBias || (bias->dim() == 1 && bias->size(0) == weight.size(0) && bias->scalar_type() == at::kFloat &&
                                      bias->device().is_cpu());
  if (x.dim() != 2 || weight.dim() != 2 || !biasFits || !fastPath(x, weight.t())) return at::linear(x, weight, bias);
  // as ATen's addmm: the bias in every row, then the product added onto it (a fresh buffer: for
  // one row, contiguous() of the expanded bias would be the bias itself)
  at::Tensor y = at::empty({x.size(0), weight.size(0)}, x.options());
  if (withBias) y.copy_(bias->expand({x.size(0), weight.size(0)}));
  sgemmInto(y, x, weight.t(), 1.0f, withBias ? 1.0f : 0.0f);
  return y;
}

}  // namespace latentlab
