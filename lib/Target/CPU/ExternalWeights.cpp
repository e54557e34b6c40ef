//===- ExternalWeights.cpp - --weights=external for the CPU target ---------===//
//
// Moves a lowered module's large constants (the weights) out of the library
// into a side file that the runtime memory-maps:
//
//  * each constant global of at least kMinBytes becomes a pointer slot, and
//    every `llvm.mlir.addressof` of it a load of the slot;
//  * its bytes go to the side file at a 64-byte aligned offset;
//  * the library gains `void smelt_bind_weights(const char *base)`, which
//    fills the slots from the mapped file, `smelt_weights_file` (the side
//    file's name, found next to the library) and `smelt_weights_size`.
//
//===----------------------------------------------------------------------===//

#include "ExternalWeights.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace {

/// Constants smaller than this stay in the library.
constexpr size_t kMinBytes = 4096;
constexpr size_t kAlignment = 64;

ArrayRef<char> rawBytes(Attribute value) {
  if (auto resource = dyn_cast_or_null<DenseResourceElementsAttr>(value)) {
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
    return {};
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(value))
    if (!dense.isSplat() && dense.getElementType().isIntOrFloat() &&
        dense.getElementType().getIntOrFloatBitWidth() % 8 == 0)
      return dense.getRawData();
  return {};
}

} // namespace

LogicalResult smelt::externalizeWeights(ModuleOp module,
                                        llvm::StringRef fileName,
                                        std::string &bytes) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  OpBuilder b(ctx);

  struct Moved {
    std::string slot;
    size_t offset;
  };
  std::vector<Moved> moved;
  llvm::StringMap<std::string> slotOf;
  for (auto global :
       llvm::make_early_inc_range(module.getOps<LLVM::GlobalOp>())) {
    if (!global.getConstant())
      continue;
    ArrayRef<char> raw = rawBytes(global.getValueOrNull());
    if (raw.size() < kMinBytes)
      continue;
    size_t offset = llvm::alignTo(bytes.size(), kAlignment);
    bytes.resize(offset, '\0');
    bytes.append(raw.data(), raw.size());
    std::string slot = (global.getSymName() + "__slot").str();
    b.setInsertionPoint(global);
    auto slotGlobal = LLVM::GlobalOp::create(
        b, global.getLoc(), ptrType, /*isConstant=*/false,
        LLVM::Linkage::Internal, slot, Attribute());
    Block *init = b.createBlock(&slotGlobal.getInitializerRegion());
    b.setInsertionPointToStart(init);
    LLVM::ReturnOp::create(
        b, global.getLoc(),
        ValueRange{LLVM::ZeroOp::create(b, global.getLoc(), ptrType)});
    slotOf[global.getSymName()] = slot;
    moved.push_back({slot, offset});
    global.erase();
  }
  if (moved.empty())
    return success();

  // Every address of a moved global is now the pointer in its slot.
  SmallVector<LLVM::AddressOfOp> uses;
  module.walk([&](LLVM::AddressOfOp op) {
    if (slotOf.count(op.getGlobalName()))
      uses.push_back(op);
  });
  for (LLVM::AddressOfOp op : uses) {
    b.setInsertionPoint(op);
    Value slot = LLVM::AddressOfOp::create(b, op.getLoc(), ptrType,
                                           slotOf[op.getGlobalName()]);
    Value pointer = LLVM::LoadOp::create(b, op.getLoc(), ptrType, slot);
    op.getResult().replaceAllUsesWith(pointer);
    op.erase();
  }

  b.setInsertionPointToEnd(module.getBody());
  // const char smelt_weights_file[]; const int64_t smelt_weights_size;
  std::string name = fileName.str();
  name.push_back('\0');
  LLVM::GlobalOp::create(
      b, loc, LLVM::LLVMArrayType::get(IntegerType::get(ctx, 8), name.size()),
      /*isConstant=*/true, LLVM::Linkage::External, "smelt_weights_file",
      b.getStringAttr(name));
  LLVM::GlobalOp::create(b, loc, i64, /*isConstant=*/true,
                         LLVM::Linkage::External, "smelt_weights_size",
                         b.getI64IntegerAttr(bytes.size()));

  // void smelt_bind_weights(const char *base)
  auto bindType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                              {ptrType});
  auto bind = LLVM::LLVMFuncOp::create(b, loc, "smelt_bind_weights", bindType);
  Block *entry = bind.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  Value base = entry->getArgument(0);
  for (const Moved &m : moved) {
    Value offset = LLVM::ConstantOp::create(b, loc, i64,
                                            static_cast<int64_t>(m.offset));
    Value at = LLVM::GEPOp::create(b, loc, ptrType, IntegerType::get(ctx, 8),
                                   base, ArrayRef<LLVM::GEPArg>{offset});
    Value slot = LLVM::AddressOfOp::create(b, loc, ptrType, m.slot);
    LLVM::StoreOp::create(b, loc, at, slot);
  }
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return success();
}
