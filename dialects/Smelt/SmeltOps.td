//===- SmeltOps.td - Integer computation on quantized types ---*- tablegen -*-===//
//
// The integer form of a quantized model between fusion and the conversion
// to linalg: tensors carry upstream `!quant.uniform` element types (per
// tensor or per axis), contractions accumulate into int32 whose type says
// the accumulator's scale, and requantization is an op of its own. Upstream
// quant has casts only (qcast, dcast, scast), no arithmetic and no
// requantization, so these three ops are Smelt's.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_OPS_TD
#define SMELT_OPS_TD

include "SmeltDialect.td"

include "mlir/Dialect/Quant/IR/QuantBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Smelt_Op<string mnemonic, list<Trait> traits = []>
    : Op<Smelt_Dialect, mnemonic, traits>;

def Smelt_QuantizedTensor : RankedTensorOf<[quant_QuantizedType]>;

def Smelt_QuantizedConvOp : Smelt_Op<"quantized_conv", [Pure]> {
  let summary = "An integer convolution of quantized tensors into int32";
  let description = [{
    ONNX's Conv on the integers that quantized tensors store: the sum over
    each window of `(x - x_zero_point) * (w - w_zero_point)`, plus `bias`,
    in int32. The zero points are the operands' types', per tensor for `x`,
    per tensor or per output channel (axis 0) for `w`. The result's type is
    the accumulator's: i32 storage, zero point 0, scale `x_scale * w_scale`
    (per output channel, axis 1, when `w` is per channel); `bias`, when
    present, is a 1-D tensor of the same scales. The window attributes are
    ONNX Conv's (`kernel_shape`, `strides`, `pads`, `dilations`, `group`,
    `auto_pad`), for 1-D to 3-D windows.

    ```mlir
    %acc = smelt.quantized_conv(%x, %w, %b) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]}
        : (tensor<1x8x16x16x!quant.uniform<u8:f32, 0.05:128>>,
           tensor<4x8x3x3x!quant.uniform<i8:f32:0, {0.01, 0.02, 0.01, 0.03}>>,
           tensor<4x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3, 5.0e-4, 1.5e-3}>>)
        -> tensor<1x4x16x16x!quant.uniform<i32:f32:1, {5.0e-4, 1.0e-3, 5.0e-4, 1.5e-3}>>
    ```
  }];
  let arguments = (ins Smelt_QuantizedTensor:$x, Smelt_QuantizedTensor:$w,
                       Optional<Smelt_QuantizedTensor>:$bias,
                       OptionalAttr<I64ArrayAttr>:$kernel_shape,
                       OptionalAttr<I64ArrayAttr>:$strides,
                       OptionalAttr<I64ArrayAttr>:$pads,
                       OptionalAttr<I64ArrayAttr>:$dilations,
                       OptionalAttr<I64Attr>:$group,
                       OptionalAttr<StrAttr>:$auto_pad);
  let results = (outs Smelt_QuantizedTensor:$output);
  let assemblyFormat = [{
    `(` $x `,` $w (`,` $bias^)? `)` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Smelt_QuantizedMatMulOp : Smelt_Op<"quantized_matmul", [Pure]> {
  let summary = "An integer matrix product of quantized tensors into int32";
  let description = [{
    ONNX's MatMul (N-D, batch dimensions broadcast) on stored integers:
    `sum_k (a - a_zero_point) * (b - b_zero_point)` in int32. `a` is
    quantized per tensor, `b` per tensor or per column (its last axis). The
    result's type is the accumulator's: i32 storage, zero point 0, scale
    `a_scale * b_scale`, per column (the last axis) when `b`'s is.

    ```mlir
    %acc = smelt.quantized_matmul(%a, %b)
        : (tensor<64x32x!quant.uniform<u8:f32, 0.05:128>>,
           tensor<32x10x!quant.uniform<i8:f32:1, {0.01, ...}>>)
        -> tensor<64x10x!quant.uniform<i32:f32:1, {5.0e-4, ...}>>
    ```
  }];
  let arguments = (ins Smelt_QuantizedTensor:$a, Smelt_QuantizedTensor:$b);
  let results = (outs Smelt_QuantizedTensor:$output);
  let assemblyFormat = [{
    `(` $a `,` $b `)` attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Smelt_RequantizeOp : Smelt_Op<"requantize", [Pure]> {
  let summary = "One quantized type to another, rounding as ONNX does";
  let description = [{
    The values `input` stands for, stored in `output`'s type:
    `y = saturate(round_half_even((x - x_zero_point) * m) + y_zero_point)`
    with the multiplier `m = f32(x_scale) / f32(y_scale)` in f32, as ONNX
    Runtime's QLinearConv and QLinearMatMul compute it (an accumulator's
    scale is the exact product of two f32 scales, so `f32(x_scale)` is
    their f32 product). Either type may be per axis
    (then along the same axis, or one of them per tensor); both have the
    same shape and expressed type. Typically an int32 accumulator's type to
    8 bits.

    ```mlir
    %y = smelt.requantize %acc
        : tensor<1x4x16x16x!quant.uniform<i32:f32:1, {5.0e-4, 1.0e-3, 5.0e-4, 1.5e-3}>>
        -> tensor<1x4x16x16x!quant.uniform<u8:f32, 0.1:0>>
    ```
  }];
  let arguments = (ins Smelt_QuantizedTensor:$input);
  let results = (outs Smelt_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // SMELT_OPS_TD
