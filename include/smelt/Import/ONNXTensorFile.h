//===- ONNXTensorFile.h - ONNX TensorProto files as plain bytes -*- C++ -*-===//
//
// ONNX's test data stores each input and output as a serialized TensorProto
// (`input_0.pb`). This decodes one without exposing protobuf types.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_IMPORT_ONNXTENSORFILE_H
#define SMELT_IMPORT_ONNXTENSORFILE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace smelt {

struct DecodedTensor {
  std::string name;
  /// The runtime's element type name: f32, f64, f16, bf16, i8..i64,
  /// u8..u64, bool.
  std::string elementType;
  std::vector<int64_t> shape;
  /// Dense, row-major, little-endian; bool is one byte per element.
  std::string bytes;
};

/// Decodes a serialized ONNX TensorProto. Strings, complex numbers and
/// external data are refused with a message in `error`.
bool decodeONNXTensor(llvm::StringRef serialized, DecodedTensor &tensor,
                      std::string &error);

} // namespace smelt

#endif // SMELT_IMPORT_ONNXTENSORFILE_H
