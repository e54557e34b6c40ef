//===- Recurrent.cpp - onnx RNN, GRU and LSTM to scf loops over linalg ----===//
//
// One scf.for per direction over the time steps, carrying the hidden (and
// cell) state and the Y tensor. Each step multiplies the input and the state
// by the (pre-transposed) weights with linalg.matmul and combines the gates
// elementwise, following ONNX's equations with the default activations
// (Sigmoid for gates, Tanh otherwise). Steps past a batch entry's
// sequence_lens keep the state and write zeros to Y.
//
//===----------------------------------------------------------------------===//

#include "smelt/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "smelt/Conversion/ONNXToLinalg/LoweringUtils.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace smelt::detail;

namespace {

enum class Cell { RNN, GRU, LSTM };

struct Builder {
  OpBuilder &b;
  Location loc;
  Type element;

  Value zeros(ArrayRef<int64_t> shape) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, element);
    return linalg::FillOp::create(b, loc,
                                  createScalarConstant(b, loc, element, 0.0),
                                  empty)
        .getResult(0);
  }
  /// source[offsets...] with the given sizes (unit dims dropped to `type`).
  Value slice(Value source, ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
              ArrayRef<int64_t> resultShape) {
    SmallVector<OpFoldResult> o, s, st;
    for (auto [off, size] : llvm::zip(offsets, sizes)) {
      o.push_back(b.getIndexAttr(off));
      s.push_back(b.getIndexAttr(size));
      st.push_back(b.getIndexAttr(1));
    }
    auto type = RankedTensorType::get(resultShape, element);
    return tensor::ExtractSliceOp::create(b, loc, type, source, o, s, st);
  }
  Value transpose2d(Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    Value init = tensor::EmptyOp::create(
        b, loc, {type.getDimSize(1), type.getDimSize(0)}, element);
    return linalg::TransposeOp::create(b, loc, v, init,
                                       ArrayRef<int64_t>{1, 0})
        .getResult()[0];
  }
  Value matmul(Value lhs, Value rhs) {
    auto l = cast<RankedTensorType>(lhs.getType());
    auto r = cast<RankedTensorType>(rhs.getType());
    auto type =
        RankedTensorType::get({l.getDimSize(0), r.getDimSize(1)}, element);
    return linalg::MatmulOp::create(b, loc, TypeRange{type},
                                    ValueRange{lhs, rhs},
                                    ValueRange{zeros(type.getShape())})
        .getResult(0);
  }
  Value constant(double v) { return createScalarConstant(b, loc, element, v); }
};

Value sigmoidOf(OpBuilder &b, Location loc, Value x) {
  Value one = createScalarConstant(b, loc, x.getType(), 1.0);
  return arith::DivFOp::create(
      b, loc, one,
      arith::AddFOp::create(b, loc, one,
                            math::ExpOp::create(b, loc,
                                                arith::NegFOp::create(b, loc, x))));
}

/// The three recurrent ops share all but the cell equations.
template <typename OpTy, Cell cell>
struct RecurrentLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  static int64_t gates() {
    return cell == Cell::RNN ? 1 : cell == Cell::GRU ? 3 : 4;
  }

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Only the default activations.
    if (auto acts = op.getActivationsAttr()) {
      SmallVector<StringRef> defaults =
          cell == Cell::RNN   ? SmallVector<StringRef>{"Tanh", "Tanh"}
          : cell == Cell::GRU ? SmallVector<StringRef>{"Sigmoid", "Tanh",
                                                       "Sigmoid", "Tanh"}
                              : SmallVector<StringRef>{"Sigmoid", "Tanh", "Tanh",
                                                       "Sigmoid", "Tanh", "Tanh"};
      for (auto [i, a] : llvm::enumerate(acts))
        if (i >= defaults.size() ||
            !cast<StringAttr>(a).getValue().equals_insensitive(defaults[i]))
          return rewriter.notifyMatchFailure(op, "non-default activations");
    }
    auto xType = dyn_cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(adaptor.getW().getType());
    if (!xType || !wType || !xType.hasStaticShape() ||
        !wType.hasStaticShape() || xType.getRank() != 3 ||
        !isa<FloatType>(xType.getElementType()))
      return rewriter.notifyMatchFailure(op, "needs static float shapes");
    Location loc = op.getLoc();
    Type element = xType.getElementType();
    Builder B{rewriter, loc, element};
    bool batchFirst = op.getLayout() != 0;
    StringRef direction = op.getDirection();
    int64_t dirs = direction == "bidirectional" ? 2 : 1;
    int64_t g = gates();
    int64_t hidden = wType.getDimSize(1) / g;
    Value x = adaptor.getX();
    if (batchFirst) {
      Value init = tensor::EmptyOp::create(
          rewriter, loc,
          {xType.getDimSize(1), xType.getDimSize(0), xType.getDimSize(2)},
          element);
      x = linalg::TransposeOp::create(rewriter, loc, x, init,
                                      ArrayRef<int64_t>{1, 0, 2})
              .getResult()[0];
    }
    auto seqType = cast<RankedTensorType>(x.getType());
    int64_t steps = seqType.getDimSize(0), batch = seqType.getDimSize(1),
            inputSize = seqType.getDimSize(2);
    std::optional<float> clip;
    if (auto c = op.getClipAttr())
      clip = c.getValueAsDouble();

    Value initialH = adaptor.getInitialH();
    Value initialC;
    if constexpr (cell == Cell::LSTM)
      initialC = adaptor.getInitialC();
    auto stateFirst = [&](Value v) -> Value {
      // [batch, dirs, hidden] -> [dirs, batch, hidden] for layout 1.
      if (!v || !batchFirst)
        return v;
      Value init =
          tensor::EmptyOp::create(rewriter, loc, {dirs, batch, hidden}, element);
      return linalg::TransposeOp::create(rewriter, loc, v, init,
                                         ArrayRef<int64_t>{1, 0, 2})
          .getResult()[0];
    };
    initialH = stateFirst(initialH);
    initialC = stateFirst(initialC);

    Value y = B.zeros({steps, dirs, batch, hidden});
    SmallVector<Value> finalH, finalC;
    for (int64_t d = 0; d < dirs; ++d) {
      bool reverse = direction == "reverse" || d == 1;
      Value wT = B.transpose2d(
          B.slice(adaptor.getW(), {d, 0, 0}, {1, g * hidden, inputSize},
                  {g * hidden, inputSize}));
      Value rT = B.transpose2d(
          B.slice(adaptor.getR(), {d, 0, 0}, {1, g * hidden, hidden},
                  {g * hidden, hidden}));
      Value wb, rb;
      if (Value bias = adaptor.getB()) {
        wb = B.slice(bias, {d, 0}, {1, g * hidden}, {g * hidden});
        rb = B.slice(bias, {d, g * hidden}, {1, g * hidden}, {g * hidden});
      } else {
        wb = B.zeros({g * hidden});
        rb = B.zeros({g * hidden});
      }
      Value peep;
      if constexpr (cell == Cell::LSTM)
        if (Value p = adaptor.getP())
          peep = B.slice(p, {d, 0}, {1, 3 * hidden}, {3 * hidden});
      Value h0 = initialH ? B.slice(initialH, {d, 0, 0}, {1, batch, hidden},
                                    {batch, hidden})
                          : B.zeros({batch, hidden});
      Value c0 = initialC ? B.slice(initialC, {d, 0, 0}, {1, batch, hidden},
                                    {batch, hidden})
                          : B.zeros({batch, hidden});
      Value lens = adaptor.getSequenceLens();

      Value lb = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value ub = arith::ConstantIndexOp::create(rewriter, loc, steps);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      auto loop = scf::ForOp::create(
          rewriter, loc, lb, ub, one, ValueRange{h0, c0, y},
          [&](OpBuilder &nb, Location l, Value t, ValueRange state) {
            Builder S{nb, l, element};
            Value tt = t;
            if (reverse)
              tt = arith::SubIOp::create(
                  nb, l, arith::ConstantIndexOp::create(nb, l, steps - 1), t);
            Value h = state[0], c = state[1], yAcc = state[2];
            auto xtType = RankedTensorType::get({batch, inputSize}, element);
            Value xt = tensor::ExtractSliceOp::create(
                nb, l, xtType, x,
                ArrayRef<OpFoldResult>{tt, nb.getIndexAttr(0), nb.getIndexAttr(0)},
                ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(batch),
                                       nb.getIndexAttr(inputSize)},
                ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(1),
                                       nb.getIndexAttr(1)});
            Value xw = S.matmul(xt, wT);
            Value hr = S.matmul(h, rT);
            auto gate = [&](Value v, int64_t i) {
              return S.slice(v, {0, i * hidden}, {batch, hidden},
                             {batch, hidden});
            };
            auto gateBias = [&](Value v, int64_t i) {
              return S.slice(v, {i * hidden}, {hidden}, {hidden});
            };
            auto stateType = RankedTensorType::get({batch, hidden}, element);
            auto clipped = [&](OpBuilder &b, Location ll, Value v) -> Value {
              if (!clip)
                return v;
              Value hi = createScalarConstant(b, ll, element, *clip);
              Value lo = createScalarConstant(b, ll, element, -*clip);
              return arith::MinimumFOp::create(
                  b, ll, arith::MaximumFOp::create(b, ll, v, lo), hi);
            };
            Value newH, newC = c;
            if constexpr (cell == Cell::RNN) {
              newH = buildBroadcastElementwise(
                  nb, l, stateType,
                  ValueRange{xw, hr, gateBias(wb, 0), gateBias(rb, 0)},
                  [&](OpBuilder &b, Location ll, ValueRange a) -> Value {
                    Value v = arith::AddFOp::create(
                        b, ll, arith::AddFOp::create(b, ll, a[0], a[1]),
                        arith::AddFOp::create(b, ll, a[2], a[3]));
                    return math::TanhOp::create(b, ll, clipped(b, ll, v));
                  });
            } else if constexpr (cell == Cell::GRU) {
              // Gates z, r, h; the h gate's recurrent term depends on r.
              Value z = buildBroadcastElementwise(
                  nb, l, stateType,
                  ValueRange{gate(xw, 0), gate(hr, 0), gateBias(wb, 0),
                             gateBias(rb, 0)},
                  [&](OpBuilder &b, Location ll, ValueRange a) -> Value {
                    Value v = arith::AddFOp::create(
                        b, ll, arith::AddFOp::create(b, ll, a[0], a[1]),
                        arith::AddFOp::create(b, ll, a[2], a[3]));
                    return sigmoidOf(b, ll, clipped(b, ll, v));
                  });
              Value r = buildBroadcastElementwise(
                  nb, l, stateType,
                  ValueRange{gate(xw, 1), gate(hr, 1), gateBias(wb, 1),
                             gateBias(rb, 1)},
                  [&](OpBuilder &b, Location ll, ValueRange a) -> Value {
                    Value v = arith::AddFOp::create(
                        b, ll, arith::AddFOp::create(b, ll, a[0], a[1]),
                        arith::AddFOp::create(b, ll, a[2], a[3]));
                    return sigmoidOf(b, ll, clipped(b, ll, v));
                  });
              bool linearBeforeReset = op.getLinearBeforeReset() != 0;
              Value recurrent;
              if (linearBeforeReset) {
                // r * (H Rh^T + Rbh)
                recurrent = buildBroadcastElementwise(
                    nb, l, stateType,
                    ValueRange{r, gate(hr, 2), gateBias(rb, 2)},
                    [](OpBuilder &b, Location ll, ValueRange a) -> Value {
                      return arith::MulFOp::create(
                          b, ll, a[0], arith::AddFOp::create(b, ll, a[1], a[2]));
                    });
              } else {
                // (r * H) Rh^T + Rbh
                Value rh = buildBroadcastElementwise(
                    nb, l, stateType, ValueRange{r, h},
                    [](OpBuilder &b, Location ll, ValueRange a) -> Value {
                      return arith::MulFOp::create(b, ll, a[0], a[1]);
                    });
                Value rhT = S.slice(rT, {0, 2 * hidden}, {hidden, hidden},
                                    {hidden, hidden});
                recurrent = buildBroadcastElementwise(
                    nb, l, stateType,
                    ValueRange{S.matmul(rh, rhT), gateBias(rb, 2)},
                    [](OpBuilder &b, Location ll, ValueRange a) -> Value {
                      return arith::AddFOp::create(b, ll, a[0], a[1]);
                    });
              }
              newH = buildBroadcastElementwise(
                  nb, l, stateType,
                  ValueRange{gate(xw, 2), gateBias(wb, 2), recurrent, z, h},
                  [&](OpBuilder &b, Location ll, ValueRange a) -> Value {
                    Value pre = arith::AddFOp::create(
                        b, ll, arith::AddFOp::create(b, ll, a[0], a[1]), a[2]);
                    Value cand = math::TanhOp::create(b, ll, clipped(b, ll, pre));
                    Value oneF = createScalarConstant(b, ll, element, 1.0);
                    return arith::AddFOp::create(
                        b, ll,
                        arith::MulFOp::create(
                            b, ll, arith::SubFOp::create(b, ll, oneF, a[3]), cand),
                        arith::MulFOp::create(b, ll, a[3], a[4]));
                  });
            } else {
              // Gates i, o, f, c; peepholes i, o, f.
              auto pre = [&](int64_t i) {
                SmallVector<Value> operands = {gate(xw, i), gate(hr, i),
                                               gateBias(wb, i), gateBias(rb, i)};
                return operands;
              };
              auto peepOf = [&](int64_t i) -> Value {
                return peep ? S.slice(peep, {i * hidden}, {hidden}, {hidden})
                            : S.zeros({hidden});
              };
              auto gateValue = [&](int64_t i, Value cellState, Value peepI,
                                   bool sigmoid) {
                SmallVector<Value> operands = pre(i);
                operands.push_back(peepI);
                operands.push_back(cellState);
                return buildBroadcastElementwise(
                    nb, l, stateType, operands,
                    [&](OpBuilder &b, Location ll, ValueRange a) -> Value {
                      Value v = arith::AddFOp::create(
                          b, ll, arith::AddFOp::create(b, ll, a[0], a[1]),
                          arith::AddFOp::create(b, ll, a[2], a[3]));
                      v = arith::AddFOp::create(
                          b, ll, v, arith::MulFOp::create(b, ll, a[4], a[5]));
                      v = clipped(b, ll, v);
                      return sigmoid ? sigmoidOf(b, ll, v)
                                     : Value(math::TanhOp::create(b, ll, v));
                    });
              };
              Value zeroPeep = S.zeros({hidden});
              Value it = gateValue(0, c, peepOf(0), true);
              Value ft = gateValue(2, c, peepOf(2), true);
              Value ct = gateValue(3, c, zeroPeep, false);
              newC = buildBroadcastElementwise(
                  nb, l, stateType, ValueRange{ft, c, it, ct},
                  [](OpBuilder &b, Location ll, ValueRange a) -> Value {
                    return arith::AddFOp::create(
                        b, ll, arith::MulFOp::create(b, ll, a[0], a[1]),
                        arith::MulFOp::create(b, ll, a[2], a[3]));
                  });
              Value ot = gateValue(1, newC, peepOf(1), true);
              newH = buildBroadcastElementwise(
                  nb, l, stateType, ValueRange{ot, newC},
                  [](OpBuilder &b, Location ll, ValueRange a) -> Value {
                    return arith::MulFOp::create(
                        b, ll, a[0], math::TanhOp::create(b, ll, a[1]));
                  });
            }
            // Past a sequence's length: keep the state, output zeros.
            Value yStep = newH;
            if (lens) {
              Value ttI32 = arith::IndexCastOp::create(nb, l, nb.getI32Type(), tt);
              auto lensColumn = reshapeToStatic(
                  nb, l, lens, RankedTensorType::get({batch, 1}, nb.getI32Type()));
              auto keep = [&](Value fresh, Value old, bool zeroOld) {
                return buildBroadcastElementwise(
                    nb, l, stateType, ValueRange{lensColumn, fresh, old},
                    [&](OpBuilder &b, Location ll, ValueRange a) -> Value {
                      Value active = arith::CmpIOp::create(
                          b, ll, arith::CmpIPredicate::slt, ttI32, a[0]);
                      Value other = zeroOld
                                        ? createScalarConstant(b, ll, element, 0)
                                        : a[2];
                      return arith::SelectOp::create(b, ll, active, a[1], other);
                    });
              };
              yStep = keep(newH, h, true);
              newH = keep(newH, h, false);
              newC = keep(newC, c, false);
            }
            auto stepType = RankedTensorType::get({1, 1, batch, hidden}, element);
            Value expanded = reshapeToStatic(nb, l, yStep, stepType);
            Value yNext = tensor::InsertSliceOp::create(
                nb, l, expanded, yAcc,
                ArrayRef<OpFoldResult>{tt, nb.getIndexAttr(d), nb.getIndexAttr(0),
                                       nb.getIndexAttr(0)},
                ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(1),
                                       nb.getIndexAttr(batch),
                                       nb.getIndexAttr(hidden)},
                ArrayRef<OpFoldResult>{nb.getIndexAttr(1), nb.getIndexAttr(1),
                                       nb.getIndexAttr(1), nb.getIndexAttr(1)});
            scf::YieldOp::create(nb, l, ValueRange{newH, newC, yNext});
          });
      finalH.push_back(loop.getResult(0));
      finalC.push_back(loop.getResult(1));
      y = loop.getResult(2);
    }

    // Outputs, in the op's layout.
    auto stack = [&](ArrayRef<Value> states) -> Value {
      Value all = B.zeros({dirs, batch, hidden});
      for (auto [d, s] : llvm::enumerate(states)) {
        Value e = reshapeToStatic(rewriter, loc, s,
                                  RankedTensorType::get({1, batch, hidden}, element));
        all = tensor::InsertSliceOp::create(
            rewriter, loc, e, all,
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(d),
                                   rewriter.getIndexAttr(0),
                                   rewriter.getIndexAttr(0)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                   rewriter.getIndexAttr(batch),
                                   rewriter.getIndexAttr(hidden)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                   rewriter.getIndexAttr(1),
                                   rewriter.getIndexAttr(1)});
      }
      if (!batchFirst)
        return all;
      Value init =
          tensor::EmptyOp::create(rewriter, loc, {batch, dirs, hidden}, element);
      return linalg::TransposeOp::create(rewriter, loc, all, init,
                                         ArrayRef<int64_t>{1, 0, 2})
          .getResult()[0];
    };
    if (batchFirst) {
      Value init = tensor::EmptyOp::create(rewriter, loc,
                                           {batch, steps, dirs, hidden}, element);
      y = linalg::TransposeOp::create(rewriter, loc, y, init,
                                      ArrayRef<int64_t>{2, 0, 1, 3})
              .getResult()[0];
    }
    SmallVector<Value> results;
    if (op.getY())
      results.push_back(y);
    if (op.getYH())
      results.push_back(stack(finalH));
    if constexpr (cell == Cell::LSTM)
      if (op.getYC())
        results.push_back(stack(finalC));
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void smelt::populateONNXRecurrentToLinalgPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<RecurrentLowering<smelt::onnx::RNNOp, Cell::RNN>,
               RecurrentLowering<smelt::onnx::GRUOp, Cell::GRU>,
               RecurrentLowering<smelt::onnx::LSTMOp, Cell::LSTM>>(
      converter, patterns.getContext());
}
