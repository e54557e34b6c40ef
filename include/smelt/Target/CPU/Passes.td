//===- Passes.td - Passes of the CPU target ----------------*- tablegen -*-===//

#ifndef SMELT_TARGET_CPU_PASSES_TD
#define SMELT_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPURecordSignaturePass
    : Pass<"smelt-cpu-record-signature", "::mlir::ModuleOp"> {
  let summary = "Record the model's inputs and outputs for the runtime";
  let description = [{
    Runs on the onnx-level module, before lowering changes the types: writes
    the entry function's inputs and outputs (ONNX names, element types with
    their sign, shapes with '?' for a dynamic dimension) as the module's
    `smelt.signature` string, and marks the entry function for a C
    interface. An unranked tensor is an error that names the input (fix its
    shape with smeltc's `--input-shape`).

    The signature is one line per tensor:
    `input<TAB>name<TAB>f32<TAB>1,3,224,224`.
  }];
}

def CPUConvertONNXToLinalgPass
    : Pass<"smelt-cpu-convert-onnx-to-linalg", "::mlir::ModuleOp"> {
  let summary = "convert-onnx-to-linalg with the CPU's int8 layouts";
  let description = [{
    The target-neutral conversion (convert-onnx-to-linalg), given the
    CPU's hooks for the integer contractions' accumulators
    (IntegerContractionHooks): QLinearConv, QLinearMatMul and
    MatMulInteger with constant signed 8-bit weights and zero weight zero
    points accumulate in the layouts of x86's dot-product instructions
    (VNNI): weights as
    [ceil(K/4), N, 4] (four consecutive k of a column together), a
    convolution's input windows packed as columns [N, G, ceil(K/4), OH*OW,
    4], the activations' zero point and the bias folded into the
    accumulator's start. Other ops, and these ops in other forms, take the
    neutral lowering.

    With `byte-dot-product=false` (targets without VNNI) the same layouts
    hold 16-bit words two k to a lane instead ([ceil(K/2), N, 2], columns
    [N, G, ceil(K/2), OH*OW, 2]), the activations extended to 16 bits:
    the products of a pair are what one vpmaddwd lane sums, exactly.
  }];
  let options = [
    Option<"byteDotProduct", "byte-dot-product", "bool", /*default=*/"true",
           "Pack bytes four k to a lane (the target has a byte dot product); "
           "otherwise 16-bit words two k to a lane">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def CPUFreeEarlyPass
    : Pass<"smelt-cpu-free-early", "::mlir::func::FuncOp"> {
  let summary = "Free each heap buffer right after its last use";
  let description = [{
    Runs after the buffer deallocation pipeline, which frees a function's
    heap buffers (those of dynamic size: static ones live in the planned
    workspace) at the end of their block. Moves each `memref.dealloc` of an
    allocation in the same block to just after the last op there that uses
    the buffer or anything derived from it (a view, a cast, any op with a
    memref result that takes it), so that a run holds only the buffers it
    still needs, not every intermediate of the model at once.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def CPUSplitNarrowMasksPass
    : Pass<"smelt-cpu-split-narrow-masks", "::mlir::func::FuncOp"> {
  let summary = "Masked byte and word accesses as unmasked pieces";
  let description = [{
    For targets without AVX-512BW, which have no masked load or store of
    8- or 16-bit elements (LLVM would move each active lane on its own).
    A one-dimensional `vector.maskedload` or `vector.maskedstore` of such
    elements whose mask is a constant prefix (its first p lanes, as the
    kernels' row ends are) becomes the unmasked `vector.load`s or
    `vector.store`s of p's power-of-two pieces, largest first (27 lanes:
    16, 8, 2 and 1); a load's other lanes keep its pass-through value.
    Other masks, and accesses of 32 bits and wider, stay as they are.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUElideCopiesPass
    : Pass<"smelt-cpu-elide-copies", "::mlir::func::FuncOp"> {
  let summary = "Compute a buffer that is only copied into a view of another "
                "in that view";
  let description = [{
    Bufferization computes a Concat's inputs in buffers of their own and
    copies each into its slice of the result; `buffer-results-to-out-params`
    hoists a result's allocation into the caller's buffer only when the
    function returns the allocation itself, so a result returned through
    reshapes (a Conv's output computed as `[N, G, C, H*W]` and returned as
    `[N, C, H, W]`) is copied at the end. This pass takes such copies away.

    For each `memref.copy` of the function's top block whose source is a
    static, identity-layout allocation of that block seen through dense
    views (`expand_shape`, `collapse_shape`, `reshape`, `cast`), and whose
    target is a view of another allocation of the block or of an argument,
    the allocation becomes the target seen through the source's views
    inverted, and the copy goes, when nothing can tell:
    * after the copy the allocation is only read, and nothing writes the
      part of the target's buffer the copy writes before the last of those
      reads;
    * from the allocation to the copy nothing touches that part, but a
      first write of the whole target's buffer from scalars alone (a Pad's
      fill), which moves up to before the allocation; each use is bounded
      by the `subview` of the buffer it goes through, and slices that do
      not intersect are apart;
    * every use of both buffers is a view, a linalg op, a load, store,
      transfer, copy, dim or deallocation (anything else may alias them).
    The target's buffer and views move up to the allocation where they came
    later. The uses take the new layout (a slice is strided): views get
    their types recomputed; a view that the layout cannot take (a collapse
    of dims that are not contiguous) leaves the copy as it is. A copy of a
    view onto the same view of the same buffer is erased.

    A result's buffer is then written while the inputs are still read: a
    caller's output buffers must not overlap its inputs (the runtime's and
    the Python module's never do).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def CPUFillBordersPass
    : Pass<"smelt-cpu-fill-borders", "::mlir::func::FuncOp"> {
  let summary = "Fill only the borders of a padded buffer";
  let description = [{
    A `tensor.pad` bufferizes to a fill of the whole padded buffer with the
    pad value, then a write of its interior (a copy of the unpadded input,
    or the producer computing into it where smelt-cpu-elide-copies let it).
    The interior's part of the fill is dead: for a 3x3 depthwise convolution
    on 48 channels of 112x112, the fill of the 114x114 buffer is a third of
    what the Pad costs.

    For each fill (`linalg.fill`, or a linalg op with no inputs and parallel
    loops that yields a value from outside) of a static, identity-layout
    buffer, this pass finds the first op after it in its block that uses
    the buffer or a view of it other than to make a view. When that op
    overwrites a unit-stride, static `subview` of the buffer (a
    `memref.copy` into it, or a linalg op whose one output it is, whose
    loops are all parallel, whose output map is a permutation and whose body
    does not read the output) and reads nothing else of the buffer, the fill
    becomes `linalg.fill`s of the slabs outside that subview: for each dim,
    the part before and the part after the interior, at the interior's
    extent in the dims before it and whole in the dims after.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def CPULowerCopiesPass
    : Pass<"smelt-cpu-lower-copies", "::mlir::func::FuncOp"> {
  let summary = "Copies as memcpy where their layouts allow, else loops";
  let description = [{
    A `memref.copy` between strided buffers would become a call to
    `memrefCopy` from MLIR's C runner utilities, which a compiled model does
    not link; between two contiguous buffers it becomes `llvm.memcpy`.
    So a copy contiguous on both sides (a Concat's input into its channels
    of the result) stays one `memref.copy`; one whose innermost dimensions
    are contiguous on both sides in runs of at least 64 elements (a row
    into a padded buffer's interior) becomes loops over the outer
    dimensions around a `memref.copy` of each run; any other (short rows,
    dynamic shapes) becomes a `linalg.copy`, loops down to the element.

    With `parallel`, a static copy of at least 2^15 elements (a Concat's
    or a Pad's, outside any parallel loop) runs as an `scf.parallel` over
    its outermost dimension of two or more, one copy of a slice per
    iteration, lowered as above.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Split large copies across threads">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect"];
}

def CPUPlanMemoryPass : Pass<"smelt-cpu-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Place intermediate buffers at fixed offsets of one workspace";
  let description = [{
    Runs after bufferization, before deallocation. Each static-shape
    `memref.alloc` at the top level of a public function, or at the top
    level of the body of a top-level `scf.for` (a loop over the batch),
    becomes a `memref.view` into a zero-initialized global workspace, at
    an offset that no buffer alive at the same time uses (largest first,
    lowest offset). Positions are counted with loop bodies flattened into
    the function's: a body's buffers live from their allocation to their
    last use along one iteration and share bytes with each other, and a
    function buffer a loop uses lives through the whole loop. Buffers
    that escape keep their allocation. The compiled function then calls no allocator, and a model
    library runs one call at a time.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def CPUChooseVectorDimPass
    : Pass<"smelt-cpu-choose-vector-dim", "::mlir::func::FuncOp"> {
  let summary = "Put the output dimension that fills vectors best innermost";
  let description = [{
    The contraction kernels vectorize along the output's innermost
    dimension: a convolution's output width in NCHW, 7 of 16 lanes on a
    7x7 map, read at a stride by a strided convolution.

    First, a pointwise convolution's rows become one: its 1x1 window loops
    are dropped (`linalg::dropUnitDims`) and the output's two innermost
    loops merged (`linalg::collapseOpIterationDims`) where every operand
    reads them as one contiguous run, so a 56x56 map runs 3136 outputs
    along the vectors.

    Then, for each f32
    contraction on tensors (`out + a * b`) with one constant input (the
    weights, through reshapes) and one computed input that reads the
    output's innermost dimension, this pass looks for another output
    dimension of at least one vector that only the constant reads (a
    convolution's output channels), as a plain index of the constant. A
    reduction of K multiply-adds at a share u of the lanes filled takes
    K / u lanes per output (u discounted for a stride along the innermost
    dimension: 0.7 at stride 2, 0.3 beyond). When the lanes saved beat
    `transpose-cost` (a 3x3 convolution of 32 channels on a 14x14 map
    saves 41; one of a single channel, 1.3) and the map is at most
    `max-plane` outputs per channel or its width fills at most 85% of the
    lanes (35 of 48 on a 35x35 map), the constant is
    transposed (`linalg.transpose`, which smelt-cpu-fold-constant-transposes
    does at compile time) to read that dimension innermost, the
    contraction writes its output with that dimension innermost, and an
    elementwise transpose back follows (fused by smelt-cpu-fuse-elementwise
    into the ops that read the result; the output's initial value, a bias,
    is transposed the same way). Where that dimension is a multiple of the
    kernel's column block (two vectors), it splits into tiles of one
    block, the tiles outermost in the constant: the kernel then streams
    one contiguous block of weights instead of a panel strided across all
    of them.

    The bounds are measured, not derived: the channel-innermost kernel
    wins 1.1-4.5x on maps of 7x7 to 28x28; on larger maps, where it reads
    the activations again for each tile of channels and the transpose back
    moves a large result, it wins only where the width leaves lanes empty
    (Zen 4, 3x3 convolutions of 64-192 channels: 35x35 1.26-1.36x, 50x50
    and 54x54 1.15-1.27x, 65x65 1.16x faster; 56x56 10% and 147x147 up to
    16% slower).

    ```mlir
    // Before: out[n, f, oh, ow], vectors along ow (7 lanes).
    %c = linalg.generic ... ins(%x, %w : tensor<1x512x9x9xf32>,
                                         tensor<512x512x3x3xf32>)
                            outs(%bias : tensor<1x512x7x7xf32>)
    // After: out[n, oh, ow, f], vectors along f; %wt is [c, kh, kw, f].
    %t = linalg.generic ... ins(%x, %wt ...) outs(%biasT : tensor<1x7x7x512xf32>)
    %c = linalg.generic {transpose back} ins(%t) -> tensor<1x512x7x7xf32>
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Vector register width in bits (f32 lanes: bits / 32)">,
    Option<"transposeCost", "transpose-cost", "double", /*default=*/"32",
           "What the transpose back costs per output, in vector lanes of "
           "multiply-adds (one lane: 1/32 of a cycle on two 16-lane FMA "
           "units)">,
    Option<"maxPlane", "max-plane", "int64_t", /*default=*/"1024",
           "The most outputs per channel (a map's height x width, per batch "
           "item and group) at which the change pays">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUFoldConstantTransposesPass
    : Pass<"smelt-cpu-fold-constant-transposes", "::mlir::func::FuncOp"> {
  let summary = "Transpose constant tensors at compile time";
  let description = [{
    Replaces `linalg.transpose` of an `arith.constant` or of a reshape of
    one (dense elements or a dense resource blob) by the transposed
    constant, so that Gemm's `transB` weights, the weights
    smelt-cpu-choose-vector-dim transposes and other transposed
    initializers cost nothing at run time.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CPUFuseElementwisePass
    : Pass<"smelt-cpu-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg ops without recomputing anything";
  let description = [{
    Upstream's elementwise fusion, with one rule added: a producer fuses
    into a consumer only when the consumer reads each of its elements once
    (the operand's indexing map is a permutation), and contractions are
    never reshaped. Fusing an activation into a matmul or convolution would
    recompute it for every output that reads it, and would hide the
    contraction from `smelt-cpu-vectorize-contractions`. And a producer
    that calls a transcendental (`math.exp`, `math.tanh`...) or divides
    does not fuse into a reduction: reductions other than contractions run
    as plain scalar loops, where each element would pay a libm call that
    the vectorized elementwise loops do as a polynomial on 16 lanes.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def CPUVectorizeContractionsPass
    : Pass<"smelt-cpu-vectorize-contractions", "::mlir::func::FuncOp"> {
  let summary = "Register-blocked vector code for f32 contractions on buffers";
  let description = [{
    Rewrites each bufferized `linalg.generic` whose body is `out + a * b`
    (f32) into loops over register blocks: an MR x NV*VL block of the
    output stays in vector registers while the kernel walks the reduction
    dimensions, broadcasting elements of the operand that does not depend
    on the output's innermost dimension and loading vectors of the one
    that does (a gather when a strided convolution reads it with a stride).
    MatMul, Gemm, batched products and direct convolutions all take this
    path; edges use shorter blocks and masked vectors. Other generics are
    left alone.

    The fill or broadcast that initializes the output starts the registers,
    and the elementwise op that reads the finished output (an activation,
    a residual added, a requantization) is applied to them before they are
    stored: two static windows of one buffer (a Pad's border fills and its
    interior) do not keep them apart. When that op's result is only copied
    into a view that splits the innermost dimension into rows `pitch`
    elements apart (a flattened pointwise convolution's [C, H * W] into a
    padded [C, H + 2, W + 2] interior), the kernel stores each row there
    with masked stores and the copy goes.

    Int8 products (smelt-cpu-convert-onnx-to-linalg's packed layouts) take
    the same kernels with dot-product steps: four bytes of k to an int32
    lane, or two 16-bit words where the conversion packed words (targets
    without a byte dot product: one vpmaddwd per vector, finished sums).
    A packed operand larger than the cache (a convolution's columns on a
    large map) is reduced in blocks of 16 of its rows, each over all
    columns, so that the kernel reads few streams of it at once.

    The outermost loop of each kernel that runs more than once becomes an
    `scf.parallel`: its iterations write disjoint blocks of the output;
    the last partial column block gets its own when it is worth it.
    Kernels of fewer than 2^18 multiply-adds stay sequential: an OpenMP
    region costs more than splitting them saves.
    With `explain-kernels`, every generic with a reduction that takes no
    kernel gets a remark saying why (at its location: the ONNX node), so
    that a slow model says which of its layers run as plain loops.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Vector register width in bits: 128, 256 or 512">,
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Make each kernel's outermost loop of more than one iteration an "
           "scf.parallel (which the CPU pipeline runs on OpenMP threads)">,
    Option<"explain", "explain-kernels", "bool", /*default=*/"false",
           "Remark on each contraction left without a vector kernel, with "
           "the reason (its location names the ONNX node)">,
    Option<"dot4", "byte-dot-product", "bool", /*default=*/"true",
           "The target has a four-way byte dot product (AVX-512 VNNI's "
           "vpdpbusd, which smelt-cpu-select-vnni selects): int8 kernels "
           "sum each group of four k at every step. Without it, bytes "
           "packed four to a lane keep sums of pairs (vpmaddwd's form, no "
           "shuffles) and add each output's pairs once, after the "
           "reduction (words packed two to a lane need no such pairs)">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUTabulatePass : Pass<"smelt-cpu-tabulate", "::mlir::func::FuncOp"> {
  let summary = "Compute constant parameter math, and 8-bit functions as tables";
  let description = [{
    On elementwise `linalg.generic` ops (tensors, static shapes):

    * ops of the body computed only from constant inputs and constants
      (a requantization's in_scale * w_scale / y_scale per channel) are
      evaluated at compile time into a new constant input;
    * the ops that compute the yielded value from one 8-bit value (a uint8
      input, or the result of a requantization) and constants alone become
      a `tensor.extract` from a constant table of 256 entries per point of
      the loop dims those constants vary along (a dequantize, HardSwish,
      requantize chain becomes one lookup). 8-bit results are tabulated as
      i32, which vector code gathers. Tables never vary along the innermost
      loop, and hold at most 1024 x 256 entries.

    Evaluation follows IEEE single precision op by op, as the code would
    compute it, so results do not change.
  }];
  let options = [
    Option<"minOps", "min-ops", "int64_t", /*default=*/"4",
           "Tabulate a function of an 8-bit value only when it takes at "
           "least this many ops">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUUnshareDestinationsPass
    : Pass<"smelt-cpu-unshare-destinations", "::mlir::func::FuncOp"> {
  let summary = "Give each op that writes into a tensor its own destination";
  let description = [{
    Runs last before bufferization. CSE merges equal values that several
    ops then write into as their destination (a DPS init, an
    `insert_slice`'s dest): every `tensor.empty` of one type, and the
    broadcast that starts each contraction where the parameters are equal
    (a model whose biases are all zero). One-shot bufferization then gives
    one writer the buffer and each other a copy of it, and computes later
    values in a buffer an earlier one was computed in, which keeps
    `smelt-cpu-elide-copies` from computing the earlier one in its
    consumer's buffer.

    Each use as a destination in the defining op's block, but the first,
    gets a copy of the op made just before the writer: of a `tensor.empty`
    (any use in its block), and of a linalg op that writes its result from scratch out of
    smaller values (no reduction, its destination not read: a fill, a
    broadcast). The memory plan shares bytes between buffers whose lifetimes
    do not overlap, so no memory is lost.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def CPUTileDynamicDimsPass
    : Pass<"smelt-cpu-tile-dynamic-dims", "::mlir::func::FuncOp"> {
  let summary = "Loop over dynamic dimensions so each op's body is static";
  let description = [{
    Runs on buffers, before the vector kernels. Structured ops whose one
    dynamic loop dimension is parallel and is dimension 0 of every buffer
    they index by it (a batch) run one batch element at a time: consecutive
    ones over the same batch (their buffers' sizes come from the same
    argument or allocation size; allocations, views and pure ops between
    them move past) share one `scf.for`, each op on views of one element,
    of static shape, one view per buffer and iteration (a reshape keeping
    dimension 0 alone is applied to the element's view; a subview keeping
    dimension 0 whole, as a Pad's border fills and interior copy write, is
    the same window of the element). A batch buffer that only the loop's
    ops use (through views, or memref.dim) becomes one element's buffer,
    allocated in the loop where it is first used: static, so
    smelt-cpu-plan-memory places it and shares its bytes along an
    iteration, and one image's layers run on a working set as small as a
    batch of one's. The kernels for static shapes take them, and a
    contraction's fill and activation, next to it in the loop, still fuse
    into its kernel. A run never holds an op that uses a buffer the run
    writes other than one element an iteration, the same element as the
    writer (read whole, or through a view that does not keep elements,
    such as a subview of one element or a transpose): such an op starts
    a run of its own. With `static-batch-bytes` (the CPU pipeline sets 32
    MB) a static batch, the entry function's first input's dimension 0
    when it is 2 or more, goes the same way in each run whose largest batch buffer is
    larger than that: layer by layer over the whole batch its activations
    would stream through memory (mobilenet_v2 at batch 64: 899 -> 368 ms).
    Any other op with dynamic
    parallel dimensions is tiled by 1 along them (linalg's tiling); one
    with a dynamic reduction dimension stays as it is (scalar loops).

    With `explain-kernels`, each op left as it is gets a remark saying why.
  }];
  let options = [
    Option<"explain", "explain-kernels", "bool", /*default=*/"false",
           "Remark on each op with dynamic dimensions left untiled, with "
           "the reason">,
    Option<"staticBatchBytes", "static-batch-bytes", "int64_t",
           /*default=*/"0",
           "Also run a static batch (the first input's dimension 0, 2 or "
           "more) one element at a time, in the runs whose largest batch "
           "buffer exceeds this many bytes (0: never)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::affine::AffineDialect"];
}

def CPUVectorizeElementwisePass
    : Pass<"smelt-cpu-vectorize-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Vector loops for elementwise ops on buffers";
  let description = [{
    Rewrites each bufferized elementwise `linalg.generic` and `linalg.fill`
    (static shapes, a body of elementwise arith and math ops, unit-stride
    output) into loops whose innermost one runs in
    vectors: each input is loaded whole along that loop, broadcast from one
    element when it does not vary along it, or, when it is read at
    `i floordiv k` (a nearest Resize by an integer factor, fused with the
    ops that read its result), loaded VL/k elements at a time with each
    repeated k times by a shuffle. The body runs on vectors; the last
    partial vector (or a whole row shorter than a vector: a 14x14 map, a
    Pad's border column) runs as one masked vector when every input is
    read whole or broadcast and the body divides no integers, as scalars
    otherwise. LLVM's loop vectorizer leaves the
    upsampled reads scalar, and loops it cannot prove free of aliasing
    (every intermediate value lives in one workspace). An input read
    transposed (contiguous along another loop of the output) is loaded as
    VL x VL tiles, transposed in registers with log2(VL) rounds of
    shuffles.

    Reductions vectorize too. An innermost reduction loop (the body folds
    each element into the output with one combining op: add, mul, max,
    min, and, or, xor) runs as a vector accumulator started from the
    combining op's neutral element, folded once per output point by
    `vector.reduction` (reassociating, for floats) into the stored value,
    with a scalar tail. A reduction over an outer loop keeps the innermost
    parallel loop in vectors: each output vector is loaded, combined and
    stored, inputs read transposed as tiles whose rows go in order (no
    reassociation). An innermost reduction whose output runs along
    another loop that an input reads across the reduced one (a global
    pooling of a [HW, C] result) first swaps that loop innermost and runs
    as an outer reduction. Inputs read transposed are declined in
    innermost reductions.

    With `parallel`, the outermost loop of more than one iteration of an
    op writing at least 2^15 elements (each row counted as at least a
    cache line's 16) becomes an `scf.parallel`.

    With `explain-kernels`, each elementwise or reduction generic left
    scalar gets a remark saying why.
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Vector register width in bits: 128, 256 or 512">,
    Option<"parallel", "parallel", "bool", /*default=*/"true",
           "Split large ops' outermost loop across threads (an "
           "scf.parallel, which the CPU pipeline runs on OpenMP threads)">,
    Option<"explain", "explain-kernels", "bool", /*default=*/"false",
           "Remark on each elementwise generic left scalar, with the reason">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUSelectVNNIPass : Pass<"smelt-cpu-select-vnni", "::mlir::func::FuncOp"> {
  let summary = "Four-way u8 x s8 dot products to AVX-512 VNNI";
  let description = [{
    Rewrites the int8 kernels' portable dot product (extend, multiply,
    reduce groups of four into an int32 lane: 64 bytes into 16 lanes) into
    one `llvm.x86.avx512.vpdpbusd.512` call. Runs late (after buffer
    deallocation, which cannot see through intrinsic calls), and only for
    processors with AVX-512 VNNI.

    With `byte-tables` (processors with AVX-512 VBMI), a 16-lane gather
    from a constant 256-entry table of byte values, indexed by bytes and
    truncated to bytes (smelt-cpu-tabulate's lookups in kernel epilogues),
    becomes two `llvm.x86.avx512.vpermi2var.qi.512` shuffles over the
    table's quarters and a select on the index's top bit.
  }];
  let options = [
    Option<"byteTables", "byte-tables", "bool", /*default=*/"false",
           "Rewrite byte table gathers into vpermi2b (needs AVX-512 VBMI)">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUApproximateMathPass
    : Pass<"smelt-cpu-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "f32 exp, log, tanh and erf as polynomials on vectors";
  let description = [{
    LLVM has no vector exp, log, tanh or erf on x86: it splits a vector
    call into one libm call per lane (16 calls for an AVX-512 sigmoid).
    This rewrites the f32 ones, scalar and vector (exp, expm1, log, log1p,
    log2, tanh, erf), into upstream's polynomial approximations
    (`populateMathPolynomialApproximationPatterns`: range reduction and
    Cephes/Eigen-style polynomials, within a few ulp; infinities and NaNs
    kept), which vectorize like any arithmetic. Sigmoid, SiLU, softmax,
    GELU and tanh then run at vector speed.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def CPUProfileKernelsPass
    : Pass<"smelt-cpu-profile-kernels", "::mlir::ModuleOp"> {
  let summary = "Time each kernel of the entry function (smeltc --profile)";
  let description = [{
    Runs on loops, before the parallel ones become OpenMP regions. The entry
    function's top-level work (loop nests, conditionals, copies, calls) is
    cut into kernels: each maximal run of such ops that come from one ONNX
    node (the first name in the op's location; ops with none belong to
    `(graph)`, the copies into the outputs). A top-level `scf.for` around
    the work of several nodes (the general code's loop over a dynamic batch,
    one image's layers per iteration) is cut the same way inside, its
    kernels adding to their slots at every iteration. Each kernel reads the monotonic
    clock (`clock_gettime`) before and after, and adds the nanoseconds to
    its slot of the exported array `smelt_profile_ns`; a node that owns
    several kernels shares one slot. The library also exports
    `smelt_profile_runs` (calls of the entry function),
    `smelt_profile_count` and `smelt_profile_names` (the nodes' names, one
    per line), which the runtime reads (smelt_model_profile).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CPUOutlineKernelsPass
    : Pass<"smelt-cpu-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Give each loop nest of the entry function a function of its own";
  let description = [{
    Runs on loops, before the parallel ones become OpenMP regions. Each
    top-level op of the entry function that holds regions (a kernel's loop
    nest, a conditional), or each such op inside a top-level loop over the
    layers of one image (the general code's loop over a dynamic batch,
    which stays in the entry), moves into a private function named after the
    ONNX node it comes from (`smelt_kernel_<node>_<n>`), marked noinline
    and internal, and is replaced by a call. What the kernel reads from
    outside is recomputed inside when it is pure and built from constants,
    globals and views of them (so loop bounds, shapes and workspace
    offsets stay constants the code generator sees); the rest (the entry's
    arguments, buffers allocated at run time, results of other ops) become
    arguments.

    LLVM then optimizes and generates code one kernel at a time instead of
    one function as large as the model, whose loop analyses grow faster
    than linearly with its size; profilers see the kernels by name.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def CPUEmitShapeFunctionPass
    : Pass<"smelt-cpu-emit-shape-function", "::mlir::ModuleOp"> {
  let summary = "Compute the outputs' dynamic dimensions from the inputs'";
  let description = [{
    Runs on linalg on tensors, after the conversion from onnx. When an
    output of the entry function has dimensions known only at run time, adds
    `@smelt_shapes`: the entry function's arguments in, a `tensor<Kxi64>`
    of those dimensions out (outputs in order, each one's dynamic dimensions
    in order), with every computation that does not decide a size removed
    (resolved through `tensor.dim` of each op's result). The runtime calls
    it to size the outputs before each run at new shapes.

    An output whose size depends on values computed at run time (not only
    on the inputs' sizes) is an error naming the output and the node.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CPUEmitEntryPointPass
    : Pass<"smelt-cpu-emit-entry-point", "::mlir::ModuleOp"> {
  let summary = "Add the runtime's entry point and signature to an LLVM-dialect module";
  let description = [{
    Runs last, on the LLVM dialect. Adds
    `void smelt_run(void **buffers, const int64_t *dims)`, which builds a
    memref descriptor for each buffer (inputs, then outputs, as the
    signature lists them) and calls the entry function's C interface, and
    the NUL-terminated global `smelt_model_signature` that the runtime reads
    when it loads the library. `dims` holds every tensor's shape, one after
    the other in the same order; the descriptors read the dimensions the
    signature writes '?' from it. When the module has `@smelt_shapes`, adds
    `void smelt_output_shapes(const int64_t *dims, int64_t *out)`: the
    inputs' shapes in, the outputs' dynamic dimensions out. Defines the
    generic allocation functions of MLIR's memref lowering
    (`_mlir_memref_to_llvm_alloc/_free`) as calls to the allocator the
    runtime binds with `smelt_bind_allocator(context, alloc, free)` (its
    cache of blocks, reused from run to run), malloc and free until it does.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CPULinkSpecializationsPass
    : Pass<"smelt-cpu-link-specializations", "::mlir::ModuleOp"> {
  let summary = "Link code specialized for fixed shapes into the general code, dispatched by shape";
  let description = [{
    Runs on an LLVM-dialect module that went through the CPU pipeline (the
    general code, with dynamic dimensions) and holds, as nested
    `builtin.module`s, the same model lowered at fixed shapes (`smeltc
    --input-shape` on a model whose inputs have dimensions known only at
    run time). Each nested module must have the same tensors as the outer
    one, with sizes where the outer one has '?'.

    The nested modules' definitions move into the outer module under the
    prefix `smelt_s<N>_`, local to the library; their declarations merge
    with the outer module's. `smelt_run` becomes a dispatcher: a call whose
    dimensions match a specialization's fixed sizes runs that code, any
    other call the general code. `smelt_bind_allocator` binds every
    variant's allocator. The outer module's signature and
    `smelt_output_shapes` serve all shapes. A profile table
    (`--profile`) becomes one table with one slot per node, which ever
    variant ran it.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // SMELT_TARGET_CPU_PASSES_TD
