//===- EmitEntryPoint.cpp - smelt-cpu-emit-entry-point ---------------------===//
//
// The runtime passes plain data pointers; this builds the memref descriptors
// the compiled function expects, so the runtime needs no knowledge of MLIR's
// calling convention.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "smelt/Import/ONNXImport.h"

#include "EntryFunction.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"

namespace smelt {
#define GEN_PASS_DEF_CPUEMITENTRYPOINTPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// The shapes of the signature's tensors, inputs then outputs.
SmallVector<SmallVector<int64_t>> parseShapes(StringRef signature) {
  SmallVector<SmallVector<int64_t>> shapes;
  SmallVector<StringRef> lines;
  signature.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (StringRef line : lines) {
    SmallVector<StringRef> fields;
    line.split(fields, '\t');
    SmallVector<int64_t> dims;
    if (fields.size() == 4 && !fields[3].empty()) {
      SmallVector<StringRef> parts;
      fields[3].split(parts, ',');
      for (StringRef p : parts) {
        int64_t d = 0;
        p.getAsInteger(10, d);
        dims.push_back(d);
      }
    }
    shapes.push_back(dims);
  }
  return shapes;
}

struct CPUEmitEntryPointPass
    : smelt::impl::CPUEmitEntryPointPassBase<CPUEmitEntryPointPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto signature = module->getAttrOfType<StringAttr>(smelt::kSignatureAttrName);
    std::string cifaceName =
        ("_mlir_ciface_" + smelt::kONNXEntryName).str();
    auto ciface = module.lookupSymbol<LLVM::LLVMFuncOp>(cifaceName);
    if (!signature || !ciface) {
      module.emitError() << "needs the recorded signature and the C "
                            "interface @"
                         << cifaceName
                         << " (run smelt-cpu-record-signature first)";
      return signalPassFailure();
    }
    SmallVector<SmallVector<int64_t>> shapes = parseShapes(signature);
    if (shapes.size() != ciface.getNumArguments()) {
      module.emitError() << "the signature lists " << shapes.size()
                         << " tensors but @" << cifaceName << " takes "
                         << ciface.getNumArguments() << " arguments";
      return signalPassFailure();
    }

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);

    // const char smelt_model_signature[] = "...";
    smelt::exportString(b, loc, "smelt_model_signature", signature.getValue());

    // void smelt_run(void **buffers)
    auto runType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                               {ptrType});
    auto run = LLVM::LLVMFuncOp::create(b, loc, "smelt_run", runType);
    Block *entry = run.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Value buffers = entry->getArgument(0);
    Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
    SmallVector<Value> descriptors;
    for (auto [index, shape] : llvm::enumerate(shapes)) {
      int64_t rank = shape.size();
      SmallVector<Type> fields = {ptrType, ptrType, i64};
      if (rank > 0) {
        fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
        fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
      }
      auto descType = LLVM::LLVMStructType::getLiteral(ctx, fields);
      Value slot = LLVM::GEPOp::create(
          b, loc, ptrType, ptrType, buffers,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
      Value data = LLVM::LoadOp::create(b, loc, ptrType, slot);
      Value desc = LLVM::UndefOp::create(b, loc, descType);
      desc = LLVM::InsertValueOp::create(b, loc, desc, data,
                                         ArrayRef<int64_t>{0});
      desc = LLVM::InsertValueOp::create(b, loc, desc, data,
                                         ArrayRef<int64_t>{1});
      desc = LLVM::InsertValueOp::create(
          b, loc, desc, LLVM::ConstantOp::create(b, loc, i64, 0),
          ArrayRef<int64_t>{2});
      int64_t stride = 1;
      for (int64_t d = rank - 1; d >= 0; --d) {
        desc = LLVM::InsertValueOp::create(
            b, loc, desc, LLVM::ConstantOp::create(b, loc, i64, shape[d]),
            ArrayRef<int64_t>{3, d});
        desc = LLVM::InsertValueOp::create(
            b, loc, desc, LLVM::ConstantOp::create(b, loc, i64, stride),
            ArrayRef<int64_t>{4, d});
        stride *= shape[d];
      }
      Value storage = LLVM::AllocaOp::create(b, loc, ptrType, descType, one);
      LLVM::StoreOp::create(b, loc, desc, storage);
      descriptors.push_back(storage);
    }
    LLVM::CallOp::create(b, loc, ciface, descriptors);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
};

} // namespace
