//===- CPUTarget.h - The host CPU as a Smelt target -------------*- C++ -*-===//

#ifndef SMELT_TARGET_CPU_CPUTARGET_H
#define SMELT_TARGET_CPU_CPUTARGET_H

#include "smelt/Target/Target.h"

namespace smelt {

/// Adds the CPU pipeline: onnx -> linalg -> bufferized loops -> LLVM dialect,
/// with the model's entry point (`smelt_run`) and signature
/// (`smelt_model_signature`) that the runtime looks up.
void buildCPUPipeline(mlir::OpPassManager &pm, const TargetOptions &options);

/// Width of the vector registers of the processor `options.cpu` names:
/// 512 with AVX-512, 256 with AVX, 128 otherwise.
unsigned getCPUVectorBits(const TargetOptions &options);

/// Whether the processor `options.cpu` names has an LLVM feature
/// ("+avx512vnni").
bool cpuHasFeature(const TargetOptions &options, llvm::StringRef feature);

/// Registers `smelt-cpu-pipeline` (and the CPU passes) for smelt-opt.
void registerCPUPipeline();

/// The CPU target object.
const Target &getCPUTarget();

/// Adds the CPU target to the registry (`--target=cpu`).
void registerCPUTarget();

} // namespace smelt

#endif // SMELT_TARGET_CPU_CPUTARGET_H
