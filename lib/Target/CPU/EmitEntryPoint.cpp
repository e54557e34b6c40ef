//===- EmitEntryPoint.cpp - smelt-cpu-emit-entry-point ---------------------===//
//
// The runtime passes plain data pointers and shapes; this builds the memref
// descriptors the compiled functions expect, so the runtime needs no
// knowledge of MLIR's calling convention.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "smelt/Import/ONNXImport.h"

#include "EntryFunction.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace smelt {
#define GEN_PASS_DEF_CPUEMITENTRYPOINTPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// Builds, at `b`, a memref descriptor on the stack for each of `tensors`:
/// data pointer `data(i)`, the static dimensions as constants, the dynamic
/// ones loaded from `dims` (every tensor's shape after the last, in order),
/// row-major strides.
SmallVector<Value> buildDescriptors(OpBuilder &b, Location loc,
                                    ArrayRef<smelt::SignatureTensor> tensors,
                                    Value dims,
                                    llvm::function_ref<Value(unsigned)> data) {
  MLIRContext *ctx = b.getContext();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
  SmallVector<Value> descriptors;
  int64_t offset = 0;
  for (auto [index, tensor] : llvm::enumerate(tensors)) {
    int64_t rank = tensor.shape.size();
    SmallVector<Type> fields = {ptrType, ptrType, i64};
    if (rank > 0) {
      fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
      fields.push_back(LLVM::LLVMArrayType::get(i64, rank));
    }
    auto descType = LLVM::LLVMStructType::getLiteral(ctx, fields);
    Value pointer = data(index);
    Value desc = LLVM::UndefOp::create(b, loc, descType);
    desc = LLVM::InsertValueOp::create(b, loc, desc, pointer,
                                       ArrayRef<int64_t>{0});
    desc = LLVM::InsertValueOp::create(b, loc, desc, pointer,
                                       ArrayRef<int64_t>{1});
    desc = LLVM::InsertValueOp::create(
        b, loc, desc, LLVM::ConstantOp::create(b, loc, i64, 0),
        ArrayRef<int64_t>{2});
    // The stride is a constant until a dynamic dimension is passed.
    int64_t staticStride = 1;
    Value stride;
    for (int64_t d = rank - 1; d >= 0; --d) {
      Value size;
      if (ShapedType::isDynamic(tensor.shape[d])) {
        Value slot = LLVM::GEPOp::create(
            b, loc, ptrType, i64, dims,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset + d)});
        size = LLVM::LoadOp::create(b, loc, i64, slot);
      } else {
        size = LLVM::ConstantOp::create(b, loc, i64, tensor.shape[d]);
      }
      desc = LLVM::InsertValueOp::create(b, loc, desc, size,
                                         ArrayRef<int64_t>{3, d});
      desc = LLVM::InsertValueOp::create(
          b, loc, desc,
          stride ? stride
                 : Value(LLVM::ConstantOp::create(b, loc, i64, staticStride)),
          ArrayRef<int64_t>{4, d});
      if (d == 0)
        break;
      if (!stride && !ShapedType::isDynamic(tensor.shape[d])) {
        staticStride *= tensor.shape[d];
        continue;
      }
      if (!stride)
        stride = LLVM::ConstantOp::create(b, loc, i64, staticStride);
      stride = LLVM::MulOp::create(b, loc, stride, size);
    }
    offset += rank;
    Value storage = LLVM::AllocaOp::create(b, loc, ptrType, descType, one);
    LLVM::StoreOp::create(b, loc, desc, storage);
    descriptors.push_back(storage);
  }
  return descriptors;
}

/// Defines the generic allocation functions MLIR's memref lowering calls
/// (`_mlir_memref_to_llvm_alloc/_free`, declared where a function
/// allocates) as calls through pointers the runtime sets with
/// `void smelt_bind_allocator(void *context, void *(*alloc)(void *, size_t),
/// void (*free)(void *, void *))`; malloc and free until it does.
void emitAllocator(OpBuilder &b, ModuleOp module) {
  MLIRContext *ctx = b.getContext();
  Location loc = module.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  auto voidType = LLVM::LLVMVoidType::get(ctx);
  auto global = [&](StringRef name) {
    return LLVM::GlobalOp::create(b, loc, ptrType, /*isConstant=*/false,
                                  LLVM::Linkage::Internal, name, Attribute());
  };
  // Zero-initialized pointers: a region that yields null.
  for (StringRef name : {"smelt_allocator_context", "smelt_allocator_alloc",
                         "smelt_allocator_free"}) {
    LLVM::GlobalOp g = global(name);
    OpBuilder::InsertionGuard guard(b);
    Block *init = b.createBlock(&g.getInitializerRegion());
    b.setInsertionPointToStart(init);
    LLVM::ReturnOp::create(b, loc, LLVM::ZeroOp::create(b, loc, ptrType).getResult());
  }
  auto address = [&](StringRef name) {
    return LLVM::AddressOfOp::create(b, loc, ptrType, name);
  };
  auto declare = [&](StringRef name, LLVM::LLVMFunctionType type) {
    if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return f;
    return LLVM::LLVMFuncOp::create(b, loc, name, type);
  };

  // void smelt_bind_allocator(void *context, alloc, free)
  auto bind = LLVM::LLVMFuncOp::create(
      b, loc, "smelt_bind_allocator",
      LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType, ptrType}));
  {
    OpBuilder::InsertionGuard guard(b);
    Block *entry = bind.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    LLVM::StoreOp::create(b, loc, entry->getArgument(0),
                          address("smelt_allocator_context"));
    LLVM::StoreOp::create(b, loc, entry->getArgument(1),
                          address("smelt_allocator_alloc"));
    LLVM::StoreOp::create(b, loc, entry->getArgument(2),
                          address("smelt_allocator_free"));
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }

  LLVM::LLVMFuncOp malloc =
      declare("malloc", LLVM::LLVMFunctionType::get(ptrType, {i64}));
  LLVM::LLVMFuncOp free =
      declare("free", LLVM::LLVMFunctionType::get(voidType, {ptrType}));
  // Each generic function: the bound one when set, libc's otherwise.
  auto define = [&](StringRef name, LLVM::LLVMFunctionType type,
                    StringRef pointer, LLVM::LLVMFuncOp fallback) {
    LLVM::LLVMFuncOp f = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
    if (!f)
      f = LLVM::LLVMFuncOp::create(b, loc, name, type);
    OpBuilder::InsertionGuard guard(b);
    Block *entry = f.addEntryBlock(b);
    Block *bound = b.createBlock(&f.getBody());
    Block *unbound = b.createBlock(&f.getBody());
    b.setInsertionPointToStart(entry);
    Value fn = LLVM::LoadOp::create(b, loc, ptrType, address(pointer));
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    Value isSet =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, fn, null);
    LLVM::CondBrOp::create(b, loc, isSet, bound, unbound);
    bool returns = !isa<LLVM::LLVMVoidType>(type.getReturnType());
    b.setInsertionPointToStart(bound);
    Value context =
        LLVM::LoadOp::create(b, loc, ptrType, address("smelt_allocator_context"));
    auto boundType = LLVM::LLVMFunctionType::get(
        type.getReturnType(), {ptrType, type.getParamType(0)});
    SmallVector<Value> operands = {fn, context, entry->getArgument(0)};
    auto call = LLVM::CallOp::create(b, loc, boundType, operands);
    if (returns)
      LLVM::ReturnOp::create(b, loc, call.getResult());
    else
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    b.setInsertionPointToStart(unbound);
    auto plain = LLVM::CallOp::create(b, loc, fallback,
                                      ValueRange{entry->getArgument(0)});
    if (returns)
      LLVM::ReturnOp::create(b, loc, plain.getResult());
    else
      LLVM::ReturnOp::create(b, loc, ValueRange{});
  };
  define("_mlir_memref_to_llvm_alloc",
         LLVM::LLVMFunctionType::get(ptrType, {i64}), "smelt_allocator_alloc",
         malloc);
  define("_mlir_memref_to_llvm_free",
         LLVM::LLVMFunctionType::get(voidType, {ptrType}),
         "smelt_allocator_free", free);
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
    SmallVector<smelt::SignatureTensor> tensors =
        smelt::parseSignature(signature.getValue());
    if (tensors.size() != ciface.getNumArguments()) {
      module.emitError() << "the signature lists " << tensors.size()
                         << " tensors but @" << cifaceName << " takes "
                         << ciface.getNumArguments() << " arguments";
      return signalPassFailure();
    }

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto voidType = LLVM::LLVMVoidType::get(ctx);

    // const char smelt_model_signature[] = "...";
    smelt::exportString(b, loc, "smelt_model_signature", signature.getValue());
    emitAllocator(b, module);

    // void smelt_run(void **buffers, const int64_t *dims)
    auto run = LLVM::LLVMFuncOp::create(
        b, loc, "smelt_run",
        LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType}));
    {
      OpBuilder::InsertionGuard guard(b);
      Block *entry = run.addEntryBlock(b);
      b.setInsertionPointToStart(entry);
      Value buffers = entry->getArgument(0);
      SmallVector<Value> descriptors = buildDescriptors(
          b, loc, tensors, entry->getArgument(1), [&](unsigned i) -> Value {
            Value slot = LLVM::GEPOp::create(
                b, loc, ptrType, ptrType, buffers,
                ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
            return LLVM::LoadOp::create(b, loc, ptrType, slot);
          });
      LLVM::CallOp::create(b, loc, ciface, descriptors);
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }

    // void smelt_output_shapes(const int64_t *dims, int64_t *out): the
    // inputs' shapes in, the outputs' dynamic dimensions out. The inputs'
    // descriptors carry sizes only: the shape function reads no data.
    auto shapes = module.lookupSymbol<LLVM::LLVMFuncOp>(
        ("_mlir_ciface_" + smelt::kShapeFunctionName).str());
    if (!shapes)
      return;
    SmallVector<smelt::SignatureTensor> inputs;
    smelt::SignatureTensor out;
    out.shape = {0};
    for (const smelt::SignatureTensor &tensor : tensors) {
      if (tensor.isInput)
        inputs.push_back(tensor);
      else
        out.shape[0] += llvm::count(tensor.shape, ShapedType::kDynamic);
    }
    if (shapes.getNumArguments() != inputs.size() + 1) {
      module.emitError() << "@" << smelt::kShapeFunctionName << " takes "
                         << shapes.getNumArguments() << " arguments; the "
                         << "signature has " << inputs.size() << " inputs";
      return signalPassFailure();
    }
    auto outputShapes = LLVM::LLVMFuncOp::create(
        b, loc, "smelt_output_shapes",
        LLVM::LLVMFunctionType::get(voidType, {ptrType, ptrType}));
    Block *entry = outputShapes.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Value null = LLVM::ZeroOp::create(b, loc, ptrType);
    SmallVector<Value> descriptors = buildDescriptors(
        b, loc, inputs, entry->getArgument(0), [&](unsigned) { return null; });
    descriptors.push_back(
        buildDescriptors(b, loc, out, null, [&](unsigned) {
          return entry->getArgument(1);
        }).front());
    LLVM::CallOp::create(b, loc, shapes, descriptors);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
};

} // namespace
