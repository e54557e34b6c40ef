//===- Observers.cpp - Clipping thresholds from |x| histograms -------------===//

#include "smelt/Transforms/Calibration.h"

#include <cmath>
#include <limits>

using namespace smelt;

double smelt::percentileThreshold(const std::vector<double> &histogram,
                                  double maxAbs, double percentile) {
  double total = 0;
  for (double c : histogram)
    total += c;
  if (total <= 0 || histogram.empty())
    return maxAbs;
  double width = maxAbs / histogram.size();
  double wanted = total * percentile / 100.0, seen = 0;
  for (size_t i = 0; i < histogram.size(); ++i) {
    seen += histogram[i];
    if (seen >= wanted)
      return (i + 1) * width;
  }
  return maxAbs;
}

double smelt::entropyThreshold(const std::vector<double> &histogram,
                               double maxAbs) {
  const size_t levels = 128;
  size_t bins = histogram.size();
  if (bins <= levels)
    return maxAbs;
  double width = maxAbs / bins;
  double bestDivergence = std::numeric_limits<double>::infinity();
  size_t best = bins;
  std::vector<double> p, q;
  for (size_t i = levels; i <= bins; ++i) {
    // P: the first i bins, everything beyond folded into the last.
    p.assign(histogram.begin(), histogram.begin() + i);
    for (size_t j = i; j < bins; ++j)
      p[i - 1] += histogram[j];
    // Q: the first i bins merged into 128 levels, each level's mass spread
    // evenly over its bins that held something.
    q.assign(i, 0.0);
    double merged = static_cast<double>(i) / levels;
    for (size_t level = 0; level < levels; ++level) {
      size_t start = static_cast<size_t>(std::floor(level * merged));
      size_t end = level + 1 == levels
                       ? i
                       : static_cast<size_t>(std::floor((level + 1) * merged));
      double mass = 0;
      size_t used = 0;
      for (size_t j = start; j < end; ++j) {
        mass += histogram[j];
        used += histogram[j] != 0;
      }
      for (size_t j = start; j < end; ++j)
        if (histogram[j] != 0)
          q[j] = mass / used;
    }
    double pTotal = 0, qTotal = 0;
    for (size_t j = 0; j < i; ++j) {
      pTotal += p[j];
      qTotal += q[j];
    }
    if (pTotal <= 0 || qTotal <= 0)
      continue;
    double divergence = 0;
    for (size_t j = 0; j < i; ++j) {
      if (p[j] <= 0)
        continue;
      double pj = p[j] / pTotal;
      // A bin P holds and Q does not (the folded tail): a small floor, as
      // TensorRT's smoothing does.
      double qj = std::max(q[j] / qTotal, 1e-12);
      divergence += pj * std::log(pj / qj);
    }
    if (divergence < bestDivergence) {
      bestDivergence = divergence;
      best = i;
    }
  }
  return std::min(maxAbs, (best + 0.5) * width);
}

double smelt::mseThreshold(const std::vector<double> &histogram, double maxAbs,
                           bool nonNegative) {
  size_t bins = histogram.size();
  if (bins == 0 || maxAbs <= 0)
    return maxAbs;
  double width = maxAbs / bins;
  double best = maxAbs,
         bestError = std::numeric_limits<double>::infinity();
  for (size_t i = 1; i <= bins; ++i) {
    double t = i * width;
    double step = (nonNegative ? t : 2 * t) / 255.0;
    double error = 0;
    // Each bin's values taken at its centre: rounded to the 8-bit grid
    // inside the range (exact for data on few distinct values, the usual
    // step^2/12 on average otherwise), clipped outside it.
    for (size_t b = 0; b < bins; ++b) {
      if (histogram[b] == 0)
        continue;
      double centre = (b + 0.5) * width;
      double e = centre <= t ? centre - std::nearbyint(centre / step) * step
                             : centre - t;
      error += histogram[b] * e * e;
    }
    if (error < bestError) {
      bestError = error;
      best = t;
    }
  }
  return best;
}
