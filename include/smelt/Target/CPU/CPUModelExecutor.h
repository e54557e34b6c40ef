//===- CPUModelExecutor.h - Running a module on this CPU ---------*- C++ -*-===//
//
// The ModelExecutor that calibration and divergence measurement use on the
// host: it compiles the module with the CPU target, loads the library
// through the C runtime and runs it on samples read from .npz files or
// folders of .npy/.pb files.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_TARGET_CPU_CPUMODELEXECUTOR_H
#define SMELT_TARGET_CPU_CPUMODELEXECUTOR_H

#include "smelt/Target/Target.h"
#include "smelt/Transforms/ModelExecutor.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace smelt {

/// An executor that compiles for `options` (the host processor by default).
std::unique_ptr<ModelExecutor>
createCPUModelExecutor(const TargetOptions &options = TargetOptions());

/// Registers it as `cpu` (smelt-calibrate{executor=cpu}).
void registerCPUModelExecutor();

/// The shape of one sample of each input in the data at `path`, given the
/// inputs' ranks: an .npz array of the input's rank is one sample, one of
/// rank + 1 lists samples along its first axis; a folder's first sample
/// gives its files' shapes. A model compiled for other shapes is imported
/// again at these to be calibrated.
bool calibrationInputShapes(llvm::StringRef path,
                            const std::map<std::string, int64_t> &ranks,
                            std::map<std::string, std::vector<int64_t>> &shapes,
                            std::string &error);

} // namespace smelt

#endif // SMELT_TARGET_CPU_CPUMODELEXECUTOR_H
