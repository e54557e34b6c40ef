//===- TensorFile.h - Tensors in .npy and ONNX .pb files --------*- C++ -*-===//

#ifndef SMELT_RUNNER_TENSORFILE_H
#define SMELT_RUNNER_TENSORFILE_H

#include "smelt/Import/ONNXTensorFile.h"

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace smelt {

/// Reads a tensor from a NumPy `.npy` file or a serialized ONNX TensorProto
/// (`.pb`), by extension. Returns false with a message naming the file.
bool readTensorFile(llvm::StringRef path, DecodedTensor &tensor,
                    std::string &error);

/// Reads every array of a NumPy `.npz` file (stored or deflated, as
/// np.savez and np.savez_compressed write them), named by their keys.
bool readNpzFile(llvm::StringRef path, std::vector<DecodedTensor> &tensors,
                 std::string &error);

/// Writes `tensor` as a `.npy` file (dense, C order); bf16 tensors, which
/// NumPy lacks, are written as their uint16 bit patterns.
bool writeNpyFile(llvm::StringRef path, const DecodedTensor &tensor,
                  std::string &error);

} // namespace smelt

#endif // SMELT_RUNNER_TENSORFILE_H
