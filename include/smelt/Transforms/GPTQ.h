//===- GPTQ.h - GPTQ's solver, free of MLIR ----------------------*- C++ -*-===//
//
// The numbers behind `smelt-quantize-weights{method=gptq}` (Frantar et al.
// 2023), as a plain library: a Cholesky factorization, GPTQ's column-by-
// column rounding with the error spread by the inverse Hessian's Cholesky
// factor, and the output error it minimizes. Row-major doubles throughout.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_GPTQ_H
#define SMELT_TRANSFORMS_GPTQ_H

#include <cstdint>
#include <vector>

namespace smelt::gptq {

/// The lower Cholesky factor L of the symmetric positive definite `a`
/// (n x n, A = L L^T), in place (the upper triangle zeroed); false when `a`
/// is not positive definite.
bool cholesky(std::vector<double> &a, int64_t n);

/// GPTQ on `w` ([rows][k], updated in place as the columns not yet
/// quantized absorb the error) with the Gram matrix `gram` (k x k) of the
/// layer's input. The diagonal is damped by 1% of its mean; inputs that are
/// always zero get their weights zeroed. Columns are quantized in order to
/// symmetric integers in [-qmax, qmax], with scales per row and group of
/// `group` columns (k divisible by it) taken from the updated weights when
/// the group starts. Writes the integers to `q` ([rows][k]) and the scales
/// to `scales` ([rows][k / group]). False when the damped Gram matrix is
/// not positive definite.
bool quantize(std::vector<double> &w, int64_t rows, int64_t k, int64_t group,
              float qmax, std::vector<double> gram, std::vector<int8_t> &q,
              std::vector<float> &scales);

/// trace(D G D^T) for D ([rows][k]) and the Gram matrix G (k x k): the
/// squared output error of weights off by D, summed over the samples.
double outputError(const std::vector<double> &d, int64_t rows, int64_t k,
                   const std::vector<double> &gram);

} // namespace smelt::gptq

#endif // SMELT_TRANSFORMS_GPTQ_H
