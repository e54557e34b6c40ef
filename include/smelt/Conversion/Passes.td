//===- Passes.td - Smelt's conversions ---------------------*- tablegen -*-===//

#ifndef SMELT_CONVERSION_PASSES_TD
#define SMELT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertONNXToLinalgPass : Pass<"convert-onnx-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower the onnx dialect to linalg, tensor, arith and math";
  let description = [{
    Rewrites every onnx op into upstream compute dialects on tensors:
    elementwise ops (with ONNX's multidirectional broadcasting) become
    `linalg.generic`, MatMul and Gemm become matmul-shaped `linalg.generic`s
    or named ops, shape ops become `tensor` ops, constants `arith.constant`.
    Unsigned ONNX element types become signless integers; ops whose meaning
    depends on the sign (division, comparison, casts) read it from the onnx
    op before conversion.

    Contractions become upstream's named ops where one fits: 2-D MatMul
    and Gemm `linalg.matmul`, batched products of one batch dimension
    `linalg.batch_matmul`, convolutions `linalg.conv_{1,2,3}d_nc*_fc*`,
    grouped 2-D ones `linalg.conv_2d_ngchw_gfchw`, depthwise ones
    `linalg.depthwise_conv_*_nc*_c*`, float 1-D and 2-D pooling
    `linalg.pooling_nc{w,hw}_{max,sum}`; integer contractions take centred
    int32 operands (`x - zero_point` explicit before them). Anything else,
    broadcasting products included, is a `linalg.generic`. Nothing in the
    output has a target's layout. With `named-ops=false` every contraction
    is a generic whose outputs' innermost dimension iterates last (the CPU
    target's form).

    The conversion is partial only in name: an onnx op that has no lowering
    (or a form the lowering does not handle, such as unknown shapes) is an
    error naming the op.

    ```mlir
    %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    // becomes
    %0 = linalg.generic {indexing_maps = [(d0, d1) -> (d0, d1), (d0, d1) -> (d1), ...]}
    ```
  }];
  let options = [
    Option<"namedOps", "named-ops", "bool", /*default=*/"true",
           "Contractions as named linalg ops where one fits (else generics)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ONNXQDQToQuantPass : Pass<"onnx-qdq-to-quant", "::mlir::func::FuncOp"> {
  let summary = "Write QDQ pairs with upstream !quant.uniform types";
  let description = [{
    Quantized values in upstream's quant dialect: each
    DequantizeLinear(QuantizeLinear(x)) with constant parameters becomes
    `quant.dcast(quant.qcast(x))` through a tensor of
    `!quant.uniform<u8:f32, scale:zero_point>` (or `i8`; per axis,
    `!quant.uniform<i8:f32:axis, {s0:z0, ...}>`), and each
    DequantizeLinear of constant int8 weights `quant.dcast(quant.scast(w))`.
    What other tools read as QDQ, they read here as types; QDQ pairs whose
    integers other ops read (fused integer ops) stay as they are.
    `quant-to-onnx-qdq` writes the QDQ form back, which the CPU pipeline
    takes.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::smelt::onnx::ONNXDialect"];
}

def QuantToONNXQDQPass : Pass<"quant-to-onnx-qdq", "::mlir::func::FuncOp"> {
  let summary = "Write upstream quant casts back as ONNX QDQ ops";
  let description = [{
    The inverse of `onnx-qdq-to-quant`: `quant.dcast(quant.qcast(x))`
    becomes DequantizeLinear(QuantizeLinear(x)) and
    `quant.dcast(quant.scast(w))` DequantizeLinear(w), with the types'
    scales and zero points (and axis) as constants.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::smelt::onnx::ONNXDialect"];
}

def ConvertONNXQLinearToQuantPass
    : Pass<"convert-onnx-qlinear-to-quant", "::mlir::func::FuncOp"> {
  let summary = "ONNX's integer operators as integer ops on !quant.uniform types";
  let description = [{
    QLinearConv and QLinearMatMul (what `smelt-fuse-qdq` writes, or what a
    model exported in ONNX's QOperator form holds) with constant scales and
    zero points become an int32 contraction on quantized tensors and an
    explicit requantization:

    ```mlir
    %y = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b) ...
    // becomes
    %acc = smelt.quantized_conv(%xq, %wq, %bq) {...}
        : (tensor<..x!quant.uniform<u8:f32, 0.5:128>>,
           tensor<..x!quant.uniform<i8:f32:0, {0.25, 0.125}>>,
           tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>)
        -> tensor<..x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
    %yq = smelt.requantize %acc : ... -> tensor<..x!quant.uniform<u8:f32, 0.1:0>>
    ```

    The scales and zero points are the types' from here on; the operands
    and result cross between ONNX's integers and the quantized types
    through `tensor.bitcast` (uint8 to the signless storage) and
    `quant.scast`, which fold away between two converted ops. Ops whose
    parameters are known only at run time keep their onnx form (and its
    lowering); each pattern that declines says why.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::tensor::TensorDialect",
                           "::smelt::SmeltDialect",
                           "::smelt::onnx::ONNXDialect"];
}

#endif // SMELT_CONVERSION_PASSES_TD
