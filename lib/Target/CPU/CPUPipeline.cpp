//===- CPUPipeline.cpp - smelt-cpu-pipeline --------------------------------===//
//
// onnx -> linalg on tensors -> fused -> bufferized (weights stay globals,
// results become caller-provided buffers) -> loops -> LLVM dialect, plus the
// runtime's entry point.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/CPUTarget.h"
#include "smelt/Target/CPU/Passes.h"

#include "smelt/Conversion/Passes.h"
#include "smelt/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void smelt::buildCPUPipeline(OpPassManager &pm, const TargetOptions &options) {
  // While the types still say what ONNX said.
  pm.addPass(createCPURecordSignaturePass());

  // QDQ models run on integers where the patterns allow.
  pm.addNestedPass<func::FuncOp>(createSmeltFuseQDQPass());
  pm.addPass(createCanonicalizerPass());
  // From here the integer ops' scales and zero points are types.
  pm.addNestedPass<func::FuncOp>(createConvertONNXQLinearToQuantPass());
  pm.addPass(createCanonicalizerPass());
  // The target-neutral conversion, with the CPU's int8 layouts.
  CPUConvertONNXToLinalgPassOptions convert;
  convert.byteDotProduct = cpuHasFeature(options, "+avx512vnni");
  pm.addPass(createCPUConvertONNXToLinalgPass(convert));
  pm.addPass(createCanonicalizerPass());
  // Outputs of dynamic shape: a function that sizes them from the inputs.
  pm.addPass(createCPUEmitShapeFunctionPass());
  // Convolutions on small maps vectorize along their channels instead.
  CPUChooseVectorDimPassOptions vectorDim;
  vectorDim.vectorBits = getCPUVectorBits(options);
  pm.addNestedPass<func::FuncOp>(createCPUChooseVectorDimPass(vectorDim));
  pm.addNestedPass<func::FuncOp>(createCPUFoldConstantTransposesPass());
  pm.addNestedPass<func::FuncOp>(createCPUFuseElementwisePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createCPUTabulatePass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCPUUnshareDestinationsPass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // Loops (recurrent cells, scatters) carry freshly computed tensors.
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addNestedPass<func::FuncOp>(createCPUElideCopiesPass());
  pm.addNestedPass<func::FuncOp>(createCPUFillBordersPass());
  // Dynamic dimensions become loops around ops of static shape, which the
  // kernels below take.
  CPUTileDynamicDimsPassOptions tileDynamic;
  tileDynamic.explain = options.explainKernels;
  // A large static batch one image at a time too, where layer by layer
  // over the batch its activations would leave the caches.
  tileDynamic.staticBatchBytes = 32 << 20;
  pm.addNestedPass<func::FuncOp>(createCPUTileDynamicDimsPass(tileDynamic));
  // Before the memory plan: a contraction with an epilogue runs where the
  // epilogue was, and the plan must see its inputs live until then.
  CPUVectorizeContractionsPassOptions vectorize;
  vectorize.vectorBits = getCPUVectorBits(options);
  vectorize.explain = options.explainKernels;
  vectorize.dot4 = cpuHasFeature(options, "+avx512vnni");
  pm.addNestedPass<func::FuncOp>(
      createCPUVectorizeContractionsPass(vectorize));
  CPUVectorizeElementwisePassOptions elementwise;
  elementwise.vectorBits = vectorize.vectorBits;
  elementwise.explain = options.explainKernels;
  pm.addNestedPass<func::FuncOp>(
      createCPUVectorizeElementwisePass(elementwise));
  pm.addPass(createCPUPlanMemoryPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  // Heap buffers (dynamic sizes) freed after their last use, not at the end.
  pm.addNestedPass<func::FuncOp>(createCPUFreeEarlyPass());
  pm.addNestedPass<func::FuncOp>(createCPULowerCopiesPass());
  // Row ends of bytes without AVX-512BW's byte masks: whole pieces.
  if (!cpuHasFeature(options, "+avx512bw"))
    pm.addNestedPass<func::FuncOp>(createCPUSplitNarrowMasksPass());
  // The int8 kernels' dot products as vpdpbusd, after deallocation (which
  // cannot see through intrinsic calls).
  if (cpuHasFeature(options, "+avx512vnni"))
    pm.addNestedPass<func::FuncOp>(createCPUSelectVNNIPass());

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // exp, log, tanh, erf as polynomials: vectors of them stay vectors.
  pm.addNestedPass<func::FuncOp>(createCPUApproximateMathPass());
  // --profile: a clock read around each kernel, while they are whole loops.
  if (options.profile)
    pm.addPass(createCPUProfileKernelsPass());
  // One function per kernel, so LLVM optimizes them one at a time.
  pm.addPass(createCPUOutlineKernelsPass());
  // The kernels' parallel loops run on OpenMP's thread pool (libomp); the
  // runtime sets how many threads it uses.
  pm.addPass(createConvertSCFToOpenMPPass());
  // Inlines the memref.alloca_scope that wraps each parallel body (the
  // kernels allocate nothing), which must go before loops become blocks.
  pm.addPass(createCanonicalizerPass());
  // Byte table lookups as vpermi2b, once the scopes are inlined (a scope
  // holding an intrinsic call, which might allocate, stays a scope).
  if (cpuHasFeature(options, "+avx512vnni") &&
      cpuHasFeature(options, "+avx512vbmi")) {
    CPUSelectVNNIPassOptions select;
    select.byteTables = true;
    pm.addNestedPass<func::FuncOp>(createCPUSelectVNNIPass(select));
  }
  // The conversions that see one op at a time run on each function apart
  // (in parallel); those that add or rewrite symbols run on the module.
  OpPassManager &kernels = pm.nest<func::FuncOp>();
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  // Subviews at loop-dependent offsets expand to affine.apply.
  kernels.addPass(createLowerAffinePass());
  // The int8 kernels' four-k sums, where no dot-product instruction took
  // them (SelectVNNI): lanes added across, not reduced one by one.
  kernels.addPass(vector::createLowerVectorMultiReductionPass());
  kernels.addPass(createConvertVectorToLLVMPass());
  // Allocations (the dynamic intermediates) through the generic functions,
  // which smelt-cpu-emit-entry-point routes to the runtime's cache.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  // Integer powers have no LLVM intrinsic: they become small functions.
  pm.addPass(createConvertMathToFuncs());
  OpPassManager &scalars = pm.nest<func::FuncOp>();
  scalars.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.nest<func::FuncOp>().addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  OpPassManager &lowered = pm.nest<LLVM::LLVMFuncOp>();
  lowered.addPass(createConvertIndexToLLVMPass());
  // Vector lowerings leave ub.poison for the lanes they do not define.
  lowered.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCPUEmitEntryPointPass());
}

namespace {
/// smelt-cpu-pipeline's options: with `cpu` given, what it generates does
/// not depend on the machine it runs on.
struct CPUPipelineOptions : PassPipelineOptions<CPUPipelineOptions> {
  Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("Processor: 'native' (the host), or an LLVM CPU name "
                     "such as x86-64, skylake-avx512, sapphirerapids"),
      llvm::cl::init("native")};
  Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width the kernels use (128, 256, 512; "
                     "0: the processor's widest)"),
      llvm::cl::init(0)};
  Option<bool> explainKernels{
      *this, "explain-kernels",
      llvm::cl::desc("Remark on each layer left without a vector kernel, "
                     "with the reason"),
      llvm::cl::init(false)};
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Time each kernel (smelt-cpu-profile-kernels), for "
                     "smelt-run --profile"),
      llvm::cl::init(false)};
};
} // namespace

void smelt::registerCPUPipeline() {
  registerSmeltCPUPasses();
  PassPipelineRegistration<CPUPipelineOptions>(
      "smelt-cpu-pipeline",
      "Lower a module of onnx ops to the LLVM dialect for a CPU (the host's "
      "unless cpu= says which)",
      [](OpPassManager &pm, const CPUPipelineOptions &options) {
        TargetOptions target;
        target.cpu = options.cpu;
        target.vectorBits = options.vectorBits;
        target.explainKernels = options.explainKernels;
        target.profile = options.profile;
        buildCPUPipeline(pm, target);
      });
}
