//===- SelectVNNI.cpp - smelt-cpu-select-vnni -----------------------------===//
//
// Late instruction selection for the int8 kernels: their portable four-way
// dot products become AVX-512 VNNI's vpdpbusd, and byte table lookups in
// their epilogues AVX-512 VBMI's vpermi2b, where the target has them. See
// the pass description.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace smelt {
#define GEN_PASS_DEF_CPUSELECTVNNIPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// multi_reduction<add>(shape_cast(extui(u) * extsi(s)) : 16x4, acc) over
/// 64 bytes -> vpdpbusd(acc, u, s).
struct SelectVNNI : OpRewritePattern<vector::MultiDimReductionOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::MultiDimReductionOp op,
                                PatternRewriter &rewriter) const override {
    auto source = op.getSource().getDefiningOp<vector::ShapeCastOp>();
    auto type = dyn_cast<VectorType>(op.getSourceVectorType());
    if (!source || op.getKind() != vector::CombiningKind::ADD || !type ||
        type.getShape() != ArrayRef<int64_t>{16, 4} ||
        !type.getElementType().isInteger(32) ||
        op.getReductionMask() != ArrayRef<bool>{false, true})
      return failure();
    auto mul = source.getSource().getDefiningOp<arith::MulIOp>();
    if (!mul)
      return failure();
    auto u = mul.getLhs().getDefiningOp<arith::ExtUIOp>();
    auto sgn = mul.getRhs().getDefiningOp<arith::ExtSIOp>();
    if (!u || !sgn)
      return rewriter.notifyMatchFailure(
          op, "not the product of zero-extended and sign-extended bytes");
    // vpdpbusd takes 64 bytes a side, as one vector.
    auto bytes64 = VectorType::get({64}, rewriter.getI8Type());
    if (u.getIn().getType() != bytes64 || sgn.getIn().getType() != bytes64)
      return rewriter.notifyMatchFailure(op, "the bytes are not vector<64xi8>");
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getAcc().getType(),
        rewriter.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
        ValueRange{op.getAcc(), u.getIn(), sgn.getIn()});
    return success();
  }
};

/// trunci(gather(table[extui(x)])) : 16 bytes, where the table is a
/// constant global of 256 values that fit a byte (smelt-cpu-tabulate's) ->
/// two vpermi2b (AVX-512 VBMI) over the table's four 64-byte quarters and
/// a select on each index's top bit. A 16-lane gather loads one element at
/// a time; these are three in-register shuffles.
struct SelectByteTable : OpRewritePattern<vector::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(vector::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<VectorType>(op.getType());
    auto getGlobal = op.getBase().getDefiningOp<memref::GetGlobalOp>();
    auto wide = op.getIndices().getDefiningOp<arith::ExtUIOp>();
    // The table read from its start, every lane: vpermi2b has no mask, no
    // pass-through value and no offset.
    DenseElementsAttr mask;
    if (!llvm::all_of(op.getOffsets(),
                      [](Value offset) { return matchPattern(offset, m_Zero()); }))
      return rewriter.notifyMatchFailure(op, "the table is read at an offset");
    if (!matchPattern(op.getMask(), m_Constant(&mask)) || !mask.isSplat() ||
        !mask.getSplatValue<bool>())
      return rewriter.notifyMatchFailure(op, "some lanes are masked");
    if (!type || type.getShape() != ArrayRef<int64_t>{16} ||
        !type.getElementType().isInteger(32) || !getGlobal || !wide ||
        cast<VectorType>(wide.getIn().getType()).getElementType() !=
            rewriter.getI8Type() ||
        op->use_empty() ||
        !llvm::all_of(op->getUsers(), [](Operation *user) {
          auto trunc = dyn_cast<arith::TruncIOp>(user);
          return trunc && getElementTypeOrSelf(trunc.getType()).isInteger(8);
        }))
      return failure();
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        op, getGlobal.getNameAttr());
    auto values = global && global.getConstant() && global.getInitialValue()
                      ? dyn_cast<DenseIntElementsAttr>(*global.getInitialValue())
                      : DenseIntElementsAttr();
    if (!values || values.getNumElements() != 256)
      return failure();
    SmallVector<int8_t> bytes;
    for (APInt v : values.getValues<APInt>()) {
      if (v.getZExtValue() > 255)
        return failure();
      bytes.push_back(static_cast<int8_t>(v.getZExtValue()));
    }
    Location loc = op.getLoc();
    auto bytes64 = VectorType::get({64}, rewriter.getI8Type());
    auto quarter = [&](int q) -> Value {
      return arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(bytes64, ArrayRef(bytes).slice(q * 64, 64)));
    };
    SmallVector<int64_t> repeat, first;
    for (int64_t i = 0; i < 64; ++i)
      repeat.push_back(i % 16);
    for (int64_t i = 0; i < 16; ++i)
      first.push_back(i);
    Value index = vector::ShuffleOp::create(rewriter, loc, wide.getIn(),
                                            wide.getIn(), repeat);
    auto permute = [&](Value a, Value b) -> Value {
      return LLVM::CallIntrinsicOp::create(
                 rewriter, loc, bytes64,
                 rewriter.getStringAttr("llvm.x86.avx512.vpermi2var.qi.512"),
                 ValueRange{a, index, b})
          .getResult(0);
    };
    Value low = permute(quarter(0), quarter(1));
    Value high = permute(quarter(2), quarter(3));
    Value zero = arith::ConstantOp::create(
        rewriter, loc, cast<TypedAttr>(rewriter.getZeroAttr(bytes64)));
    Value upper = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt,
                                        index, zero);
    Value looked = arith::SelectOp::create(rewriter, loc, upper, high, low);
    Value result = vector::ShuffleOp::create(rewriter, loc, looked, looked, first);
    for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
      rewriter.replaceOp(user, result);
    rewriter.eraseOp(op);
    return success();
  }
};

struct CPUSelectVNNIPass
    : smelt::impl::CPUSelectVNNIPassBase<CPUSelectVNNIPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SelectVNNI>(&getContext());
    if (byteTables)
      patterns.add<SelectByteTable>(&getContext());
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
  }
};

} // namespace
