//===- PlanMemory.cpp - smelt-cpu-plan-memory ------------------------------===//
//
// Static memory planning. Every intermediate buffer of static shape that
// the entry function allocates at its top level gets a fixed offset in one
// workspace: a zero-initialized global of the model library (.bss, so the
// file does not grow). Buffers whose lifetimes do not overlap share bytes.
// A run then calls no allocator and touches pages that stay mapped from one
// call to the next; with malloc, each multi-megabyte activation was mapped,
// faulted in and unmapped on every call.
//
// Lifetimes are positions in the function's top-level block: from the
// allocation to the last top-level op that uses the buffer or a view of it
// (uses inside loops count as their loop). The bodies of top-level scf.for
// loops (the general code's loop over a dynamic batch) are planned too:
// their own buffers of static shape live from allocation to last use
// within an iteration. A buffer that escapes (returned, yielded out of a
// region, passed to a call) is left to the allocator.
//
// The workspace makes a model library non-reentrant: the runtime runs one
// call of a model at a time.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/IR/Builders.h"

namespace smelt {
#define GEN_PASS_DEF_CPUPLANMEMORYPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  unsigned first, last;
  int64_t offset = -1;
};

/// Where an op ends in the plan's order: its own position, or for a loop
/// whose body is planned too (a loop over the layers of one image), the
/// position of its body's last op.
unsigned endOf(Operation *op, const DenseMap<Operation *, unsigned> &order,
               const DenseMap<Operation *, unsigned> &ends) {
  auto it = ends.find(op);
  return it != ends.end() ? it->second : order.lookup(op);
}

/// The last position in `top` (the function's block, or a planned loop's
/// body) where `value` or a view of it is used; none when it escapes.
std::optional<unsigned>
lastUse(Value value, Block &top, const DenseMap<Operation *, unsigned> &order,
        const DenseMap<Operation *, unsigned> &ends) {
  unsigned last = 0;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (user->hasTrait<OpTrait::IsTerminator>() || isa<func::CallOp>(user))
        return std::nullopt;
      // Any memref an op makes from this one may alias it (views, casts,
      // reshapes): follow those too.
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          worklist.push_back(result);
      Operation *ancestor = top.findAncestorOpInBlock(*user);
      if (!ancestor)
        return std::nullopt;
      last = std::max(last, endOf(ancestor, order, ends));
    }
  }
  return last;
}

int64_t sizeInBytes(MemRefType type) {
  Type element = type.getElementType();
  if (!element.isIntOrFloat())
    return -1;
  int64_t bits = element.getIntOrFloatBitWidth();
  // i1 and other sub-byte types take a byte each, as in the LLVM lowering.
  int64_t bytes = std::max<int64_t>(1, (bits + 7) / 8);
  return type.getNumElements() * bytes;
}

struct CPUPlanMemoryPass
    : smelt::impl::CPUPlanMemoryPassBase<CPUPlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!func.isExternal() && func.isPublic())
        plan(module, func);
  }

  void plan(ModuleOp module, func::FuncOp func) {
    Block &top = func.getBody().front();
    // Positions: the top-level ops in order, and inside each top-level
    // scf.for (the general code's loop over a batch, one image's layers
    // an iteration) its body's ops right after it. A buffer the loop's
    // body allocates and keeps to itself lives from its allocation to its
    // last use within an iteration, and may share bytes with the body's
    // others (each iteration writes what it reads); a buffer of the
    // function used in the loop lives through all of it.
    DenseMap<Operation *, unsigned> order, ends;
    SmallVector<Block *> blocks = {&top};
    unsigned position = 0;
    for (Operation &op : top) {
      order[&op] = position++;
      auto loop = dyn_cast<scf::ForOp>(op);
      if (!loop)
        continue;
      for (Operation &inner : *loop.getBody())
        order[&inner] = position++;
      ends[&op] = position - 1;
      blocks.push_back(loop.getBody());
    }

    std::vector<Buffer> buffers;
    for (Block *block : blocks)
      for (auto alloc : block->getOps<memref::AllocOp>()) {
        MemRefType type = alloc.getType();
        if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
            type.getMemorySpace())
          continue;
        int64_t bytes = sizeInBytes(type);
        std::optional<unsigned> last =
            lastUse(alloc.getResult(), *block, order, ends);
        if (bytes <= 0 || !last)
          continue;
        unsigned first = order.lookup(alloc);
        buffers.push_back({alloc, bytes, first, std::max(first, *last)});
      }
    if (buffers.empty())
      return;

    // Largest first, each at the lowest offset that no buffer alive at the
    // same time occupies.
    std::vector<Buffer *> bySize;
    for (Buffer &b : buffers)
      bySize.push_back(&b);
    llvm::stable_sort(bySize, [](Buffer *a, Buffer *b) {
      return a->bytes > b->bytes;
    });
    int64_t total = 0;
    std::vector<Buffer *> placed;
    for (Buffer *b : bySize) {
      std::vector<std::pair<int64_t, int64_t>> taken;
      for (Buffer *p : placed)
        if (p->first <= b->last && b->first <= p->last)
          taken.push_back({p->offset, p->offset + p->bytes});
      llvm::sort(taken);
      int64_t offset = 0;
      for (auto [begin, end] : taken) {
        if (offset + b->bytes <= begin)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(end, kAlignment));
      }
      b->offset = offset;
      total = std::max(total, offset + b->bytes);
      placed.push_back(b);
    }

    OpBuilder builder(module.getBodyRegion());
    builder.setInsertionPointToStart(module.getBody());
    auto workspaceType = MemRefType::get({total}, builder.getI8Type());
    std::string name = ("__smelt_workspace_" + func.getSymName()).str();
    memref::GlobalOp::create(builder, func.getLoc(), name,
                             builder.getStringAttr("private"), workspaceType,
                             builder.getUnitAttr(), /*constant=*/false,
                             builder.getI64IntegerAttr(kAlignment));

    builder.setInsertionPointToStart(&top);
    Value workspace = memref::GetGlobalOp::create(builder, func.getLoc(),
                                                  workspaceType, name);
    for (Buffer &b : buffers) {
      builder.setInsertionPoint(b.alloc);
      Value offset =
          arith::ConstantIndexOp::create(builder, b.alloc.getLoc(), b.offset);
      Value view = memref::ViewOp::create(builder, b.alloc.getLoc(),
                                          b.alloc.getType(), workspace, offset,
                                          ValueRange{});
      b.alloc.getResult().replaceAllUsesWith(view);
      b.alloc.erase();
    }
  }
};

} // namespace
