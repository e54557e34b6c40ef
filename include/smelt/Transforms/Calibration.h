//===- Calibration.h - Statistics of a model's tensors on sample data -*- C++ -*-===//
//
// `smelt-calibrate` runs the float model on sample inputs and writes what
// each f32 value did as a `#smelt.calibration` attribute on the value (see
// dialects/Smelt). This header is the rest of calibration's vocabulary:
// the observers that choose a clipping range from what was observed, the
// attributes read and written per value, and the calibration table (JSON),
// the form in which statistics leave the module and come back
// (`smeltc --emit=calibration`, `smelt-calibrate{table=FILE}`).
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TRANSFORMS_CALIBRATION_H
#define SMELT_TRANSFORMS_CALIBRATION_H

#include "Smelt/SmeltDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace smelt {

enum class CalibrationMethod { MinMax, Percentile, Entropy, MSE };

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

/// The name of the attribute that holds a value's statistics: on an op, an
/// array with one entry per result (`unit` where not measured); on an entry
/// function argument, the attribute itself.
inline constexpr llvm::StringLiteral kCalibrationAttrName = "smelt.calibration";

/// The statistics `smelt-calibrate` left on `value`, if any.
CalibrationAttr getCalibration(mlir::Value value);

/// Attaches `stats` to `value` (a result of an op, or an argument of the
/// entry function).
void setCalibration(mlir::Value value, CalibrationAttr stats);

/// Removes every calibration attribute from `func` (quantization consumed
/// them).
void clearCalibration(mlir::func::FuncOp func);

/// Asymmetric uint8 parameters of a calibrated range [low, high], as ONNX
/// Runtime's tool chooses them: scale (high - low) / 255, zero point
/// round(-low / scale).
struct UInt8Parameters {
  float scale = 1;
  int zeroPoint = 0;
};
UInt8Parameters uint8Parameters(CalibrationAttr stats);
UInt8Parameters uint8Parameters(double low, double high);

/// One line of the calibration table: a tensor named by its producing ONNX
/// node and result number (or, for model inputs, by the input's name with
/// op "input"), and what was measured.
struct TensorRange {
  std::string node;
  unsigned result = 0;
  std::string opName;
  double min = 0, max = 0, low = 0, high = 0;
  int64_t count = 0;
};

/// The calibrated values of `func`, in program order (inputs first).
std::vector<TensorRange> collectCalibration(mlir::func::FuncOp func);

/// The table as JSON: method, data, one object per tensor.
std::string formatCalibrationTable(const std::vector<TensorRange> &ranges,
                                   llvm::StringRef method, double percentile,
                                   llvm::StringRef dataPath);

/// Reads a table written by formatCalibrationTable and attaches each entry
/// to the value of `func` that the same node and result produce (inputs by
/// name). Entries naming no value are ignored; a malformed table is an
/// error naming the file.
mlir::LogicalResult applyCalibrationTable(mlir::func::FuncOp func,
                                          llvm::StringRef path);

} // namespace smelt

#endif // SMELT_TRANSFORMS_CALIBRATION_H
