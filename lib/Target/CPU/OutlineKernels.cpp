//===- OutlineKernels.cpp - smelt-cpu-outline-kernels ----------------------===//
//
// One function per kernel: LLVM's per-function analyses then see a loop nest
// at a time rather than the whole model.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace smelt {
#define GEN_PASS_DEF_CPUOUTLINEKERNELSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The kernel's symbol: its node's name (smelt::nodeName) with every
/// character outside [A-Za-z0-9_] an underscore.
std::string kernelName(Operation *op) {
  std::string name = smelt::nodeName(op->getLoc()).value_or("graph").str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  return "smelt_kernel_" + name;
}

/// Whether `value` can be recomputed inside the kernel: it comes from a
/// pure op without regions whose operands can be recomputed too
/// (constants, globals' addresses, views of them). `memo` caches answers.
bool isRecomputable(Value value, DenseMap<Value, bool> &memo) {
  if (auto it = memo.find(value); it != memo.end())
    return it->second;
  Operation *def = value.getDefiningOp();
  bool result = def && def->getNumRegions() == 0 && isPure(def) &&
                llvm::all_of(def->getOperands(), [&](Value operand) {
                  return isRecomputable(operand, memo);
                });
  memo[value] = result;
  return result;
}

/// Clones the ops that compute `value` into `b`'s block (once each).
Value recompute(OpBuilder &b, Value value, IRMapping &mapping) {
  if (Value mapped = mapping.lookupOrNull(value))
    return mapped;
  Operation *def = value.getDefiningOp();
  for (Value operand : def->getOperands())
    recompute(b, operand, mapping);
  b.clone(*def, mapping);
  return mapping.lookup(value);
}

struct CPUOutlineKernelsPass
    : smelt::impl::CPUOutlineKernelsPassBase<CPUOutlineKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Block *body = smelt::entryBlock(module, getArgument());
    if (!body)
      return signalPassFailure();
    auto entry = cast<func::FuncOp>(body->getParentOp());
    // Loop nests of the entry function; those of a loop over the layers of
    // one image at a time (the general code) one by one, so that each
    // kernel is still a function of its own.
    auto isKernel = [](Operation *op) { return op->getNumRegions() > 0; };
    SmallVector<Operation *> kernels;
    for (Operation &op : body->without_terminator()) {
      if (smelt::isLoopOfLayers(&op, isKernel)) {
        for (Operation &inner :
             cast<scf::ForOp>(op).getBody()->without_terminator())
          if (isKernel(&inner))
            kernels.push_back(&inner);
        continue;
      }
      if (isKernel(&op))
        kernels.push_back(&op);
    }

    SymbolTable symbols(module);
    DenseMap<Value, bool> recomputable;
    OpBuilder b(module.getContext());
    for (Operation *kernel : kernels) {
      // What the kernel reads from outside: its operands and the values
      // its regions capture.
      llvm::SetVector<Value> captured;
      for (Value operand : kernel->getOperands())
        captured.insert(operand);
      getUsedValuesDefinedAbove(kernel->getRegions(), captured);
      SmallVector<Value> arguments;
      for (Value value : captured)
        if (!isRecomputable(value, recomputable))
          arguments.push_back(value);

      b.setInsertionPoint(entry);
      auto type = b.getFunctionType(ValueRange(arguments).getTypes(),
                                    kernel->getResultTypes());
      auto function =
          func::FuncOp::create(b, kernel->getLoc(), kernelName(kernel), type);
      function.setPrivate();
      function->setAttr("passthrough",
                        b.getArrayAttr({b.getStringAttr("noinline")}));
      function->setAttr("llvm.linkage", LLVM::LinkageAttr::get(
                                            b.getContext(),
                                            LLVM::Linkage::Internal));
      symbols.insert(function); // makes the name unique
      Block *kernelBody = function.addEntryBlock();
      IRMapping mapping;
      for (auto [value, argument] :
           llvm::zip(arguments, kernelBody->getArguments()))
        mapping.map(value, argument);
      b.setInsertionPointToStart(kernelBody);
      for (Value value : captured)
        recompute(b, value, mapping);
      Operation *moved = b.clone(*kernel, mapping);
      func::ReturnOp::create(b, kernel->getLoc(), moved->getResults());

      b.setInsertionPoint(kernel);
      auto call =
          func::CallOp::create(b, kernel->getLoc(), function, arguments);
      kernel->replaceAllUsesWith(call.getResults());
      kernel->erase();
    }
  }
};

} // namespace
