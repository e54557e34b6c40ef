//===- LinkSpecializations.cpp - smelt-cpu-link-specializations ------------===//
//
// `--input-shape` on a model with dimensions known only at run time is a
// specialization: the library holds the code lowered at those shapes beside
// the general code, and smelt_run sends each call to the code for its
// shapes. The driver lowers each module on its own and nests the specialized
// ones in the general one; this pass makes them one module with the ABI of
// one model.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace smelt {
#define GEN_PASS_DEF_CPULINKSPECIALIZATIONSPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kRun = "smelt_run";
constexpr llvm::StringLiteral kGeneralRun = "smelt_general_run";
constexpr llvm::StringLiteral kBindAllocator = "smelt_bind_allocator";
constexpr llvm::StringLiteral kSignature = "smelt_model_signature";
constexpr llvm::StringLiteral kProfileNs = "smelt_profile_ns";
constexpr llvm::StringLiteral kProfileNames = "smelt_profile_names";
constexpr llvm::StringLiteral kProfileCount = "smelt_profile_count";

/// Symbols whose outer definition serves every variant: a specialization's
/// own is dropped (its profile slots are moved to the outer table first).
const llvm::StringSet<> &sharedSymbols() {
  static const llvm::StringSet<> shared = {
      kSignature, "smelt_output_shapes", kProfileNs, "smelt_profile_runs",
      kProfileCount, kProfileNames};
  return shared;
}

/// The text of an exported string global (exportString), without its NUL.
FailureOr<StringRef> exportedString(ModuleOp module, StringRef symbol) {
  auto global = module.lookupSymbol<LLVM::GlobalOp>(symbol);
  auto text = global ? dyn_cast_or_null<StringAttr>(global.getValueOrNull())
                     : StringAttr();
  if (!text)
    return module.emitError() << "has no string @" << symbol;
  return text.getValue().rtrim('\0');
}

/// Where, in smelt_run's `dims` (every tensor's shape after the other), a
/// specialization fixes the size of an input dimension the general code
/// leaves open; an error on `spec` when its tensors are not the general
/// code's.
FailureOr<SmallVector<std::pair<int64_t, int64_t>>>
fixedDims(ArrayRef<smelt::SignatureTensor> general,
          ArrayRef<smelt::SignatureTensor> specialized, ModuleOp spec) {
  if (general.size() != specialized.size())
    return spec.emitError() << "a specialization has " << specialized.size()
                            << " tensors; the general code has "
                            << general.size();
  SmallVector<std::pair<int64_t, int64_t>> fixed;
  int64_t offset = 0;
  for (auto [g, s] : llvm::zip(general, specialized)) {
    if (g.isInput != s.isInput || g.name != s.name || g.element != s.element ||
        g.shape.size() != s.shape.size())
      return spec.emitError()
             << "the specialization's tensor '" << s.name << "' ("
             << s.element << ", rank " << s.shape.size()
             << ") is not the general code's '" << g.name << "' ("
             << g.element << ", rank " << g.shape.size() << ")";
    for (auto [d, sizes] : llvm::enumerate(llvm::zip(g.shape, s.shape))) {
      auto [open, size] = sizes;
      if (!ShapedType::isDynamic(open)) {
        if (open != size)
          return spec.emitError()
                 << "the specialization gives '" << s.name << "' dimension "
                 << d << " size " << size << " where the general code has "
                 << open;
        continue;
      }
      // The outputs' sizes follow from the inputs'.
      if (g.isInput && !ShapedType::isDynamic(size))
        fixed.push_back({offset + static_cast<int64_t>(d), size});
    }
    offset += g.shape.size();
  }
  if (fixed.empty())
    return spec.emitError() << "the specialization fixes no dimension the "
                               "general code leaves open";
  return fixed;
}

/// A profile's node names, one slot each.
SmallVector<std::string> profileNames(StringRef text) {
  SmallVector<StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  SmallVector<std::string> names;
  for (StringRef line : lines)
    names.push_back(line.str());
  return names;
}

/// The profile of the linked module: one table of the outer module's slots
/// and then each node only a specialization has.
struct Profile {
  SmallVector<std::string> names;
  llvm::StringMap<unsigned> slotOf;

  unsigned slot(StringRef name) {
    auto [it, inserted] = slotOf.try_emplace(name, names.size());
    if (inserted)
      names.push_back(name.str());
    return it->second;
  }
};

/// Points `spec`'s profile slots at the outer table's: every
/// `getelementptr @smelt_profile_ns[0, k]` becomes the address of its
/// node's slot there (an i64 at that index: the table grows later).
LogicalResult moveProfileSlots(ModuleOp spec, Profile &profile) {
  FailureOr<StringRef> text = exportedString(spec, kProfileNames);
  if (failed(text))
    return failure();
  SmallVector<unsigned> slots;
  for (const std::string &name : profileNames(*text))
    slots.push_back(profile.slot(name));
  SmallVector<LLVM::GEPOp> geps;
  WalkResult walk = spec.walk([&](LLVM::AddressOfOp op) {
    if (op.getGlobalName() != kProfileNs)
      return WalkResult::advance();
    for (Operation *user : op->getUsers()) {
      auto gep = dyn_cast<LLVM::GEPOp>(user);
      ArrayRef<int32_t> indices =
          gep ? gep.getRawConstantIndices() : ArrayRef<int32_t>();
      if (!gep || gep.getBase() != op.getResult() || indices.size() != 2 ||
          indices[0] != 0 || indices[1] < 0 ||
          static_cast<size_t>(indices[1]) >= slots.size()) {
        user->emitError() << "uses @" << kProfileNs
                          << " other than as a constant slot";
        return WalkResult::interrupt();
      }
      geps.push_back(gep);
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  OpBuilder b(spec.getContext());
  auto ptrType = LLVM::LLVMPointerType::get(spec.getContext());
  auto i64 = IntegerType::get(spec.getContext(), 64);
  for (LLVM::GEPOp gep : geps) {
    b.setInsertionPoint(gep);
    int32_t slot = slots[gep.getRawConstantIndices()[1]];
    auto moved = LLVM::GEPOp::create(b, gep.getLoc(), ptrType, i64,
                                     gep.getBase(),
                                     ArrayRef<LLVM::GEPArg>{slot});
    gep.getResult().replaceAllUsesWith(moved.getResult());
    gep.erase();
  }
  return success();
}

/// Rewrites the outer module's profile tables to hold `profile`'s slots.
void writeProfile(ModuleOp module, const Profile &profile) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto table = module.lookupSymbol<LLVM::GlobalOp>(kProfileNs);
  Location loc = table.getLoc();
  b.setInsertionPoint(table);
  auto type = LLVM::LLVMArrayType::get(i64, std::max<size_t>(
                                                profile.names.size(), 1));
  smelt::exportZeros(b, loc, kProfileNs, type);
  table.erase();
  module.lookupSymbol<LLVM::GlobalOp>(kProfileCount)
      .setValueAttr(b.getI64IntegerAttr(profile.names.size()));
  auto names = module.lookupSymbol<LLVM::GlobalOp>(kProfileNames);
  b.setInsertionPoint(names);
  std::string text;
  for (const std::string &name : profile.names)
    text += name + "\n";
  smelt::exportString(b, loc, kProfileNames, text);
  names.erase();
}

/// Whether two declarations of one symbol agree.
bool sameDeclaration(Operation *a, Operation *b) {
  if (auto fa = dyn_cast<LLVM::LLVMFuncOp>(a))
    if (auto fb = dyn_cast<LLVM::LLVMFuncOp>(b))
      return fa.getFunctionType() == fb.getFunctionType();
  if (auto ga = dyn_cast<LLVM::GlobalOp>(a))
    if (auto gb = dyn_cast<LLVM::GlobalOp>(b))
      return ga.getGlobalType() == gb.getGlobalType();
  return false;
}

bool isDeclaration(Operation *op) {
  if (auto f = dyn_cast<LLVM::LLVMFuncOp>(op))
    return f.isExternal();
  if (auto g = dyn_cast<LLVM::GlobalOp>(op))
    return !g.getValueOrNull() && g.getInitializerRegion().empty();
  return false;
}

/// Makes a moved definition local to the library.
void makeLocal(Operation *op) {
  if (auto f = dyn_cast<LLVM::LLVMFuncOp>(op)) {
    f.setLinkage(LLVM::Linkage::Internal);
    f.setVisibility_(LLVM::Visibility::Default);
  } else if (auto g = dyn_cast<LLVM::GlobalOp>(op)) {
    g.setLinkage(LLVM::Linkage::Internal);
    g.setVisibility_(LLVM::Visibility::Default);
  }
}

/// Moves `spec`'s code into `module` under `prefix`: definitions (LLVM
/// functions and globals, and any other symbol such as OpenMP's reduction
/// declarations) renamed and local, declarations merged, the shared symbols
/// dropped.
LogicalResult moveInto(ModuleOp module, ModuleOp spec, StringRef prefix) {
  llvm::StringMap<std::string> renamed;
  SmallVector<Operation *> dropped;
  for (Operation &op : *spec.getBody()) {
    auto name = op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
    if (!name)
      return op.emitError()
             << "cannot be linked into the general code (not a symbol)";
    if (sharedSymbols().contains(name.getValue())) {
      dropped.push_back(&op);
      continue;
    }
    if (isDeclaration(&op)) {
      if (Operation *outer = module.lookupSymbol(name)) {
        if (!isDeclaration(outer))
          return op.emitError() << "declares @" << name.getValue()
                                << ", which the general code defines";
        if (!sameDeclaration(outer, &op))
          return op.emitError() << "declares @" << name.getValue()
                                << " other than the general code does";
        dropped.push_back(&op);
      }
      continue;
    }
    std::string local = (prefix + name.getValue()).str();
    if (module.lookupSymbol(local))
      return op.emitError() << "@" << local << " exists in the general code";
    renamed[name.getValue()] = local;
  }
  for (Operation *op : dropped)
    op->erase();

  AttrTypeReplacer replacer;
  replacer.addReplacement(
      [&](FlatSymbolRefAttr ref) -> std::optional<Attribute> {
        auto it = renamed.find(ref.getValue());
        if (it == renamed.end())
          return std::nullopt;
        return FlatSymbolRefAttr::get(ref.getContext(), it->second);
      });
  spec.walk([&](Operation *op) { replacer.replaceElementsIn(op); });
  for (Operation &op : llvm::make_early_inc_range(*spec.getBody())) {
    auto name = op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
    if (auto it = renamed.find(name.getValue()); it != renamed.end()) {
      SymbolTable::setSymbolName(&op, it->second);
      makeLocal(&op);
    }
    op.moveBefore(module.getBody(), module.getBody()->end());
  }
  return success();
}

/// `void smelt_run(void **buffers, const int64_t *dims)`: the first
/// specialization whose fixed sizes the call's dims match, else the
/// general code.
void emitDispatcher(
    ModuleOp module, LLVM::LLVMFuncOp general,
    ArrayRef<std::pair<std::string, SmallVector<std::pair<int64_t, int64_t>>>>
        variants) {
  MLIRContext *ctx = module.getContext();
  Location loc = general.getLoc();
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto run = LLVM::LLVMFuncOp::create(b, loc, kRun, general.getFunctionType());
  Block *block = run.addEntryBlock(b);
  Value buffers = block->getArgument(0), dims = block->getArgument(1);
  auto call = [&](StringRef callee) {
    LLVM::CallOp::create(b, loc, TypeRange{}, callee,
                         ValueRange{buffers, dims});
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  };
  for (const auto &[callee, fixed] : variants) {
    b.setInsertionPointToEnd(block);
    Value matches;
    for (auto [position, size] : fixed) {
      Value slot = LLVM::GEPOp::create(
          b, loc, ptrType, i64, dims,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(position)});
      Value dim = LLVM::LoadOp::create(b, loc, i64, slot);
      Value same = LLVM::ICmpOp::create(
          b, loc, LLVM::ICmpPredicate::eq, dim,
          LLVM::ConstantOp::create(b, loc, i64, size));
      matches = matches ? Value(LLVM::AndOp::create(b, loc, matches, same))
                        : same;
    }
    Block *taken = b.createBlock(&run.getBody());
    Block *next = b.createBlock(&run.getBody());
    b.setInsertionPointToEnd(block);
    LLVM::CondBrOp::create(b, loc, matches, taken, next);
    b.setInsertionPointToStart(taken);
    call(callee);
    block = next;
  }
  b.setInsertionPointToEnd(block);
  call(general.getName());
}

struct CPULinkSpecializationsPass
    : smelt::impl::CPULinkSpecializationsPassBase<CPULinkSpecializationsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<ModuleOp> specs(module.getOps<ModuleOp>());
    if (specs.empty())
      return;
    FailureOr<StringRef> signature = exportedString(module, kSignature);
    auto run = module.lookupSymbol<LLVM::LLVMFuncOp>(kRun);
    auto bind = module.lookupSymbol<LLVM::LLVMFuncOp>(kBindAllocator);
    if (failed(signature) || !run || !bind || bind.isExternal()) {
      module.emitError() << "links specializations into a module with @"
                         << kRun << " and @" << kBindAllocator
                         << " (run smelt-cpu-emit-entry-point first)";
      return signalPassFailure();
    }
    SmallVector<smelt::SignatureTensor> general =
        smelt::parseSignature(*signature);

    bool profiled = module.lookupSymbol(kProfileNs) != nullptr;
    Profile profile;
    if (profiled) {
      FailureOr<StringRef> names = exportedString(module, kProfileNames);
      if (failed(names))
        return signalPassFailure();
      for (const std::string &name : profileNames(*names))
        profile.slot(name);
    }

    SmallVector<std::pair<std::string, SmallVector<std::pair<int64_t, int64_t>>>>
        variants;
    for (auto [index, spec] : llvm::enumerate(specs)) {
      FailureOr<StringRef> text = exportedString(spec, kSignature);
      if (failed(text))
        return signalPassFailure();
      auto fixed = fixedDims(general, smelt::parseSignature(*text), spec);
      if (failed(fixed))
        return signalPassFailure();
      if (profiled != (spec.lookupSymbol(kProfileNs) != nullptr)) {
        spec.emitError() << "is profiled where the general code is not, or "
                            "the other way round";
        return signalPassFailure();
      }
      // Every variant's slots are in the outer table, which grows to hold
      // them once all have been seen.
      if (profiled && failed(moveProfileSlots(spec, profile)))
        return signalPassFailure();
      std::string prefix = "smelt_s" + std::to_string(index) + "_";
      if (failed(moveInto(module, spec, prefix)))
        return signalPassFailure();
      spec.erase();
      variants.push_back({prefix + kRun.str(), std::move(*fixed)});

      // smelt_bind_allocator binds the variant's allocator too.
      OpBuilder b(bind.getBody().back().getTerminator());
      LLVM::CallOp::create(b, bind.getLoc(), TypeRange{},
                           prefix + kBindAllocator.str(),
                           bind.getBody().front().getArguments());
    }
    if (profiled)
      writeProfile(module, profile);

    SymbolTable::setSymbolName(run, kGeneralRun);
    makeLocal(run);
    emitDispatcher(module, run, variants);
  }
};

} // namespace
