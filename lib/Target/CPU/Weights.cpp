//===- Weights.cpp - Where the CPU target puts a model's weights ---------===//
//
// Large constants leave the LLVM-dialect module before translation, so that
// LLVM never builds them as IR constants (a 100 MB model's nested arrays of
// constants cost LLVM minutes and gigabytes):
//
//  * embedded: each constant global of at least kMinBytes becomes a hidden
//    external declaration, and a separate object file, written by the
//    target's MC object streamer, defines the symbol over the blob's bytes;
//  * external: each becomes a pointer slot, every `llvm.mlir.addressof` of
//    it a load of the slot, and its bytes go to the side file at a 64-byte
//    aligned offset. The library gains `void smelt_bind_weights(const char
//    *base)`, which fills the slots from the mapped file,
//    `smelt_weights_file` (the side file's name, found next to the library)
//    and `smelt_weights_size`.
//
//===----------------------------------------------------------------------===//

#include "Weights.h"

#include "EntryFunction.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCAsmBackend.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCCodeEmitter.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCExpr.h"
#include "llvm/MC/MCObjectFileInfo.h"
#include "llvm/MC/MCObjectWriter.h"
#include "llvm/MC/MCStreamer.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Target/TargetMachine.h"

#include <cstring>

using namespace mlir;

namespace {

/// Constants smaller than this stay in the module.
constexpr size_t kMinBytes = 4096;
constexpr uint64_t kAlignment = 64;

/// Makes constants with the same bytes one global, the first: the code
/// specialized for fixed shapes holds the general code's weights again
/// (smelt-cpu-link-specializations), and a model may hold a tensor twice.
void mergeIdentical(ModuleOp module,
                    std::vector<std::pair<LLVM::GlobalOp, smelt::Weight>> &found) {
  llvm::DenseMap<size_t, SmallVector<size_t>> bySize;
  llvm::StringMap<std::string> kept;
  std::vector<std::pair<LLVM::GlobalOp, smelt::Weight>> unique;
  for (auto &entry : found) {
    ArrayRef<char> bytes = entry.second.bytes;
    SmallVector<size_t> &same = bySize[bytes.size()];
    auto match = llvm::find_if(same, [&](size_t i) {
      return std::memcmp(unique[i].second.bytes.data(), bytes.data(),
                         bytes.size()) == 0;
    });
    if (match == same.end()) {
      same.push_back(unique.size());
      unique.push_back(std::move(entry));
      continue;
    }
    smelt::Weight &first = unique[*match].second;
    first.alignment = std::max(first.alignment, entry.second.alignment);
    kept[entry.second.symbol] = first.symbol;
    entry.first.erase();
  }
  found = std::move(unique);
  if (kept.empty())
    return;
  module.walk([&](LLVM::AddressOfOp op) {
    if (auto it = kept.find(op.getGlobalName()); it != kept.end())
      op.setGlobalName(it->second);
  });
}

/// The constant globals worth taking out, with their bytes.
std::vector<std::pair<LLVM::GlobalOp, smelt::Weight>>
largeConstants(ModuleOp module) {
  std::vector<std::pair<LLVM::GlobalOp, smelt::Weight>> found;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    if (!global.getConstant())
      continue;
    Attribute value = global.getValueOrNull();
    // Elements of whole bytes only: dense booleans are packed bits.
    if (auto dense = dyn_cast_or_null<DenseElementsAttr>(value);
        dense && (!dense.getElementType().isIntOrFloat() ||
                  dense.getElementType().getIntOrFloatBitWidth() % 8))
      continue;
    ArrayRef<char> raw = smelt::constantBytes(value);
    if (raw.size() < kMinBytes)
      continue;
    smelt::Weight weight;
    weight.symbol = global.getSymName().str();
    weight.bytes = raw;
    weight.alignment = std::max(kAlignment, global.getAlignment().value_or(1));
    found.emplace_back(global, std::move(weight));
  }
  mergeIdentical(module, found);
  return found;
}

} // namespace

std::vector<smelt::Weight> smelt::takeWeights(ModuleOp module) {
  std::vector<Weight> weights;
  for (auto &[global, weight] : largeConstants(module)) {
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
    global.setVisibility_(LLVM::Visibility::Hidden);
    global.setAlignment(weight.alignment);
    weights.push_back(std::move(weight));
  }
  return weights;
}

LogicalResult smelt::emitWeightsObject(llvm::TargetMachine &machine,
                                       ArrayRef<Weight> weights,
                                       llvm::raw_pwrite_stream &os,
                                       std::string &error) {
  const llvm::Target &target = machine.getTarget();
  const llvm::Triple &triple = machine.getTargetTriple();
  const llvm::MCSubtargetInfo &subtarget = *machine.getMCSubtargetInfo();
  llvm::MCContext context(triple, machine.getMCAsmInfo(),
                          machine.getMCRegisterInfo(), &subtarget, nullptr,
                          &machine.Options.MCOptions);
  std::unique_ptr<llvm::MCObjectFileInfo> files(
      target.createMCObjectFileInfo(context, /*PIC=*/true));
  context.setObjectFileInfo(files.get());
  std::unique_ptr<llvm::MCAsmBackend> backend(target.createMCAsmBackend(
      subtarget, *machine.getMCRegisterInfo(), machine.Options.MCOptions));
  std::unique_ptr<llvm::MCCodeEmitter> emitter(
      target.createMCCodeEmitter(*machine.getMCInstrInfo(), context));
  if (!backend || !emitter) {
    error = "the target cannot write object files for the weights";
    return failure();
  }
  std::unique_ptr<llvm::MCObjectWriter> writer =
      backend->createObjectWriter(os);
  std::unique_ptr<llvm::MCStreamer> streamer(target.createMCObjectStreamer(
      triple, context, std::move(backend), std::move(writer),
      std::move(emitter), subtarget));
  streamer->initSections(/*NoExecStack=*/true, subtarget);
  streamer->switchSection(files->getReadOnlySection());
  bool elf = triple.isOSBinFormatELF();
  for (const Weight &weight : weights) {
    llvm::MCSymbol *symbol = context.getOrCreateSymbol(weight.symbol);
    streamer->emitSymbolAttribute(symbol, llvm::MCSA_Global);
    streamer->emitSymbolAttribute(symbol, llvm::MCSA_Hidden);
    if (elf)
      streamer->emitSymbolAttribute(symbol, llvm::MCSA_ELF_TypeObject);
    streamer->emitValueToAlignment(llvm::Align(weight.alignment));
    streamer->emitLabel(symbol);
    streamer->emitBytes(StringRef(weight.bytes.data(), weight.bytes.size()));
    if (elf)
      streamer->emitELFSize(
          symbol, llvm::MCConstantExpr::create(weight.bytes.size(), context));
  }
  // The note that the object needs no executable stack (ELF).
  if (llvm::MCSection *stack =
          context.getAsmInfo()->getStackSection(context, /*Exec=*/false))
    streamer->switchSection(stack);
  streamer->finish();
  return success();
}

std::vector<smelt::Weight>
smelt::externalizeWeights(ModuleOp module, llvm::StringRef fileName,
                          uint64_t &fileSize) {
  MLIRContext *ctx = module.getContext();
  Location loc = module.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  OpBuilder b(ctx);

  std::vector<Weight> weights;
  llvm::StringMap<std::string> slotOf;
  fileSize = 0;
  for (auto &[global, weight] : largeConstants(module)) {
    weight.offset = llvm::alignTo(fileSize, weight.alignment);
    fileSize = weight.offset + weight.bytes.size();
    std::string slot = weight.symbol + "__slot";
    b.setInsertionPoint(global);
    auto slotGlobal = LLVM::GlobalOp::create(
        b, global.getLoc(), ptrType, /*isConstant=*/false,
        LLVM::Linkage::Internal, slot, Attribute());
    Block *init = b.createBlock(&slotGlobal.getInitializerRegion());
    b.setInsertionPointToStart(init);
    LLVM::ReturnOp::create(
        b, global.getLoc(),
        ValueRange{LLVM::ZeroOp::create(b, global.getLoc(), ptrType)});
    slotOf[weight.symbol] = slot;
    global.erase();
    weights.push_back(std::move(weight));
  }
  if (weights.empty())
    return weights;

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
  smelt::exportString(b, loc, "smelt_weights_file", fileName);
  LLVM::GlobalOp::create(b, loc, i64, /*isConstant=*/true,
                         LLVM::Linkage::External, "smelt_weights_size",
                         b.getI64IntegerAttr(static_cast<int64_t>(fileSize)));

  // void smelt_bind_weights(const char *base)
  auto bindType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                              {ptrType});
  auto bind = LLVM::LLVMFuncOp::create(b, loc, "smelt_bind_weights", bindType);
  Block *entry = bind.addEntryBlock(b);
  b.setInsertionPointToStart(entry);
  Value base = entry->getArgument(0);
  for (const Weight &weight : weights) {
    Value offset = LLVM::ConstantOp::create(
        b, loc, i64, static_cast<int64_t>(weight.offset));
    Value at = LLVM::GEPOp::create(b, loc, ptrType, IntegerType::get(ctx, 8),
                                   base, ArrayRef<LLVM::GEPArg>{offset});
    Value slot = LLVM::AddressOfOp::create(b, loc, ptrType, slotOf[weight.symbol]);
    LLVM::StoreOp::create(b, loc, at, slot);
  }
  LLVM::ReturnOp::create(b, loc, ValueRange{});
  return weights;
}

void smelt::writeWeightsFile(ArrayRef<Weight> weights, llvm::raw_ostream &os) {
  uint64_t at = 0;
  for (const Weight &weight : weights) {
    os.write_zeros(weight.offset - at);
    os.write(weight.bytes.data(), weight.bytes.size());
    at = weight.offset + weight.bytes.size();
  }
}
