//===- Calibration.h - Activation ranges from sample data -------*- C++ -*-===//
//
// Calibration runs the float model, compiled by Smelt for the CPU with every
// f32 intermediate tensor added to its outputs, over sample inputs, and
// chooses a clipping range for each tensor with one of four observers:
//
//   minmax      the observed minimum and maximum;
//   percentile  |x| clipped at a percentile of its histogram (99.99%);
//   entropy     the threshold whose 128-level quantization of the |x|
//               histogram is closest in KL divergence (TensorRT's method);
//   mse         the threshold that minimizes the squared error of 8-bit
//               quantization over the histogram (each bin's centre rounded
//               to the grid inside the range, clipped outside).
//
// The histogram methods take a second pass over the data, with 2048 bins
// on [0, max |x|].
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_CALIBRATION_CALIBRATION_H
#define SMELT_CALIBRATION_CALIBRATION_H

#include "smelt/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace smelt {

/// Progress of a long step: `done` of `total` units of `stage`
/// ("calibrating", "measuring divergence", "generating code"). Returning
/// false cancels the step (an interrupted notebook cell): it fails with a
/// diagnostic saying so.
using ProgressCallback = std::function<bool(llvm::StringRef stage,
                                            int64_t done, int64_t total)>;

enum class CalibrationMethod { MinMax, Percentile, Entropy, MSE };

struct CalibrationOptions {
  /// An .npz file (one array per input: its shape is one sample, or one
  /// more leading axis lists samples), or a folder of samples (a
  /// subfolder per sample with NAME.npy or ONNX .pb files; files directly
  /// in the folder form one sample).
  std::string dataPath;
  CalibrationMethod method = CalibrationMethod::MinMax;
  /// For `percentile`.
  double percentile = 99.99;
  /// Code generation for the instrumented model.
  TargetOptions targetOptions;
  /// A progress bar on stderr, unless `onProgress` takes the progress.
  bool progress = true;
  ProgressCallback onProgress;
  /// Tensors, by producing node and result number, whose Gram matrix
  /// X^T X (X: the tensor as rows of its last dimension) calibration also
  /// accumulates over all samples, into `grams` (K x K, row-major, double);
  /// GPTQ weighs each layer's weight error by its input's.
  std::set<std::pair<std::string, unsigned>> gramOf;
  std::map<std::pair<std::string, unsigned>, std::vector<double>> *grams =
      nullptr;
};

/// One tensor's statistics and the range the observer chose.
struct TensorRange {
  /// The producing node's name and result number ("fc1", 0).
  std::string node;
  unsigned result = 0;
  std::string opName;
  float min = 0, max = 0;
  /// The chosen clipping range; includes zero.
  float low = 0, high = 0;
  /// Asymmetric uint8 parameters for [low, high].
  float scale = 1;
  int zeroPoint = 0;
  int64_t count = 0;
};

/// Calibrates `module` (the onnx dialect, as imported; not modified).
/// Errors are emitted as diagnostics naming the data file or the input.
mlir::FailureOr<std::vector<TensorRange>>
calibrate(mlir::ModuleOp module, const CalibrationOptions &options);

/// The shape of one sample of each input in the data at `path`, given the
/// inputs' ranks: an .npz array of the input's rank is one sample, one of
/// rank + 1 lists samples along its first axis; a folder's first sample
/// gives its files' shapes. Calibration compiles the model for these, so
/// they need not be the shapes the model is finally compiled for.
bool calibrationInputShapes(llvm::StringRef path,
                            const std::map<std::string, int64_t> &ranks,
                            std::map<std::string, std::vector<int64_t>> &shapes,
                            std::string &error);

/// The table as JSON: method, sample count, one object per tensor.
std::string formatCalibrationTable(const std::vector<TensorRange> &ranges,
                                   const CalibrationOptions &options,
                                   int64_t samples);

/// Parses "minmax", "percentile", "entropy" or "mse".
std::optional<CalibrationMethod> parseCalibrationMethod(llvm::StringRef name);
llvm::StringRef calibrationMethodName(CalibrationMethod method);

/// The clipping threshold each histogram method picks from the histogram
/// of |x| (`bins` equal bins on [0, maxAbs]); exposed for tests.
/// `nonNegative`: the tensor has no negative values (8-bit steps cover
/// [0, t] instead of [-t, t]).
double percentileThreshold(const std::vector<double> &histogram,
                           double maxAbs, double percentile);
double entropyThreshold(const std::vector<double> &histogram, double maxAbs);
double mseThreshold(const std::vector<double> &histogram, double maxAbs,
                    bool nonNegative);

} // namespace smelt

#endif // SMELT_CALIBRATION_CALIBRATION_H
