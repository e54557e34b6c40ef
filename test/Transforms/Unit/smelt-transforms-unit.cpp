//===- smelt-transforms-unit.cpp - SmeltTransforms alone, for tests --------===//
//
// Links SmeltTransforms and MLIR only (no target, runner or runtime; CMake
// checks the link graph too), so that running it at all shows the
// compression passes stand without a target. Two commands:
//
//   smelt-transforms-unit gptq IN OUT
//       GPTQ's solver on raw little-endian data: IN holds int64 rows, k,
//       group, then f64 qmax, W [rows][k] and the Gram matrix G [k][k];
//       OUT receives the Cholesky factor of G (f64 [k][k], NaN when G is
//       not positive definite), the integers
//       (i8 [rows][k]), the scales (f32 [rows][k/group]) and the output
//       errors trace(D G D^T) of GPTQ and of round to nearest (f64 x 2).
//   smelt-transforms-unit pipeline FILE PIPELINE
//       parses FILE and runs the textual PIPELINE on it, printing the result.
//
//===----------------------------------------------------------------------===//

#include "ONNX/ONNXDialect.h"
#include "Smelt/SmeltDialect.h"
#include "smelt/Transforms/GPTQ.h"
#include "smelt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

int fail(const std::string &message) {
  llvm::errs() << "smelt-transforms-unit: " << message << "\n";
  return 1;
}

int runGptq(const char *in, const char *out) {
  std::ifstream file(in, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(file)),
                    std::istreambuf_iterator<char>());
  int64_t header[3];
  double qmax;
  if (bytes.size() < sizeof header + sizeof qmax)
    return fail(std::string("cannot read '") + in + "'");
  std::memcpy(header, bytes.data(), sizeof header);
  std::memcpy(&qmax, bytes.data() + sizeof header, sizeof qmax);
  int64_t rows = header[0], k = header[1], group = header[2];
  size_t offset = sizeof header + sizeof qmax;
  if (rows <= 0 || k <= 0 || group <= 0 || k % group ||
      bytes.size() != offset + (rows * k + k * k) * sizeof(double))
    return fail(std::string("'") + in + "' does not hold rows, k, group, "
                                        "qmax, W and G");
  std::vector<double> w(rows * k), gram(k * k);
  std::memcpy(w.data(), bytes.data() + offset, w.size() * sizeof(double));
  std::memcpy(gram.data(), bytes.data() + offset + w.size() * sizeof(double),
              gram.size() * sizeof(double));

  // NaN where the Gram matrix itself is not positive definite (GPTQ damps
  // it first).
  std::vector<double> factor = gram;
  if (!smelt::gptq::cholesky(factor, k))
    std::fill(factor.begin(), factor.end(), std::nan(""));
  std::vector<double> original = w;
  std::vector<int8_t> q;
  std::vector<float> scales;
  if (!smelt::gptq::quantize(w, rows, k, group, static_cast<float>(qmax), gram,
                             q, scales))
    return fail("GPTQ failed: the damped Gram matrix is not positive definite");
  // Round to nearest at the same grouping, for the error comparison.
  int64_t groups = k / group;
  std::vector<double> gptqDiff(rows * k), nearestDiff(rows * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      double maxAbs = 0;
      for (int64_t i = 0; i < group; ++i)
        maxAbs = std::max(maxAbs, std::fabs(original[r * k + g * group + i]));
      float scale = maxAbs > 0 ? static_cast<float>(maxAbs / qmax) : 1.0f;
      for (int64_t i = 0; i < group; ++i) {
        int64_t j = r * k + g * group + i;
        float level = std::clamp(
            std::nearbyint(static_cast<float>(original[j]) / scale),
            static_cast<float>(-qmax), static_cast<float>(qmax));
        nearestDiff[j] = original[j] - static_cast<double>(level) * scale;
        gptqDiff[j] = original[j] - q[j] * scales[r * groups + g];
      }
    }
  double errors[2] = {smelt::gptq::outputError(gptqDiff, rows, k, gram),
                      smelt::gptq::outputError(nearestDiff, rows, k, gram)};
  std::ofstream output(out, std::ios::binary);
  output.write(reinterpret_cast<const char *>(factor.data()),
               factor.size() * sizeof(double));
  output.write(reinterpret_cast<const char *>(q.data()), q.size());
  output.write(reinterpret_cast<const char *>(scales.data()),
               scales.size() * sizeof(float));
  output.write(reinterpret_cast<const char *>(errors), sizeof errors);
  return output ? 0 : fail(std::string("cannot write '") + out + "'");
}

int runPipeline(const char *path, const char *pipeline) {
  mlir::DialectRegistry registry;
  registry.insert<smelt::onnx::ONNXDialect, smelt::SmeltDialect,
                  mlir::func::FuncDialect>();
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(path, &context);
  if (!module)
    return 1;
  mlir::PassManager pm(&context);
  if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, llvm::errs())))
    return 1;
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  smelt::registerSmeltTransformsPasses();
  if (argc == 4 && std::string(argv[1]) == "gptq")
    return runGptq(argv[2], argv[3]);
  if (argc == 4 && std::string(argv[1]) == "pipeline")
    return runPipeline(argv[2], argv[3]);
  return fail("usage: smelt-transforms-unit gptq IN OUT | pipeline FILE "
              "PIPELINE");
}
