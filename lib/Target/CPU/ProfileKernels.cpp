//===- ProfileKernels.cpp - smelt-cpu-profile-kernels ----------------------===//
//
// Instruments the entry function's kernels with clock reads, for per-layer
// time (smeltc --profile, smelt-run --profile, CompiledModel.profile()).
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace smelt {
#define GEN_PASS_DEF_CPUPROFILEKERNELSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The kernels of ops that come from no ONNX node: the graph's own copies.
constexpr llvm::StringLiteral kGraphKernel = "(graph)";
/// CLOCK_MONOTONIC, as Linux numbers it.
constexpr int32_t kMonotonicClock = 1;

/// Whether an op at the top of the function does work worth a kernel:
/// anything with regions (loop nests, conditionals) or that writes memory
/// (copies, stores, calls). Views, casts and constants do not.
bool isWork(Operation *op) {
  if (op->getNumRegions() > 0)
    return true;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return !op->hasTrait<OpTrait::ConstantLike>() && !isPure(op);
  return effects.hasEffect<MemoryEffects::Write>();
}

/// Reads the monotonic clock into nanoseconds (i64), through `timespec`.
Value readClock(OpBuilder &b, Location loc, Value timespec) {
  MLIRContext *ctx = b.getContext();
  auto i32 = IntegerType::get(ctx, 32);
  auto i64 = IntegerType::get(ctx, 64);
  Value clock = LLVM::ConstantOp::create(b, loc, i32, kMonotonicClock);
  LLVM::CallOp::create(b, loc, TypeRange{i32}, "clock_gettime",
                       ValueRange{clock, timespec});
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  Value seconds = LLVM::LoadOp::create(b, loc, i64, timespec);
  Value nanosField = LLVM::GEPOp::create(b, loc, ptrType, i64, timespec,
                                         ArrayRef<LLVM::GEPArg>{1});
  Value nanos = LLVM::LoadOp::create(b, loc, i64, nanosField);
  Value billion = LLVM::ConstantOp::create(b, loc, i64, 1000000000);
  Value total = LLVM::MulOp::create(b, loc, seconds, billion);
  return LLVM::AddOp::create(b, loc, total, nanos);
}

/// *slot += delta, on an i64 in memory.
void addTo(OpBuilder &b, Location loc, Value slot, Value delta) {
  auto i64 = IntegerType::get(b.getContext(), 64);
  Value old = LLVM::LoadOp::create(b, loc, i64, slot);
  LLVM::StoreOp::create(b, loc, LLVM::AddOp::create(b, loc, old, delta),
                        slot);
}

/// One kernel: the ops [first, last] of one block and its slot.
struct Kernel {
  Operation *first;
  Operation *last;
  unsigned slot;
};

/// The node an op comes from, or the graph's.
std::string nameOf(Operation *op) {
  return smelt::nodeName(op->getLoc()).value_or(kGraphKernel).str();
}

struct CPUProfileKernelsPass
    : smelt::impl::CPUProfileKernelsPassBase<CPUProfileKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    Block *body = smelt::entryBlock(module, getArgument());
    if (!body)
      return signalPassFailure();
    if (module.lookupSymbol("smelt_profile_ns")) {
      module.emitError() << "the module is already instrumented "
                            "(smelt_profile_ns exists)";
      return signalPassFailure();
    }
    // Cut the top-level work into kernels, one slot per node; a loop over
    // the layers of one image at a time is cut inside (its kernels add to
    // their slots at every iteration).
    SmallVector<Kernel> kernels;
    SmallVector<std::string> names;
    llvm::StringMap<unsigned> slotOf;
    std::function<void(Block *)> cut = [&](Block *block) {
      bool fresh = true; // no kernel of this block yet
      for (Operation &op : block->without_terminator()) {
        if (!isWork(&op))
          continue;
        if (smelt::isLoopOfLayers(&op, isWork)) {
          cut(cast<scf::ForOp>(op).getBody());
          fresh = true;
          continue;
        }
        std::string name = nameOf(&op);
        auto [it, inserted] = slotOf.try_emplace(name, names.size());
        if (inserted)
          names.push_back(name);
        if (!fresh && kernels.back().slot == it->second) {
          kernels.back().last = &op;
          continue;
        }
        kernels.push_back({&op, &op, it->second});
        fresh = false;
      }
    };
    cut(body);

    OpBuilder b(ctx);
    Location loc = body->getParentOp()->getLoc();
    auto i64 = IntegerType::get(ctx, 64);
    auto i32 = IntegerType::get(ctx, 32);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);

    // The exported tables.
    b.setInsertionPointToEnd(module.getBody());
    auto slotsType = LLVM::LLVMArrayType::get(i64, std::max<size_t>(
                                                       names.size(), 1));
    smelt::exportZeros(b, loc, "smelt_profile_ns", slotsType);
    smelt::exportZeros(b, loc, "smelt_profile_runs", i64);
    LLVM::GlobalOp::create(b, loc, i64, /*isConstant=*/true,
                           LLVM::Linkage::External, "smelt_profile_count",
                           b.getI64IntegerAttr(names.size()));
    std::string text;
    for (const std::string &name : names)
      text += name + "\n";
    smelt::exportString(b, loc, "smelt_profile_names", text);
    // int clock_gettime(int, struct timespec *)
    if (!module.lookupSymbol("clock_gettime"))
      LLVM::LLVMFuncOp::create(
          b, loc, "clock_gettime",
          LLVM::LLVMFunctionType::get(i32, {i32, ptrType}));

    // The entry counts its runs and keeps one timespec on its stack.
    b.setInsertionPointToStart(body);
    Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
    Value timespec = LLVM::AllocaOp::create(
        b, loc, ptrType, LLVM::LLVMArrayType::get(i64, 2), one);
    Value runs = LLVM::AddressOfOp::create(b, loc, ptrType, "smelt_profile_runs");
    addTo(b, loc, runs, one);
    for (const Kernel &kernel : kernels) {
      Location at = kernel.first->getLoc();
      b.setInsertionPoint(kernel.first);
      Value start = readClock(b, at, timespec);
      b.setInsertionPointAfter(kernel.last);
      Value end = readClock(b, at, timespec);
      Value table = LLVM::AddressOfOp::create(b, at, ptrType, "smelt_profile_ns");
      Value slot = LLVM::GEPOp::create(
          b, at, ptrType, slotsType, table,
          ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(kernel.slot)});
      addTo(b, at, slot, LLVM::SubOp::create(b, at, end, start));
    }
  }
};

} // namespace
