//===- Tabulate.cpp - smelt-cpu-tabulate -----------------------------------===//
//
// Computes at compile time what elementwise code computes from constants
// alone, and replaces what it computes from one 8-bit value by a table:
//
//  * parameter math: ops of a linalg.generic's body whose operands are
//    constant inputs and constants (a requantization's in_scale * w_scale /
//    y_scale per channel) become one new constant input;
//  * narrow functions: the ops from an 8-bit value (a uint8 input, the
//    result of a requantization) to the yielded value, when nothing else
//    but constants enters them, become a load from a 256-entry table per
//    combination of the constant inputs they read (a dequantized HardSwish
//    requantized: one table).
//
// Tables are evaluated with the IEEE single-precision operations the code
// would run, so they hold exactly what the loop would have computed.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace smelt {
#define GEN_PASS_DEF_CPUTABULATEPASS
#include "smelt/Target/CPU/Passes.h.inc"
} // namespace smelt

using namespace mlir;

namespace {

/// A scalar while evaluating: a float (f32) or the bits of an integer
/// (i1 to i64), zero-extended.
struct Scalar {
  float f = 0;
  uint64_t bits = 0;
};

uint64_t maskTo(uint64_t v, unsigned width) {
  return width >= 64 ? v : v & ((uint64_t(1) << width) - 1);
}

int64_t signedOf(uint64_t bits, unsigned width) {
  if (width >= 64)
    return static_cast<int64_t>(bits);
  uint64_t sign = uint64_t(1) << (width - 1);
  return static_cast<int64_t>((bits ^ sign) - sign);
}

unsigned widthOf(Type t) {
  return t.isIndex() ? 64 : t.getIntOrFloatBitWidth();
}

bool compareFloats(arith::CmpFPredicate p, float a, float b) {
  bool unordered = std::isnan(a) || std::isnan(b);
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::AlwaysFalse: return false;
  case P::OEQ: return !unordered && a == b;
  case P::OGT: return !unordered && a > b;
  case P::OGE: return !unordered && a >= b;
  case P::OLT: return !unordered && a < b;
  case P::OLE: return !unordered && a <= b;
  case P::ONE: return !unordered && a != b;
  case P::ORD: return !unordered;
  case P::UEQ: return unordered || a == b;
  case P::UGT: return unordered || a > b;
  case P::UGE: return unordered || a >= b;
  case P::ULT: return unordered || a < b;
  case P::ULE: return unordered || a <= b;
  case P::UNE: return unordered || a != b;
  case P::UNO: return unordered;
  case P::AlwaysTrue: return true;
  }
  return false;
}

bool compareInts(arith::CmpIPredicate p, uint64_t a, uint64_t b,
                 unsigned width) {
  int64_t sa = signedOf(a, width), sb = signedOf(b, width);
  using P = arith::CmpIPredicate;
  switch (p) {
  case P::eq: return a == b;
  case P::ne: return a != b;
  case P::slt: return sa < sb;
  case P::sle: return sa <= sb;
  case P::sgt: return sa > sb;
  case P::sge: return sa >= sb;
  case P::ult: return a < b;
  case P::ule: return a <= b;
  case P::ugt: return a > b;
  case P::uge: return a >= b;
  }
  return false;
}

/// `op` on scalars, as the generated code computes it (f32 and integer
/// types); false for an op this evaluator does not know.
bool evaluate(Operation *op, ArrayRef<Scalar> in, Scalar &out) {
  Type type = op->getResult(0).getType();
  if (!type.isIntOrIndexOrFloat() || (isa<FloatType>(type) && !type.isF32()))
    return false;
  for (Value operand : op->getOperands())
    if (isa<FloatType>(operand.getType()) && !operand.getType().isF32())
      return false;
  unsigned width = widthOf(type);
  auto intResult = [&](uint64_t v) { out.bits = maskTo(v, width); };
  unsigned inWidth = op->getNumOperands() ? widthOf(op->getOperand(0).getType())
                                          : 0;
  return llvm::TypeSwitch<Operation *, bool>(op)
      .Case([&](arith::AddFOp) { return out.f = in[0].f + in[1].f, true; })
      .Case([&](arith::SubFOp) { return out.f = in[0].f - in[1].f, true; })
      .Case([&](arith::MulFOp) { return out.f = in[0].f * in[1].f, true; })
      .Case([&](arith::DivFOp) { return out.f = in[0].f / in[1].f, true; })
      .Case([&](arith::NegFOp) { return out.f = -in[0].f, true; })
      .Case([&](arith::MaximumFOp) {
        out.f = std::isnan(in[0].f) || std::isnan(in[1].f)
                    ? NAN
                    : std::fmax(in[0].f, in[1].f);
        return true;
      })
      .Case([&](arith::MinimumFOp) {
        out.f = std::isnan(in[0].f) || std::isnan(in[1].f)
                    ? NAN
                    : std::fmin(in[0].f, in[1].f);
        return true;
      })
      .Case([&](arith::MaxNumFOp) {
        return out.f = std::fmax(in[0].f, in[1].f), true;
      })
      .Case([&](arith::MinNumFOp) {
        return out.f = std::fmin(in[0].f, in[1].f), true;
      })
      .Case([&](arith::CmpFOp c) {
        intResult(compareFloats(c.getPredicate(), in[0].f, in[1].f));
        return true;
      })
      .Case([&](arith::CmpIOp c) {
        intResult(compareInts(c.getPredicate(), in[0].bits, in[1].bits,
                              inWidth));
        return true;
      })
      .Case([&](arith::SelectOp) {
        out = in[0].bits ? in[1] : in[2];
        return true;
      })
      .Case([&](arith::UIToFPOp) {
        return out.f = static_cast<float>(in[0].bits), true;
      })
      .Case([&](arith::SIToFPOp) {
        return out.f = static_cast<float>(signedOf(in[0].bits, inWidth)), true;
      })
      .Case([&](arith::FPToUIOp) {
        // Out of range is undefined; the code clamps first.
        float v = std::trunc(in[0].f);
        if (!(v >= 0 && v < std::ldexp(1.0f, width)))
          return false;
        intResult(static_cast<uint64_t>(v));
        return true;
      })
      .Case([&](arith::FPToSIOp) {
        float v = std::trunc(in[0].f);
        if (!(v >= -std::ldexp(1.0f, width - 1) &&
              v < std::ldexp(1.0f, width - 1)))
          return false;
        intResult(static_cast<uint64_t>(static_cast<int64_t>(v)));
        return true;
      })
      .Case([&](arith::ExtUIOp) { return intResult(in[0].bits), true; })
      .Case([&](arith::ExtSIOp) {
        intResult(static_cast<uint64_t>(signedOf(in[0].bits, inWidth)));
        return true;
      })
      .Case([&](arith::TruncIOp) { return intResult(in[0].bits), true; })
      .Case([&](arith::AddIOp) {
        return intResult(in[0].bits + in[1].bits), true;
      })
      .Case([&](arith::SubIOp) {
        return intResult(in[0].bits - in[1].bits), true;
      })
      .Case([&](arith::MulIOp) {
        return intResult(in[0].bits * in[1].bits), true;
      })
      .Case([&](arith::MaxSIOp) {
        intResult(signedOf(in[0].bits, width) >= signedOf(in[1].bits, width)
                      ? in[0].bits
                      : in[1].bits);
        return true;
      })
      .Case([&](arith::MinSIOp) {
        intResult(signedOf(in[0].bits, width) <= signedOf(in[1].bits, width)
                      ? in[0].bits
                      : in[1].bits);
        return true;
      })
      .Case([&](arith::MaxUIOp) {
        return intResult(std::max(in[0].bits, in[1].bits)), true;
      })
      .Case([&](arith::MinUIOp) {
        return intResult(std::min(in[0].bits, in[1].bits)), true;
      })
      .Case([&](math::RoundEvenOp) {
        return out.f = std::nearbyint(in[0].f), true;
      })
      .Case([&](math::RoundOp) { return out.f = std::round(in[0].f), true; })
      .Case([&](math::FloorOp) { return out.f = std::floor(in[0].f), true; })
      .Case([&](math::CeilOp) { return out.f = std::ceil(in[0].f), true; })
      .Case([&](math::AbsFOp) { return out.f = std::fabs(in[0].f), true; })
      .Case([&](math::SqrtOp) { return out.f = std::sqrt(in[0].f), true; })
      .Case([&](math::ExpOp) { return out.f = std::exp(in[0].f), true; })
      .Case([&](math::LogOp) { return out.f = std::log(in[0].f), true; })
      .Case([&](math::TanhOp) { return out.f = std::tanh(in[0].f), true; })
      .Case([&](math::ErfOp) { return out.f = std::erf(in[0].f), true; })
      .Default([](Operation *) { return false; });
}

/// A scalar attribute's value, if `attr` is one.
std::optional<Scalar> scalarOf(Attribute attr) {
  Scalar s;
  if (auto f = dyn_cast<FloatAttr>(attr)) {
    if (!f.getType().isF32())
      return std::nullopt;
    s.f = f.getValueAsDouble();
    return s;
  }
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    s.bits = maskTo(i.getValue().getZExtValue(), widthOf(i.getType()));
    return s;
  }
  return std::nullopt;
}

/// The elements of a constant tensor, row-major.
std::optional<std::vector<Scalar>> elementsOf(Value v) {
  auto constant = v.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(constant.getType());
  if (!type || !type.hasStaticShape() || type.getNumElements() > (1 << 16))
    return std::nullopt;
  Type element = type.getElementType();
  std::vector<Scalar> out(type.getNumElements());
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue())) {
    int64_t i = 0;
    if (element.isF32()) {
      for (float f : dense.getValues<float>())
        out[i++].f = f;
      return out;
    }
    if (isa<IntegerType>(element)) {
      for (APInt a : dense.getValues<APInt>())
        out[i++].bits = maskTo(a.getZExtValue(), widthOf(element));
      return out;
    }
    return std::nullopt;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
  AsmResourceBlob *blob = resource ? resource.getRawHandle().getBlob() : nullptr;
  if (!blob)
    return std::nullopt;
  ArrayRef<char> data = blob->getData();
  if (element.isF32() &&
      data.size() == static_cast<size_t>(type.getNumElements()) * 4) {
    for (size_t i = 0; i < out.size(); ++i)
      std::memcpy(&out[i].f, data.data() + 4 * i, 4);
    return out;
  }
  return std::nullopt;
}

/// What one linalg.generic's body computes from what.
class Body {
public:
  explicit Body(linalg::GenericOp op) : op(op), block(*op.getBody()) {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      std::optional<std::vector<Scalar>> data;
      if (map.isProjectedPermutation(/*allowZeroInResults=*/true))
        data = elementsOf(input->get());
      params.push_back(std::move(data));
    }
  }

  /// Whether `v` is a constant input's element.
  bool isParam(Value v) const {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &block &&
           arg.getArgNumber() < params.size() &&
           params[arg.getArgNumber()].has_value();
  }

  /// Whether `v` is a constant: defined outside the body by
  /// arith.constant, or in it.
  static std::optional<Scalar> constantOf(Value v) {
    auto c = v.getDefiningOp<arith::ConstantOp>();
    return c ? scalarOf(c.getValue()) : std::nullopt;
  }

  /// The ops `root` depends on through values other than `cut`, in body
  /// order, if every value they start from is `cut`, a constant input's
  /// element or a constant; `params` collects the constant inputs read.
  std::optional<SmallVector<Operation *>>
  cone(Value root, Value cut, SmallVector<unsigned> &paramsRead) const {
    llvm::SetVector<Operation *> ops;
    SmallVector<Value> stack = {root};
    llvm::DenseSet<Value> seen;
    while (!stack.empty()) {
      Value v = stack.pop_back_val();
      if (!seen.insert(v).second || v == cut)
        continue;
      if (isParam(v)) {
        paramsRead.push_back(cast<BlockArgument>(v).getArgNumber());
        continue;
      }
      if (constantOf(v))
        continue;
      Operation *def = v.getDefiningOp();
      if (!def || def->getBlock() != &block || def->getNumResults() != 1 ||
          def->getNumRegions() != 0)
        return std::nullopt;
      ops.insert(def);
      llvm::append_range(stack, def->getOperands());
    }
    SmallVector<Operation *> ordered(ops.begin(), ops.end());
    llvm::sort(ordered, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    llvm::sort(paramsRead);
    paramsRead.erase(std::unique(paramsRead.begin(), paramsRead.end()),
                     paramsRead.end());
    return ordered;
  }

  /// The loop dims the constant inputs `read` vary along, sorted.
  SmallVector<unsigned> dimsOf(ArrayRef<unsigned> read) const {
    SmallVector<unsigned> dims;
    for (unsigned i : read)
      for (AffineExpr e : op.getIndexingMapsArray()[i].getResults())
        if (auto d = dyn_cast<AffineDimExpr>(e))
          dims.push_back(d.getPosition());
    llvm::sort(dims);
    dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
    return dims;
  }

  /// Evaluates `ops` (a cone) for every point of `dims` (and every value of
  /// `cut`, when set): the values of `root`, row-major over
  /// [dims..., 256]. None when an op cannot be evaluated.
  std::optional<std::vector<Scalar>>
  tabulate(ArrayRef<Operation *> ops, Value root, ArrayRef<unsigned> read,
           ArrayRef<unsigned> dims, Value cut) const {
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t points = 1;
    for (unsigned d : dims)
      points *= bounds[d];
    int64_t values = cut ? 256 : 1;
    std::vector<Scalar> table;
    table.reserve(points * values);
    SmallVector<int64_t> at(bounds.size(), 0);
    llvm::DenseMap<Value, Scalar> env;
    for (int64_t p = 0; p < points; ++p) {
      // The point's loop indices along `dims` (others stay 0).
      int64_t rest = p;
      for (int64_t i = dims.size() - 1; i >= 0; --i) {
        at[dims[i]] = rest % bounds[dims[i]];
        rest /= bounds[dims[i]];
      }
      env.clear();
      for (unsigned i : read) {
        AffineMap map = op.getIndexingMapsArray()[i];
        auto type = cast<RankedTensorType>(
            op.getDpsInputOperand(i)->get().getType());
        int64_t linear = 0;
        for (auto [r, e] : llvm::enumerate(map.getResults())) {
          int64_t index = 0;
          if (auto d = dyn_cast<AffineDimExpr>(e))
            index = at[d.getPosition()];
          linear = linear * type.getDimSize(r) + index;
        }
        env[block.getArgument(i)] = (*params[i])[linear];
      }
      for (int64_t x = 0; x < values; ++x) {
        if (cut)
          env[cut] = Scalar{0, static_cast<uint64_t>(x)};
        for (Operation *inner : ops) {
          SmallVector<Scalar> in;
          for (Value operand : inner->getOperands()) {
            auto it = env.find(operand);
            if (it != env.end()) {
              in.push_back(it->second);
              continue;
            }
            std::optional<Scalar> c = constantOf(operand);
            if (!c)
              return std::nullopt;
            in.push_back(*c);
          }
          Scalar result;
          if (!evaluate(inner, in, result))
            return std::nullopt;
          env[inner->getResult(0)] = result;
        }
        auto it = env.find(root);
        if (it == env.end())
          return std::nullopt;
        table.push_back(it->second);
      }
    }
    return table;
  }

  mutable linalg::GenericOp op;
  Block &block;
  /// Each input's elements when it is a constant read along a projected
  /// permutation.
  SmallVector<std::optional<std::vector<Scalar>>> params;
};

Attribute tableAttr(RankedTensorType type, ArrayRef<Scalar> values) {
  Type element = type.getElementType();
  if (element.isF32()) {
    SmallVector<float> data;
    for (const Scalar &s : values)
      data.push_back(s.f);
    return DenseElementsAttr::get(type, ArrayRef(data));
  }
  SmallVector<APInt> data;
  for (const Scalar &s : values)
    data.push_back(APInt(widthOf(element), s.bits));
  return DenseElementsAttr::get(type, data);
}

/// Replaces the body's computation of `root` from the 8-bit value `cut`
/// (and constants) by a table lookup. Tables of 8-bit results are stored
/// widened to i32, which vector code gathers.
bool tabulateNarrow(linalg::GenericOp op, int64_t minOps) {
  Body body(op);
  Value root = body.block.getTerminator()->getOperand(0);
  Type resultType = root.getType();
  if (!resultType.isF32() && !resultType.isInteger(8) &&
      !resultType.isInteger(32))
    return false;
  // The earliest 8-bit value that alone (with constants) determines the
  // result: a uint8 input, or the 8-bit result of a requantization.
  SmallVector<Value> candidates;
  for (BlockArgument arg : body.block.getArguments().drop_back(
           op.getNumDpsInits()))
    if (arg.getType().isInteger(8) && !body.isParam(arg))
      candidates.push_back(arg);
  for (Operation &inner : body.block.without_terminator())
    if (inner.getNumResults() == 1 &&
        inner.getResult(0).getType().isInteger(8))
      candidates.push_back(inner.getResult(0));
  for (Value cut : candidates) {
    if (cut == root)
      continue;
    SmallVector<unsigned> read;
    std::optional<SmallVector<Operation *>> ops = body.cone(root, cut, read);
    if (!ops)
      continue;
    int64_t work = llvm::count_if(*ops, [](Operation *o) {
      return !isa<arith::ConstantOp>(o);
    });
    if (work < minOps)
      return false;
    SmallVector<unsigned> dims = body.dimsOf(read);
    // The innermost loop stays free of them (vector code reads one table
    // row per vector), and the table stays small.
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    int64_t points = 1;
    for (unsigned d : dims)
      points *= bounds[d];
    if (llvm::is_contained(dims, op.getNumLoops() - 1) || points > 1024)
      return false;
    std::optional<std::vector<Scalar>> table =
        body.tabulate(*ops, root, read, dims, cut);
    if (!table)
      return false;
    SmallVector<int64_t> shape;
    for (unsigned d : dims)
      shape.push_back(bounds[d]);
    shape.push_back(256);
    OpBuilder b(op);
    Location loc = op.getLoc();
    Type stored = resultType.isInteger(8) ? b.getI32Type() : resultType;
    auto tableType = RankedTensorType::get(shape, stored);
    Value tableValue =
        arith::ConstantOp::create(b, loc, cast<TypedAttr>(tableAttr(tableType, *table)));
    b.setInsertionPoint(body.block.getTerminator());
    SmallVector<Value> indices;
    for (unsigned d : dims)
      indices.push_back(linalg::IndexOp::create(b, loc, d));
    Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), cut);
    indices.push_back(
        arith::IndexCastOp::create(b, loc, b.getIndexType(), wide));
    Value looked = tensor::ExtractOp::create(b, loc, tableValue, indices);
    if (stored != resultType)
      looked = arith::TruncIOp::create(b, loc, resultType, looked);
    body.block.getTerminator()->setOperand(0, looked);
    for (Operation *dead : llvm::reverse(*ops))
      if (dead->use_empty())
        dead->erase();
    return true;
  }
  return false;
}

/// Replaces each op of the body computed from constant inputs and
/// constants alone (and read by something that is not) by a new constant
/// input: the generic is rebuilt with it.
linalg::GenericOp precomputeParameters(linalg::GenericOp op) {
  Body body(op);
  for (Operation &inner : body.block.without_terminator()) {
    if (inner.getNumResults() != 1 || isa<arith::ConstantOp>(inner) ||
        !inner.getResult(0).getType().isIntOrFloat())
      continue;
    Value value = inner.getResult(0);
    SmallVector<unsigned> read;
    std::optional<SmallVector<Operation *>> ops =
        body.cone(value, Value(), read);
    if (!ops || read.empty())
      continue;
    // Only the largest such values: one that something else of the same
    // kind reads is folded with it.
    bool usedByParamMath = llvm::all_of(value.getUsers(), [&](Operation *u) {
      SmallVector<unsigned> r;
      return u->getNumResults() == 1 && u->getBlock() == &body.block &&
             !isa<linalg::YieldOp>(u) &&
             body.cone(u->getResult(0), Value(), r).has_value();
    });
    if (usedByParamMath)
      continue;
    SmallVector<unsigned> dims = body.dimsOf(read);
    std::optional<std::vector<Scalar>> values =
        body.tabulate(*ops, value, read, dims, Value());
    if (!values)
      continue;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges(), shape;
    SmallVector<AffineExpr> exprs;
    for (unsigned d : dims) {
      shape.push_back(bounds[d]);
      exprs.push_back(getAffineDimExpr(d, op.getContext()));
    }
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto type = RankedTensorType::get(shape, value.getType());
    Value param =
        arith::ConstantOp::create(b, loc, cast<TypedAttr>(tableAttr(type, *values)));
    // The generic again, with the new input before the inits.
    SmallVector<Value> inputs(op.getDpsInputs());
    inputs.push_back(param);
    SmallVector<AffineMap> maps;
    for (OpOperand *input : op.getDpsInputOperands())
      maps.push_back(op.getMatchingIndexingMap(input));
    maps.push_back(AffineMap::get(op.getNumLoops(), 0, exprs, op.getContext()));
    for (OpOperand &init : op.getDpsInitsMutable())
      maps.push_back(op.getMatchingIndexingMap(&init));
    auto rebuilt = linalg::GenericOp::create(
        b, loc, op.getResultTypes(), inputs, op.getDpsInits(), maps,
        op.getIteratorTypesArray());
    IRMapping mapping;
    op.getRegion().cloneInto(&rebuilt.getRegion(), mapping);
    Block &newBlock = rebuilt.getRegion().front();
    BlockArgument arg = newBlock.insertArgument(
        op.getNumDpsInputs(), value.getType(), loc);
    mapping.lookup(value).replaceAllUsesWith(arg);
    op->replaceAllUsesWith(rebuilt->getResults());
    op.erase();
    // Dead parameter math goes with the canonicalizer.
    return rebuilt;
  }
  return op;
}

bool isElementwise(linalg::GenericOp op) {
  return op.getNumDpsInits() == 1 && op.getNumReductionLoops() == 0 &&
         op.hasPureTensorSemantics() &&
         !op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)) &&
         llvm::none_of(op.getStaticLoopRanges(), ShapedType::isDynamic) &&
         llvm::none_of(op.getBody()->without_terminator(), [](Operation &o) {
           return isa<linalg::IndexOp>(o) || o.getNumRegions() != 0;
         });
}

struct CPUTabulatePass
    : smelt::impl::CPUTabulatePassBase<CPUTabulatePass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> generics;
    getOperation().walk([&](linalg::GenericOp op) {
      if (isElementwise(op))
        generics.push_back(op);
    });
    for (linalg::GenericOp op : generics) {
      // Each round replaces one value; a body has a handful.
      for (int round = 0; round < 16; ++round) {
        linalg::GenericOp next = precomputeParameters(op);
        if (next == op)
          break;
        op = next;
      }
      tabulateNarrow(op, minOps);
    }
  }
};

} // namespace
