//===- GPTQ.cpp - GPTQ's solver, free of MLIR -----------------------------===//

#include "smelt/Transforms/GPTQ.h"

#include <algorithm>
#include <cmath>

bool smelt::gptq::cholesky(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int64_t k = 0; k < j; ++k)
      d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0))
      return false;
    d = std::sqrt(d);
    a[j * n + j] = d;
    for (int64_t i = j + 1; i < n; ++i) {
      double v = a[i * n + j];
      const double *ri = &a[i * n], *rj = &a[j * n];
      for (int64_t k = 0; k < j; ++k)
        v -= ri[k] * rj[k];
      a[i * n + j] = v / d;
    }
    for (int64_t i = 0; i < j; ++i)
      a[i * n + j] = 0;
  }
  return true;
}

bool smelt::gptq::quantize(std::vector<double> &w, int64_t rows, int64_t k,
                           int64_t group, float qmax, std::vector<double> gram,
                           std::vector<int8_t> &q, std::vector<float> &scales) {
  double mean = 0;
  for (int64_t i = 0; i < k; ++i) {
    if (gram[i * k + i] == 0) {
      // An input that is always zero: its weights do not matter.
      gram[i * k + i] = 1;
      for (int64_t r = 0; r < rows; ++r)
        w[r * k + i] = 0;
    }
    mean += gram[i * k + i];
  }
  double damp = 0.01 * mean / k;
  for (int64_t i = 0; i < k; ++i)
    gram[i * k + i] += damp;
  // H^-1 from H = L L^T, then its upper Cholesky factor U (H^-1 = U^T U).
  if (!cholesky(gram, k))
    return false;
  std::vector<double> inv(k * k, 0.0);
  for (int64_t c = 0; c < k; ++c) {
    // Column c of L^-1 by forward substitution.
    for (int64_t i = 0; i < k; ++i) {
      double v = i == c ? 1.0 : 0.0;
      for (int64_t j = c; j < i; ++j)
        v -= gram[i * k + j] * inv[j * k + c];
      inv[i * k + c] = v / gram[i * k + i];
    }
  }
  // H^-1 = L^-T L^-1.
  std::vector<double> hinv(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j <= i; ++j) {
      double v = 0;
      for (int64_t m = i; m < k; ++m)
        v += inv[m * k + i] * inv[m * k + j];
      hinv[i * k + j] = hinv[j * k + i] = v;
    }
  if (!cholesky(hinv, k))
    return false;
  // U = L2^T: U[i][j] = hinv[j][i] for j >= i.
  int64_t groups = k / group;
  scales.assign(rows * groups, 1.0f);
  q.assign(rows * k, 0);
  for (int64_t i = 0; i < k; ++i) {
    double u = hinv[i * k + i];
    for (int64_t r = 0; r < rows; ++r) {
      double *row = &w[r * k];
      if (i % group == 0) {
        double maxAbs = 0;
        for (int64_t j = i; j < i + group; ++j)
          maxAbs = std::max(maxAbs, std::fabs(row[j]));
        scales[r * groups + i / group] =
            maxAbs > 0 ? static_cast<float>(maxAbs / qmax) : 1.0f;
      }
      float scale = scales[r * groups + i / group];
      float level = std::clamp(
          std::nearbyint(static_cast<float>(row[i]) / scale), -qmax, qmax);
      q[r * k + i] = static_cast<int8_t>(level);
      double err = (row[i] - static_cast<double>(level) * scale) / u;
      for (int64_t j = i + 1; j < k; ++j)
        row[j] -= err * hinv[j * k + i];
    }
  }
  return true;
}

double smelt::gptq::outputError(const std::vector<double> &d, int64_t rows,
                                int64_t k, const std::vector<double> &gram) {
  double total = 0;
  std::vector<double> t(k);
  for (int64_t r = 0; r < rows; ++r) {
    const double *dr = &d[r * k];
    for (int64_t j = 0; j < k; ++j) {
      double v = 0;
      for (int64_t m = 0; m < k; ++m)
        v += gram[j * k + m] * dr[m];
      t[j] = v;
    }
    for (int64_t j = 0; j < k; ++j)
      total += dr[j] * t[j];
  }
  return total;
}
