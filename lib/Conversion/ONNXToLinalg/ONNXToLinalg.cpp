//===- ONNXToLinalg.cpp - The convert-onnx-to-linalg pass -----------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "smelt/Conversion/Passes.h"

#include "ONNX/ONNXDialect.h"
#include "Smelt/SmeltDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace smelt {
#define GEN_PASS_DEF_CONVERTONNXTOLINALGPASS
#include "smelt/Conversion/Passes.h.inc"
} // namespace smelt

using namespace mlir;

smelt::ONNXToLinalgTypeConverter::ONNXToLinalgTypeConverter() {
  addConversion([](Type type) { return type; });
  auto signless = [](Type element) -> Type {
    if (auto quantized = dyn_cast<quant::QuantizedType>(element))
      return quantized.getStorageType();
    if (auto integer = dyn_cast<IntegerType>(element);
        integer && !integer.isSignless())
      return IntegerType::get(integer.getContext(), integer.getWidth());
    return element;
  };
  addConversion([signless](RankedTensorType type) -> Type {
    return type.clone(signless(type.getElementType()));
  });
  addConversion([signless](UnrankedTensorType type) -> Type {
    return UnrankedTensorType::get(signless(type.getElementType()));
  });
  // Values of the same bits under another sign: a cast the lowerings never
  // need to look through, reconciled at the function boundary.
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    if (inputs.size() != 1)
      return nullptr;
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

void smelt::populateONNXToLinalgPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const ONNXToLinalgOptions &options) {
  populateONNXElementwiseToLinalgPatterns(converter, patterns);
  populateONNXMatMulToLinalgPatterns(converter, patterns, options);
  populateONNXShapeToLinalgPatterns(converter, patterns);
  populateONNXReductionToLinalgPatterns(converter, patterns);
  populateONNXConvToLinalgPatterns(converter, patterns, options);
  populateONNXPoolingToLinalgPatterns(converter, patterns, options);
  populateONNXNormalizationToLinalgPatterns(converter, patterns);
  populateONNXSliceToLinalgPatterns(converter, patterns);
  populateONNXGatherToLinalgPatterns(converter, patterns);
  populateONNXDataMovementToLinalgPatterns(converter, patterns);
  populateONNXGeneratorsToLinalgPatterns(converter, patterns);
  populateONNXResizeToLinalgPatterns(converter, patterns);
  populateONNXLossToLinalgPatterns(converter, patterns);
  populateONNXScatterToLinalgPatterns(converter, patterns);
  populateONNXQuantizationToLinalgPatterns(converter, patterns, options);
  populateONNXRecurrentToLinalgPatterns(converter, patterns);
  populateONNXControlFlowToLinalgPatterns(converter, patterns);
  populateQuantizedTypesToLinalgPatterns(converter, patterns, options);
}

LogicalResult
smelt::convertONNXToLinalg(Operation *root,
                           const ONNXToLinalgOptions &options) {
  MLIRContext *context = root->getContext();
  ONNXToLinalgTypeConverter converter;
  RewritePatternSet patterns(context);
  populateONNXToLinalgPatterns(converter, patterns, options);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                converter);
  populateReturnOpTypeConversionPattern(patterns, converter);

  ConversionTarget target(*context);
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, scf::SCFDialect,
                         tensor::TensorDialect>();
  target.addIllegalDialect<smelt::onnx::ONNXDialect, smelt::SmeltDialect,
                           quant::QuantDialect>();
  // Bitcasts between signs go with the types they cast.
  target.addDynamicallyLegalOp<tensor::BitcastOp>(
      [&](tensor::BitcastOp op) { return converter.isLegal(op.getOperation()); });
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType());
  });
  target.addDynamicallyLegalOp<func::ReturnOp>(
      [&](func::ReturnOp op) { return converter.isLegal(op.getOperation()); });
  target.addLegalOp<ModuleOp, UnrealizedConversionCastOp>();

  // A full conversion reports the first op it cannot legalize, with its
  // location (the ONNX node's name). Where that op has dimensions known only
  // at run time, a note says how to fix them.
  llvm::DenseSet<Location> dynamicOps;
  root->walk([&](Operation *op) {
    if (!isa<smelt::onnx::ONNXDialect>(op->getDialect()))
      return;
    auto dynamic = [](Type t) {
      auto shaped = dyn_cast<ShapedType>(t);
      return shaped && shaped.hasRank() && !shaped.hasStaticShape();
    };
    if (llvm::any_of(op->getOperandTypes(), dynamic) ||
        llvm::any_of(op->getResultTypes(), dynamic))
      dynamicOps.insert(op->getLoc());
  });
  ScopedDiagnosticHandler notes(context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error &&
        dynamicOps.contains(diag.getLocation()) &&
        StringRef(diag.str()).starts_with("failed to legalize"))
      diag.attachNote()
          << "this op has dimensions known only at run time, which its "
             "lowering does not take yet: fix them with smeltc "
             "--input-shape=NAME:DIMxDIM... (input_shapes= in Python)";
    return failure();
  });
  return applyFullConversion(root, target, std::move(patterns));
}

namespace {

struct ConvertONNXToLinalgPass
    : smelt::impl::ConvertONNXToLinalgPassBase<ConvertONNXToLinalgPass> {
  using ConvertONNXToLinalgPassBase::ConvertONNXToLinalgPassBase;
  void runOnOperation() override {
    smelt::ONNXToLinalgOptions options;
    options.namedOps = namedOps;
    if (failed(smelt::convertONNXToLinalg(getOperation(), options)))
      signalPassFailure();
  }
};

} // namespace
