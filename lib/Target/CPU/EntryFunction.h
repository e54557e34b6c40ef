//===- EntryFunction.h - What the CPU passes ask of a model's ops -*- C++ -*-===//
//
// Small pieces several CPU passes share: which ONNX node an op comes from,
// the entry function's one block, a constant seen through reshapes and its
// bytes, and the strings a library exports to the runtime.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TARGET_CPU_ENTRYFUNCTION_H
#define SMELT_LIB_TARGET_CPU_ENTRYFUNCTION_H

#include "smelt/Import/ONNXImport.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <optional>

namespace smelt {

/// The ONNX node an op comes from: the first name in its location.
inline std::optional<llvm::StringRef> nodeName(mlir::Location loc) {
  std::optional<llvm::StringRef> found;
  loc->walk([&](mlir::Location inner) {
    if (auto name = llvm::dyn_cast<mlir::NameLoc>(inner)) {
      found = name.getName().getValue();
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return found;
}

/// Whether `op` is the general code's loop over a dynamic batch that runs
/// the kernels of several nodes at each iteration, one image's layers
/// (smelt-cpu-tile-dynamic-dims): an scf.for whose body holds ops that
/// `isKernel` takes from more than one node. Passes that would treat the
/// entry function's top-level loops as kernels look inside it instead.
inline bool
isLoopOfLayers(mlir::Operation *op,
               llvm::function_ref<bool(mlir::Operation *)> isKernel) {
  auto loop = llvm::dyn_cast<mlir::scf::ForOp>(op);
  if (!loop)
    return false;
  std::optional<std::string> seen;
  for (mlir::Operation &inner : loop.getBody()->without_terminator()) {
    if (!isKernel(&inner))
      continue;
    std::string name = nodeName(inner.getLoc()).value_or("").str();
    if (seen && *seen != name)
      return true;
    seen = name;
  }
  return false;
}

/// The body of the module's entry function (@main_graph) while it is still
/// structured control flow (one block); null, with an error naming `pass`,
/// otherwise.
inline mlir::Block *entryBlock(mlir::ModuleOp module, llvm::StringRef pass) {
  auto entry = module.lookupSymbol<mlir::func::FuncOp>(kONNXEntryName);
  if (!entry || entry.isExternal()) {
    module.emitError() << pass << " needs the entry function @"
                       << kONNXEntryName;
    return nullptr;
  }
  if (!entry.getBody().hasOneBlock()) {
    entry.emitError() << pass << " runs on structured control flow (one "
                                 "block), before it is lowered";
    return nullptr;
  }
  return &entry.getBody().front();
}

/// The constant `v` is, seen through reshapes (a convolution's weights are
/// [G, F/G, C/G, KH, KW] views of the initializer, with its bytes); null
/// when `v` is computed.
inline mlir::arith::ConstantOp constantThroughReshapes(mlir::Value v) {
  while (mlir::isa_and_nonnull<mlir::tensor::ExpandShapeOp,
                               mlir::tensor::CollapseShapeOp>(v.getDefiningOp()))
    v = v.getDefiningOp()->getOperand(0);
  return v.getDefiningOp<mlir::arith::ConstantOp>();
}

/// The bytes of a constant's elements, row-major: a dense resource's blob
/// or a non-splat dense attribute's data; empty otherwise.
inline llvm::ArrayRef<char> constantBytes(mlir::Attribute value) {
  if (auto resource = llvm::dyn_cast_or_null<mlir::DenseResourceElementsAttr>(value)) {
    if (mlir::AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
    return {};
  }
  if (auto dense = llvm::dyn_cast_or_null<mlir::DenseElementsAttr>(value))
    if (!dense.isSplat())
      return dense.getRawData();
  return {};
}

/// One tensor of a recorded signature (smelt-cpu-record-signature): its
/// kind ("input" or "output"), name, runtime element type and shape, with
/// mlir::ShapedType::kDynamic for the dimensions written '?'.
struct SignatureTensor {
  bool isInput = true;
  std::string name;
  std::string element;
  llvm::SmallVector<int64_t> shape;
};

/// The tensors of a signature string, inputs then outputs.
inline llvm::SmallVector<SignatureTensor> parseSignature(llvm::StringRef text) {
  llvm::SmallVector<SignatureTensor> tensors;
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines) {
    llvm::SmallVector<llvm::StringRef> fields;
    line.split(fields, '\t');
    SignatureTensor tensor;
    tensor.isInput = fields[0] == "input";
    if (fields.size() > 1)
      tensor.name = fields[1].str();
    if (fields.size() > 2)
      tensor.element = fields[2].str();
    if (fields.size() == 4 && !fields[3].empty()) {
      llvm::SmallVector<llvm::StringRef> dims;
      fields[3].split(dims, ',');
      for (llvm::StringRef dim : dims) {
        int64_t size = mlir::ShapedType::kDynamic;
        if (dim != "?")
          dim.getAsInteger(10, size);
        tensor.shape.push_back(size);
      }
    }
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

/// The function that computes a model's dynamic output dimensions from its
/// inputs' (smelt-cpu-emit-shape-function).
constexpr llvm::StringLiteral kShapeFunctionName = "smelt_shapes";

/// `const char symbol[] = "text";` (NUL-terminated), exported for the
/// runtime to find with dlsym.
inline mlir::LLVM::GlobalOp exportString(mlir::OpBuilder &b,
                                         mlir::Location loc,
                                         llvm::StringRef symbol,
                                         llvm::StringRef text) {
  std::string terminated = text.str();
  terminated.push_back('\0');
  auto type = mlir::LLVM::LLVMArrayType::get(b.getI8Type(), terminated.size());
  return mlir::LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                      mlir::LLVM::Linkage::External, symbol,
                                      b.getStringAttr(terminated));
}

/// An exported, writable global of `type` that starts as zeros (a profile
/// table, a counter).
inline mlir::LLVM::GlobalOp exportZeros(mlir::OpBuilder &b, mlir::Location loc,
                                        llvm::StringRef symbol,
                                        mlir::Type type) {
  auto global = mlir::LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/false,
                                             mlir::LLVM::Linkage::External,
                                             symbol, mlir::Attribute());
  mlir::OpBuilder::InsertionGuard guard(b);
  b.createBlock(&global.getInitializerRegion());
  mlir::LLVM::ReturnOp::create(
      b, loc, mlir::ValueRange{mlir::LLVM::ZeroOp::create(b, loc, type)});
  return global;
}

} // namespace smelt

#endif // SMELT_LIB_TARGET_CPU_ENTRYFUNCTION_H
