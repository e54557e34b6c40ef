//===- ONNXModelLoader.h - ONNX's own libraries, behind a wall --*- C++ -*-===//
//
// ONNX's parser, checker, version converter and shape inference report errors
// by throwing. This is the one translation unit that calls them; every
// exception is caught there and turned into a message.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_IMPORT_ONNXMODELLOADER_H
#define SMELT_LIB_IMPORT_ONNXMODELLOADER_H

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <string>
#include <vector>

namespace smelt::detail {

/// Parses `bytes` (binary protobuf, or textual ONNX when `textual`) into
/// `model`, checks its external data (relative to `modelDir`), runs ONNX's
/// checker, converts its default-domain opset to `targetOpset`, and runs
/// ONNX's shape inference. On failure returns false and says why in `error`.
/// `inputShapes` replace the declared shapes of the named graph inputs
/// before inference.
bool loadONNXModel(
    llvm::StringRef bytes, bool textual, llvm::StringRef modelDir,
    int targetOpset,
    const std::map<std::string, std::vector<int64_t>> &inputShapes,
    ::onnx::ModelProto &model, std::string &error);

/// Runs ONNX's shape inference (with data propagation) over `model` again,
/// as the import does, with the Reshape targets ONNX cannot follow evaluated
/// by Smelt (ShapePropagation.h): size computations that follow from static
/// dims become Constant nodes. On failure returns false and says why.
bool inferONNXShapes(::onnx::ModelProto &model, std::string &error);

/// The schema of `opType` in `domain` at the newest version not above
/// `opsetVersion`, or null.
const ::onnx::OpSchema *lookupONNXSchema(llvm::StringRef opType,
                                         llvm::StringRef domain,
                                         int opsetVersion);

/// The highest opset version ONNX knows for `domain` (0 when unknown).
int getMaxKnownOpset(llvm::StringRef domain);

} // namespace smelt::detail

#endif // SMELT_LIB_IMPORT_ONNXMODELLOADER_H
