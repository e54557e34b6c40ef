//===- Resize.cpp - onnx Resize to linalg ---------------------------------===//
//
// Resize in nearest and (multi)linear modes, as one linalg.generic over
// the result that maps each output coordinate back to the input.
// Integer nearest upsampling reads input[i floordiv k] directly.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "DataMovementUtils.h"
#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

/// The integer factor k of each dimension when a nearest Resize reads
/// input[i floordiv k] along it: the result is k times the input and the
/// coordinate transformation with the rounding lands on q for i = q*k + r.
/// None when some dimension needs the general coordinate arithmetic.
std::optional<SmallVector<int64_t>>
nearestIntegerFactors(smelt::onnx::ResizeOp op, RankedTensorType in,
                      RankedTensorType out, Value scales) {
  StringRef transform = op.getCoordinateTransformationMode();
  StringRef rounding = op.getNearestMode();
  if (op.getMode() != "nearest")
    return std::nullopt;
  std::optional<SmallVector<double>> given;
  if (scales) {
    given = getConstantFloats(scales);
    if (!given || given->size() != static_cast<size_t>(in.getRank()))
      return std::nullopt;
  }
  SmallVector<int64_t> factors;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t n = in.getDimSize(d), m = out.getDimSize(d);
    if (n <= 0 || m % n != 0)
      return std::nullopt;
    int64_t k = m / n;
    if (given && (*given)[d] != static_cast<double>(k))
      return std::nullopt;
    bool roundHalf =
        rounding == "round_prefer_floor" || rounding == "round_prefer_ceil";
    // c = i/k (asymmetric), (i+0.5)/k (tf_half_pixel_for_nn) or
    // (i+0.5)/k - 0.5 (half_pixel): q plus a fraction in [0, 1), (0, 1)
    // or (-0.5, 0.5) respectively.
    bool exact =
        k == 1 ||
        (transform == "asymmetric" &&
         (rounding == "floor" || (rounding == "round_prefer_floor" && k == 2))) ||
        (transform == "tf_half_pixel_for_nn" && rounding == "floor") ||
        ((transform == "half_pixel" ||
          (transform == "pytorch_half_pixel" && m > 1)) &&
         roundHalf);
    if (!exact)
      return std::nullopt;
    factors.push_back(k);
  }
  return factors;
}

/// Resize in nearest and (multi)linear modes. Each output coordinate maps
/// back to the input through the coordinate transformation; nearest rounds
/// it, linear blends the two neighbours along every resized dimension.
struct ResizeLowering : OpConversionPattern<smelt::onnx::ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(smelt::onnx::ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getX();
    RankedTensorType resultType =
        staticResult(*getTypeConverter(), op, 0, ValueRange{input});
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    StringRef mode = op.getMode();
    StringRef transform = op.getCoordinateTransformationMode();
    StringRef nearestMode = op.getNearestMode();
    if ((mode != "nearest" && mode != "linear" && mode != "cubic") ||
        transform == "tf_crop_and_resize")
      return rewriter.notifyMatchFailure(op, "unsupported mode");
    Type element = type.getElementType();
    if (mode != "nearest" && !isa<FloatType>(element))
      return rewriter.notifyMatchFailure(op, "interpolation needs floats");
    Location loc = op.getLoc();
    // Scales: read when the model runs if given (they may be a graph input),
    // else the ratio of the known sizes.
    Value scalesTensor = adaptor.getScales();
    if (scalesTensor) {
      auto t = dyn_cast<RankedTensorType>(scalesTensor.getType());
      if (!t || t.getRank() != 1 || t.getDimSize(0) != rank)
        scalesTensor = nullptr;
    }
    // Integer upsampling: an affine read (i floordiv k), which fuses with
    // the elementwise ops around it (smelt-cpu-vectorize-elementwise gives
    // such loops vector code).
    if (auto factors = nearestIntegerFactors(op, type, resultType,
                                             adaptor.getScales())) {
      SmallVector<AffineExpr> read;
      for (int64_t d = 0; d < rank; ++d) {
        AffineExpr e = rewriter.getAffineDimExpr(d);
        read.push_back((*factors)[d] == 1 ? e : e.floorDiv((*factors)[d]));
      }
      MLIRContext *context = rewriter.getContext();
      Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           element);
      auto generic = linalg::GenericOp::create(
          rewriter, loc, resultType, ValueRange{input}, ValueRange{init},
          ArrayRef<AffineMap>{AffineMap::get(rank, 0, read, context),
                              AffineMap::getMultiDimIdentityMap(rank, context)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l, args[0]);
          });
      rewriter.replaceOp(op, generic.getResults());
      return success();
    }
    double cubicA = op.getCubicCoeffA().convertToDouble();
    bool excludeOutside = op.getExcludeOutside() != 0;
    rewriter.replaceOp(
        op,
        buildIndexed(
            rewriter, loc, resultType,
            [&](OpBuilder &b, Location l, ValueRange idx) -> Value {
              Type f64 = b.getF64Type();
              auto fc = [&](double v) { return createScalarConstant(b, l, f64, v); };
              SmallVector<Value> coords, scaleValues;
              for (int64_t d = 0; d < rank; ++d) {
                double in = type.getDimSize(d), out = resultType.getDimSize(d);
                Value scale = fc(out / in);
                if (scalesTensor)
                  scale = convertScalar(
                      b, l,
                      tensor::ExtractOp::create(b, l, scalesTensor,
                                                ValueRange{indexConstant(b, l, d)}),
                      b.getF32Type(), f64, f64);
                scaleValues.push_back(scale);
                Value x = arith::SIToFPOp::create(
                    b, l, f64,
                    arith::IndexCastOp::create(b, l, b.getI64Type(), idx[d]));
                Value c;
                if (transform == "align_corners" && scalesTensor) {
                  // The resized length is in * scale, not rounded (as in
                  // ONNX's reference).
                  Value length = arith::MulFOp::create(b, l, fc(in), scale);
                  Value ratio = arith::DivFOp::create(
                      b, l, fc(in - 1), arith::SubFOp::create(b, l, length, fc(1)));
                  c = out == 1 ? fc(0)
                               : Value(arith::MulFOp::create(b, l, x, ratio));
                } else if (transform == "align_corners")
                  c = out == 1 ? fc(0)
                               : Value(arith::MulFOp::create(
                                     b, l, x, fc((in - 1) / (out - 1))));
                else if (transform == "asymmetric")
                  c = arith::DivFOp::create(b, l, x, scale);
                else if (transform == "tf_half_pixel_for_nn")
                  c = arith::DivFOp::create(
                      b, l, arith::AddFOp::create(b, l, x, fc(0.5)), scale);
                else if (transform == "pytorch_half_pixel" && out <= 1)
                  c = fc(0);
                else // half_pixel, pytorch_half_pixel
                  c = arith::SubFOp::create(
                      b, l,
                      arith::DivFOp::create(b, l,
                                            arith::AddFOp::create(b, l, x, fc(0.5)),
                                            scale),
                      fc(0.5));
                coords.push_back(c);
              }
              auto clampIndex = [&](Value f, int64_t dim) -> Value {
                Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), f);
                i = arith::MaxSIOp::create(b, l, i,
                                           createScalarConstant(b, l, b.getI64Type(), 0));
                i = arith::MinSIOp::create(
                    b, l, i, createScalarConstant(b, l, b.getI64Type(), dim - 1));
                return arith::IndexCastOp::create(b, l, b.getIndexType(), i);
              };
              if (mode == "nearest") {
                SmallVector<Value> src;
                for (int64_t d = 0; d < rank; ++d) {
                  Value c = coords[d];
                  Value r;
                  if (nearestMode == "floor")
                    r = math::FloorOp::create(b, l, c);
                  else if (nearestMode == "ceil")
                    r = math::CeilOp::create(b, l, c);
                  else {
                    // Round half down (prefer_floor) or up (prefer_ceil).
                    Value fl = math::FloorOp::create(b, l, c);
                    Value frac = arith::SubFOp::create(b, l, c, fl);
                    Value up = arith::CmpFOp::create(
                        b, l,
                        nearestMode == "round_prefer_ceil"
                            ? arith::CmpFPredicate::OGE
                            : arith::CmpFPredicate::OGT,
                        frac, fc(0.5));
                    r = arith::SelectOp::create(
                        b, l, up, arith::AddFOp::create(b, l, fl, fc(1)), fl);
                  }
                  src.push_back(clampIndex(r, type.getDimSize(d)));
                }
                return tensor::ExtractOp::create(b, l, input, src);
              }
              // Interpolation: taps around floor(c) along each resized dim,
              // 2 for linear, 4 for cubic; the result is their weighted sum.
              bool cubic = mode == "cubic";
              SmallVector<int64_t> offsets =
                  cubic ? SmallVector<int64_t>{-1, 0, 1, 2}
                        : SmallVector<int64_t>{0, 1};
              SmallVector<int64_t> resized;
              SmallVector<SmallVector<Value>> tapIndex(rank), tapWeight(rank);
              for (int64_t d = 0; d < rank; ++d) {
                int64_t in = type.getDimSize(d);
                if (in == resultType.getDimSize(d) && !scalesTensor) {
                  tapIndex[d] = {idx[d]};
                  tapWeight[d] = {fc(1)};
                  continue;
                }
                resized.push_back(d);
                Value c = coords[d];
                if (!cubic) {
                  c = arith::MaximumFOp::create(b, l, c, fc(0));
                  c = arith::MinimumFOp::create(b, l, c, fc(in - 1));
                }
                Value fl = math::FloorOp::create(b, l, c);
                Value t = arith::SubFOp::create(b, l, c, fl);
                SmallVector<Value> weights;
                for (int64_t o : offsets) {
                  Value w;
                  if (!cubic) {
                    w = o == 0 ? Value(arith::SubFOp::create(b, l, fc(1), t)) : t;
                  } else {
                    // Keys' kernel with coefficient A at distance |o - t|.
                    Value dist = math::AbsFOp::create(
                        b, l, arith::SubFOp::create(b, l, fc(o), t));
                    double A = cubicA;
                    Value d2 = arith::MulFOp::create(b, l, dist, dist);
                    Value d3 = arith::MulFOp::create(b, l, d2, dist);
                    if (o == 0 || o == 1) {
                      // (A+2)|x|^3 - (A+3)|x|^2 + 1
                      w = arith::AddFOp::create(
                          b, l,
                          arith::SubFOp::create(
                              b, l, arith::MulFOp::create(b, l, fc(A + 2), d3),
                              arith::MulFOp::create(b, l, fc(A + 3), d2)),
                          fc(1));
                    } else {
                      // A|x|^3 - 5A|x|^2 + 8A|x| - 4A
                      w = arith::SubFOp::create(
                          b, l,
                          arith::AddFOp::create(
                              b, l,
                              arith::SubFOp::create(
                                  b, l, arith::MulFOp::create(b, l, fc(A), d3),
                                  arith::MulFOp::create(b, l, fc(5 * A), d2)),
                              arith::MulFOp::create(b, l, fc(8 * A), dist)),
                          fc(4 * A));
                    }
                  }
                  Value pos = arith::AddFOp::create(b, l, fl, fc(o));
                  if (excludeOutside) {
                    Value inside = arith::AndIOp::create(
                        b, l,
                        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                                              pos, fc(0)),
                        arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE,
                                              pos, fc(in - 1)));
                    w = arith::SelectOp::create(b, l, inside, w, fc(0));
                  }
                  weights.push_back(w);
                  tapIndex[d].push_back(clampIndex(pos, in));
                }
                if (excludeOutside) {
                  Value total = fc(0);
                  for (Value w : weights)
                    total = arith::AddFOp::create(b, l, total, w);
                  for (Value &w : weights)
                    w = arith::DivFOp::create(b, l, w, total);
                }
                tapWeight[d] = weights;
              }
              Value acc = fc(0);
              int64_t taps = offsets.size();
              int64_t combos = 1;
              for (size_t j = 0; j < resized.size(); ++j)
                combos *= taps;
              for (int64_t combo = 0; combo < combos; ++combo) {
                SmallVector<Value> src;
                for (int64_t d = 0; d < rank; ++d)
                  src.push_back(tapIndex[d][0]);
                Value w = fc(1);
                int64_t rest = combo;
                for (int64_t d : resized) {
                  int64_t tap = rest % taps;
                  rest /= taps;
                  src[d] = tapIndex[d][tap];
                  w = arith::MulFOp::create(b, l, w, tapWeight[d][tap]);
                }
                Value v = tensor::ExtractOp::create(b, l, input, src);
                v = convertScalar(b, l, v, element, f64, f64);
                acc = arith::AddFOp::create(b, l, acc,
                                            arith::MulFOp::create(b, l, v, w));
              }
              return convertScalar(b, l, acc, f64, element, element);
            }));
    return success();
  }
};

} // namespace

void smelt::populateONNXResizeToLinalgPatterns(const TypeConverter &converter,
                                               RewritePatternSet &patterns) {
  patterns.add<ResizeLowering>(converter, patterns.getContext());
}
