//===- EmitShapeFunction.cpp - smelt-cpu-emit-shape-function ---------------===//
//
// A model whose outputs have dynamic dimensions gets a second function that
// computes them from the inputs' shapes: a copy of the entry function that
// returns the dimensions, with every op that does not decide one folded
// away through tensor.dim of its result.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "EntryFunction.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorInferTypeOpInterfaceImpl.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CPUEMITSHAPEFUNCTIONPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// Whether `op` may stay in a shape function: size arithmetic on the
/// arguments' dimensions.
bool isSizeArithmetic(Operation *op) {
  if (auto dim = dyn_cast<tensor::DimOp>(op))
    return isa<BlockArgument>(dim.getSource());
  if (isa<tensor::FromElementsOp, func::ReturnOp, affine::AffineApplyOp,
          affine::AffineMinOp, affine::AffineMaxOp>(op))
    return true;
  if (op->getDialect() && isa<arith::ArithDialect>(op->getDialect()))
    return llvm::all_of(op->getResultTypes(),
                        [](Type t) { return t.isIntOrIndex(); });
  return false;
}

struct CPUEmitShapeFunctionPass
    : smelt::impl::CPUEmitShapeFunctionPassBase<CPUEmitShapeFunctionPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    CPUEmitShapeFunctionPassBase::getDependentDialects(registry);
    // The sizes of reshapes' results, which the resolution goes through.
    tensor::registerInferTypeOpInterfaceExternalModels(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    auto entry = module.lookupSymbol<func::FuncOp>(smelt::kONNXEntryName);
    if (!entry || entry.isExternal())
      return;
    bool dynamic = llvm::any_of(entry.getResultTypes(), [](Type t) {
      auto shaped = dyn_cast<ShapedType>(t);
      return shaped && !shaped.hasStaticShape();
    });
    if (!dynamic)
      return;
    SmallVector<smelt::SignatureTensor> signature;
    if (auto text = module->getAttrOfType<StringAttr>(smelt::kSignatureAttrName))
      signature = smelt::parseSignature(text.getValue());
    auto outputName = [&](unsigned result) -> std::string {
      unsigned index = entry.getNumArguments() + result;
      if (index < signature.size())
        return signature[index].name;
      return "output" + std::to_string(result);
    };

    OpBuilder b(ctx);
    b.setInsertionPointAfter(entry);
    auto shapes = cast<func::FuncOp>(b.clone(*entry));
    shapes.setSymName(smelt::kShapeFunctionName);
    auto ret = cast<func::ReturnOp>(shapes.getBody().back().getTerminator());
    b.setInsertionPoint(ret);
    SmallVector<Value> dims;
    // Which output each dimension belongs to, for the diagnostic.
    SmallVector<unsigned> owners;
    for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
      auto type = cast<RankedTensorType>(value.getType());
      for (int64_t d = 0; d < type.getRank(); ++d) {
        if (!type.isDynamicDim(d))
          continue;
        Value size = tensor::DimOp::create(b, ret.getLoc(), value, d);
        dims.push_back(arith::IndexCastOp::create(b, ret.getLoc(),
                                                  b.getI64Type(), size));
        owners.push_back(index);
      }
    }
    Value all = tensor::FromElementsOp::create(
        b, ret.getLoc(),
        RankedTensorType::get({static_cast<int64_t>(dims.size())},
                              b.getI64Type()),
        dims);
    func::ReturnOp::create(b, ret.getLoc(), all);
    ret.erase();
    shapes.setFunctionType(FunctionType::get(
        ctx, shapes.getArgumentTypes(), TypeRange{all.getType()}));
    shapes.setAllResultAttrs(ArrayRef<DictionaryAttr>{});

    // tensor.dim of each op's result becomes its operands', until only the
    // arguments' remain; the computations then have no uses and go.
    RewritePatternSet patterns(ctx);
    for (Dialect *dialect : ctx->getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName op : ctx->getRegisteredOperations())
      op.getCanonicalizationPatterns(patterns, ctx);
    memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
    memref::populateResolveShapedTypeResultDimsPatterns(patterns);
    if (failed(applyPatternsGreedily(shapes, std::move(patterns)))) {
      shapes.emitError() << "the output sizes did not settle";
      return signalPassFailure();
    }

    // What is left must be size arithmetic; anything else means a size is
    // a value the model computes.
    Operation *computed = nullptr;
    shapes.walk([&](Operation *op) {
      if (op != shapes && !isSizeArithmetic(op) && !computed)
        computed = op;
    });
    if (computed) {
      // Name the output whose size the computation reaches.
      Operation *terminator = shapes.getBody().back().getTerminator();
      auto elements =
          terminator->getOperand(0).getDefiningOp<tensor::FromElementsOp>();
      std::string output = outputName(owners.empty() ? 0 : owners.front());
      if (elements)
        for (auto [i, element] : llvm::enumerate(elements.getElements())) {
          SetVector<Operation *> slice;
          BackwardSliceOptions options;
          options.inclusive = true;
          (void)getBackwardSlice(element, &slice, options);
          if (slice.contains(computed)) {
            output = outputName(owners[i]);
            break;
          }
        }
      std::string node = smelt::nodeName(computed->getLoc()).value_or("").str();
      InFlightDiagnostic diag =
          entry.emitError()
          << "output '" << output
          << "' has a size that depends on values the model computes";
      if (!node.empty())
        diag << " (at node '" << node << "')";
      diag << "; the CPU target sizes outputs from the inputs' shapes only "
              "(fix them with smeltc --input-shape)";
      shapes.erase();
      return signalPassFailure();
    }
    shapes->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  }
};

} // namespace
