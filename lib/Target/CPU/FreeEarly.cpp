//===- FreeEarly.cpp - smelt-cpu-free-early --------------------------------===//
//
// The deallocation pipeline frees heap buffers where their block ends; a
// model's dynamic intermediates would then all be live at once. Each
// dealloc moves up to just after the last use of its buffer or of anything
// derived from it.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace smelt {
#define GEN_PASS_DEF_CPUFREEEARLYPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

struct CPUFreeEarlyPass
    : smelt::impl::CPUFreeEarlyPassBase<CPUFreeEarlyPass> {
  void runOnOperation() override {
    SmallVector<memref::DeallocOp> deallocs;
    getOperation().walk(
        [&](memref::DeallocOp dealloc) { deallocs.push_back(dealloc); });
    for (memref::DeallocOp dealloc : deallocs) {
      auto alloc = dealloc.getMemref().getDefiningOp<memref::AllocOp>();
      Block *block = dealloc->getBlock();
      if (!alloc || alloc->getBlock() != block)
        continue;
      // The buffer and everything derived from it; the last op of the
      // block that uses any of them.
      SmallVector<Value> values = {alloc.getResult()};
      llvm::SmallPtrSet<Value, 8> seen = {alloc.getResult()};
      Operation *last = alloc;
      bool escapes = false;
      while (!values.empty() && !escapes) {
        Value v = values.pop_back_val();
        for (Operation *user : v.getUsers()) {
          if (user == dealloc)
            continue;
          Operation *inBlock = block->findAncestorOpInBlock(*user);
          if (!inBlock) {
            escapes = true;
            break;
          }
          if (last->isBeforeInBlock(inBlock))
            last = inBlock;
          for (Value result : user->getResults())
            if (isa<BaseMemRefType>(result.getType()) &&
                seen.insert(result).second)
              values.push_back(result);
        }
      }
      // A buffer returned or stored away is freed where it was.
      if (escapes || isa<func::ReturnOp>(last) || last == dealloc ||
          !last->isBeforeInBlock(dealloc))
        continue;
      dealloc->moveAfter(last);
    }
  }
};

} // namespace
