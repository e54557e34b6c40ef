//===- Divergence.h - A compressed model against the float one --*- C++ -*-===//
//
// What compression cost, tensor by tensor: the float model (the teacher) and
// the compressed model run on the same samples, and every tensor both
// compute compared.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_DIVERGENCE_H
#define SMELT_TRANSFORMS_DIVERGENCE_H

#include "smelt/Transforms/ModelExecutor.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace smelt {

/// How far one tensor of a compressed model is from the float model's, over
/// all samples: with d = candidate - reference,
///   relativeRMSE = sqrt(sum d^2 / sum reference^2),
///   sqnrDB = 10 log10(sum reference^2 / sum d^2) (infinity when d is 0),
///   cosine = <reference, candidate> / (|reference| |candidate|),
///   maxAbs = max |d|.
struct TensorDivergence {
  /// The producing node and result, or the model output's name (result 0).
  std::string node;
  unsigned result = 0;
  std::string opName;
  int64_t elements = 0;
  double relativeRMSE = 0, sqnrDB = 0, cosine = 1, maxAbs = 0;
  /// For outputs of rank 2 or more with a last dimension over 1: the share
  /// of rows (all but the last dimension) whose argmax agrees; -1 else.
  double top1Agreement = -1;
};

struct DivergenceOptions {
  /// The samples (see ModelExecutor::readSamples).
  std::string dataPath;
  /// Who runs both models.
  std::shared_ptr<ModelExecutor> executor;
  /// Progress, or a bar on stderr when `progressBar`.
  ProgressCallback progress;
  bool progressBar = true;
};

struct DivergenceReport {
  int64_t samples = 0;
  /// The model's f32 outputs, by name.
  std::vector<TensorDivergence> outputs;
  /// Every f32 tensor a node of `reference` produces that the candidate
  /// produces too (same node name and result, same shape; where several of
  /// the candidate's ops carry the node's name, the last one), in program
  /// order.
  std::vector<TensorDivergence> tensors;
};

/// Runs `reference` (the float model, the teacher) and `candidate` (the
/// compressed model), both in the onnx dialect with the same inputs, on the
/// samples of `options.dataPath`, and compares their tensors. Neither module
/// is modified.
mlir::FailureOr<DivergenceReport>
measureDivergence(mlir::ModuleOp reference, mlir::ModuleOp candidate,
                  const DivergenceOptions &options);

} // namespace smelt

#endif // SMELT_TRANSFORMS_DIVERGENCE_H
