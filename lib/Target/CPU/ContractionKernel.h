//===- ContractionKernel.h - Contractions and their kernels -----*- C++ -*-===//
//
// What smelt-cpu-vectorize-contractions' files share: how a contraction is
// recognized (ContractionMatch.cpp), which ops around it the kernel absorbs
// (ContractionFusion.cpp), and the emitter of its register-blocked kernel
// (ContractionKernel.cpp, ContractionSteps.cpp, ContractionInt8.cpp), plus
// the column packing of int8 convolutions (Int8ColumnPacking.cpp). The plan
// is described in VectorizeContractions.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_LIB_TARGET_CPU_CONTRACTIONKERNEL_H
#define SMELT_LIB_TARGET_CPU_CONTRACTIONKERNEL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace smelt::detail {

/// Vectors per row of a register block once there are four rows or more:
/// two, so that a block of 12 rows holds 24 accumulators.
/// smelt-cpu-choose-vector-dim tiles the weights' columns to match.
constexpr int64_t kColumnVectors = 2;

/// What the body does with the elements it reads and the accumulator.
enum class Combiner {
  MultiplyAdd,
  Add,
  Maximum,
  Minimum,
  // Window reductions of integers (max pooling of quantized tensors).
  MaxSigned,
  MaxUnsigned,
  MinSigned,
  MinUnsigned,
};

/// How one contraction maps onto the kernel.
struct Contraction {
  mutable mlir::linalg::GenericOp op;
  Combiner combiner;
  /// A is null for a window reduction.
  mlir::Value a, b, c;
  mlir::AffineMap aMap, bMap, cMap;
  llvm::SmallVector<int64_t> ranges;
  int64_t n;
  std::optional<int64_t> m;
  llvm::SmallVector<int64_t> batch, reductions;
  /// An elementwise op that reads the result right after it is complete
  /// (an activation): applied to the registers before they are stored, to
  /// `epilogueOutput` instead of C.
  mutable mlir::linalg::GenericOp epilogue;
  mlir::Value epilogueOutput;
  /// When the epilogue reads C through a reshape (a flattened pointwise
  /// convolution's [C, H * W] seen as [C, H, W]), its other inputs, read
  /// element for element like C, seen with C's shape (input i + 1 of the
  /// epilogue is epilogueInputs[i], read at C's indices); empty otherwise.
  bool reshapedInputs = false;
  llvm::SmallVector<mlir::Value> epilogueInputs;
  /// The op that last wrote all of C before the contraction, when it is a
  /// fill or a broadcast (the bias): the kernel starts its registers from
  /// the fill value or from `prologueInput` read through `prologueMap` (in
  /// the contraction's dimensions) instead of from C.
  mlir::Operation *prologue = nullptr;
  mlir::Value prologueInput;
  mlir::AffineMap prologueMap;
  /// Distance between consecutive n in B's innermost dimension.
  int64_t bStride = 1;
  /// A reads along n too, as its own innermost index (a depthwise
  /// convolution along its channels: C[.., n] += A[.., n] * B[.., n]):
  /// each row loads vectors of A instead of broadcasting one element.
  bool aAlongN = false;
  /// An 8-bit product into int32: u8 x s8 with B packed [ceil(K/4), N, 4]
  /// and A read four k at a time (group 4: one AVX-512 VNNI dot product
  /// per vector), or the same values as 16-bit words, B packed
  /// [ceil(K/2), N, 2] and A read in pairs (group 2: one vpmaddwd).
  bool int8 = false;
  int64_t group = 4;
  /// Which operand is the unsigned one (A, or else B); group 4 only.
  bool aUnsigned = false;
  /// Where the epilogue's output goes instead when it was computed only to
  /// be copied into a strided view that splits its innermost dimension n
  /// into rows of `width` elements `pitch` apart (a pointwise
  /// convolution's flattened [C, H * W] result into the interior of the
  /// [C, H + 2, W + 2] buffer of the Pad that follows): the kernel stores
  /// each row there itself and the copy goes (findPitchedStore). `view` is
  /// the copy's target; `strides` its strides for C's other dimensions;
  /// `viewOps` the allocation and views that make it, in order, which move
  /// up to the kernel.
  struct PitchedStore {
    mlir::Operation *copy;
    mlir::Value view;
    int64_t width, pitch;
    llvm::SmallVector<int64_t> strides;
    llvm::SmallVector<mlir::Operation *> viewOps;
  };
  std::optional<PitchedStore> pitched;
};

/// Coefficients of a linear affine expression: one per dimension, then the
/// constant. None for anything else (mod, floordiv, symbols).
std::optional<llvm::SmallVector<int64_t>>
linearCoefficients(mlir::AffineExpr expr, unsigned numDims);

/// What a contraction's body computes: `out + a * b` (either operand
/// order) on f32, or for a window reduction (pooling: the second input
/// only gives the window its extent) `op(x, out)` with op addf, maximumf,
/// minimumf, or an integer max/min; none for anything else. On tensors or
/// buffers alike.
std::optional<Combiner> classifyBody(mlir::linalg::GenericOp op);

/// A static f32 contraction or window reduction on buffers (see
/// VectorizeContractions.cpp for the form), as the kernel runs it; when it
/// is not one, `whyNot` (if given) says why.
std::optional<Contraction> matchContraction(mlir::linalg::GenericOp op,
                                            std::string *whyNot = nullptr);

/// `acc + ext(a) * ext(b)` on i8 into i32, one extension unsigned and the
/// other signed, with B read through the packed map (k floordiv 4, n,
/// k mod 4): the form buildPackedInt8MatMul produces; or on i16, both
/// extensions signed, through (k floordiv 2, n, k mod 2), its form for
/// targets without a byte dot product.
std::optional<Contraction>
matchInt8Contraction(mlir::linalg::GenericOp op, std::string *whyNot = nullptr);

/// The fill or broadcast that initializes C before the contraction, with
/// nothing touching C in between (ops on other buffers may: the padding of
/// the contraction's input) and nothing writing what it reads there or up
/// to the epilogue (call findEpilogue first).
void findPrologue(Contraction &k);

/// An elementwise generic that reads the contraction's output and nothing
/// else, element for element, as the next op with memory effects, and is
/// the output's last reader; its body made of elementwise scalar ops.
void findEpilogue(Contraction &k);

/// The copy of a float epilogue's output, and nothing else, into a view
/// with its rows apart (see Contraction::PitchedStore), when the kernel can
/// store there instead: the view's ops may move up to the kernel, and what
/// runs in between touches none of the view's bytes (the Pad's border
/// fills write around them).
void findPitchedStore(Contraction &k);

/// The column packing of an int8 convolution (buildPackedInt8Conv's copy):
/// out[n, g, oh, ow, j] = x[..., oh*s + .., ow*s + ..] over
/// dims (n, g, j, oh, ow). Per (n, g, oh) and `lanes` outputs along ow:
/// four rows of x (j = 0..3; stride 1, or 2 by two loads and even bytes),
/// interleaved a0 b0 c0 d0 a1 b1 ... into one 4 * lanes-byte store (one
/// register of 32-bit lanes); or, where the copy extends each byte to 16
/// bits (out's last dimension 2), two rows extended and interleaved a0 b0
/// a1 b1 ... into one store of 2 * lanes words.
mlir::LogicalResult emitColumnPacking(mlir::linalg::GenericOp op,
                                      mlir::OpBuilder &b, bool parallel,
                                      int64_t lanes);

/// Writes the vector code of one contraction at the builder's insertion
/// point: loops over the batch dimensions and the register blocks, each
/// block walking the reduction dimensions (ContractionKernel.cpp) with one
/// step of float multiply-adds or window combines (ContractionSteps.cpp) or
/// of int8 dot products (ContractionInt8.cpp).
class KernelEmitter {
public:
  KernelEmitter(const Contraction &k, unsigned vectorBits, bool parallel,
                bool dot4 = true);

  void emit(mlir::OpBuilder &b);

private:
  /// Rows per register block for `nv` vectors per row: as many as the
  /// registers hold (at most 12), evened out so the last block is not tiny.
  int64_t rowBlock(int64_t mSize, int64_t nv);

  /// Loops over the batch dimensions `batch` from the i-th, outermost
  /// first, then `body`.
  void loops(mlir::OpBuilder &b, mlir::Location loc,
             llvm::ArrayRef<int64_t> batch, size_t i,
             llvm::function_ref<void(mlir::OpBuilder &)> body);

  /// `body(iv)` for iv in [lb, ub) by `step`; inline when it runs once.
  void forRange(mlir::OpBuilder &b, mlir::Location loc, int64_t lb, int64_t ub,
                int64_t step,
                llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> body,
                bool mayBeParallel = true);

  /// All rows of one column block: full blocks of `mr`, then the rest.
  void rows(mlir::OpBuilder &b, mlir::Location loc, int64_t mSize, int64_t mr,
            mlir::Value n0, int64_t nv, int64_t tailLanes);

  mlir::Value plus(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                   int64_t c);

  llvm::SmallVector<mlir::Value> indices(mlir::OpBuilder &b,
                                         mlir::Location loc,
                                         mlir::AffineMap map);

  mlir::Value mask(mlir::OpBuilder &b, mlir::Location loc, int64_t active);

  /// One register block: rows m0..m0+mr, vectors n0..n0+nv*lanes, the last
  /// vector cut to `tailLanes` lanes when that is not zero.
  void kernel(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m0,
              int64_t mr, mlir::Value n0, int64_t nv, int64_t tailLanes);

  /// The register block back to C (through the epilogue in the last
  /// reduction block).
  void store(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m0,
             int64_t mr, mlir::Value n0, int64_t nv, int64_t tailLanes,
             mlir::Value tailMask, llvm::ArrayRef<mlir::Value> sums);

  /// acc + the sums of adjacent products, per int32 lane, as plain vector
  /// ops (extend, multiply, reduce groups) that any target runs: of four
  /// u8 x s8 (smelt-cpu-select-vnni turns this exact form into one
  /// vpdpbusd late in the pipeline, where the target has it), of pairs of
  /// them into twice the lanes (pairSums), or of pairs of 16-bit words
  /// (one vpmaddwd). `u` is the unsigned operand of bytes.
  mlir::Value dot(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                  mlir::Value u, mlir::Value sgn);

  /// The int8 reduction: over groups of G k (four bytes or two words),
  /// NV vectors of the packed B, MR broadcasts of G elements of A, MR * NV
  /// dot products. A last group of fewer than G k reads A masked (B is
  /// zero there).
  llvm::SmallVector<mlir::Value>
  int8Reduction(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m0,
                int64_t mr, mlir::Value n0, int64_t nv, int64_t tailLanes,
                mlir::ValueRange acc, mlir::Value tailMask);

  /// One reduction step: NV vectors of B, MR broadcasts of A, MR * NV
  /// multiply-adds.
  llvm::SmallVector<mlir::Value>
  step(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m0, int64_t mr,
       mlir::Value n0, int64_t nv, int64_t tailLanes, mlir::ValueRange acc,
       mlir::Value zeros, mlir::Value tailMask, mlir::Value fullMask,
       mlir::Value strideIndices);

  /// `active` elements of B at stride 2 from `at`: two contiguous loads
  /// (masked so that nothing past the last element used is read) and a
  /// shuffle of their even lanes; cheaper than a gather.
  mlir::Value loadEvenLanes(mlir::OpBuilder &b, mlir::Location loc,
                            llvm::SmallVector<mlir::Value> at, int64_t active,
                            mlir::Value zeros);

  /// A vector of finished outputs at C's indices `at` (the last one n),
  /// `active` lanes of it, stored through the pitched view: n is row
  /// n / width, column n % width there, and a vector that runs past a row
  /// goes on at the next one, `pitch - width` elements further on (one
  /// masked store per row it touches).
  void storePitched(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                    llvm::ArrayRef<mlir::Value> at, mlir::Value tailMask);

  /// What the prologue would have written to C at the current block: its
  /// fill value, or its input read along n or broadcast.
  mlir::Value startValue(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::VectorType vectorType, mlir::Value tailMask,
                         mlir::Value zeros);

  /// The epilogue's body on a vector of finished outputs, which sit at C's
  /// indices `at`; its other inputs are read there (broadcast, or a vector
  /// along the innermost dimension, masked by `tailMask` when set).
  mlir::Value applyEpilogue(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, llvm::ArrayRef<mlir::Value> at,
                            mlir::Value tailMask);

  mlir::Value combine(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value acc);

  const Contraction &k;
  /// Whether the next loop of more than one iteration is scf.parallel.
  bool parallelPending;
  /// An int8 contraction's packed operand as [ceil(K/G), N * G].
  mlir::Value packedRows;
  /// The pitched view (Contraction::PitchedStore) as one dimension from
  /// its first element.
  mlir::Value pitchedRows;
  /// Reduction blocking: the block of the first reduction dimension the
  /// kernels being emitted cover (all of it when kBlockLength is 0), and
  /// whether it is the last one.
  static constexpr int64_t kBlock = 256;
  /// Bytes of an operand that stay in cache while a kernel walks its other
  /// loops: half of a 2 MB L2 (Xeons since Skylake-SP have 1-2 MB a core).
  static constexpr double kCacheBudget = 1 << 20;
  mlir::Value kBlockStart;
  int64_t kBlockLength = 0;
  bool firstBlock = true;
  bool finalBlock = true;
  int64_t lanes;
  int64_t registers;
  /// Whether int8 steps reduce each group of four bytes at once (a
  /// dot-product instruction does) or keep pair sums until the reduction
  /// ends. Groups of two words always reduce at once.
  bool fourWay;
  /// Whether each output keeps two pair sums (bytes without a four-way
  /// dot product).
  bool pairSums() const { return k.int8 && k.group == 4 && !fourWay; }
  /// The current value of each loop dimension while emitting.
  llvm::SmallVector<mlir::Value> dims;
};

} // namespace smelt::detail

#endif // SMELT_LIB_TARGET_CPU_CONTRACTIONKERNEL_H
