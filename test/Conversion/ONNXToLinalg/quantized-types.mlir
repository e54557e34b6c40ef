// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg=named-ops=false | FileCheck %s
// RUN: smelt-opt %s --split-input-file --smelt-cpu-convert-onnx-to-linalg | FileCheck %s --check-prefix=CPU

// Smelt's integer ops on !quant.uniform tensors lower with the scales and
// zero points read from the types: function arguments and results become
// their signless storage, quant.scast and tensor.bitcast vanish.

// A per-channel requantization: the multiplier f32(acc_scale) / f32(y_scale)
// = [0.125, 0.0625] / 0.1 = [1.25, 0.625] is a constant, rounded half to
// even, saturated to uint8 (no zero point to add: it is 0).
// CHECK-LABEL: func @requantize_per_channel(%arg0: tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xi8>
// CHECK-DAG: %[[M:.*]] = arith.constant dense<[1.250000e+00, 6.250000e-01]> : tensor<2xf32>
// CHECK: linalg.generic
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: arith.mulf
// CHECK: math.roundeven
// CHECK-NOT: arith.addf
// CHECK: arith.constant 2.550000e+02 : f32
// CHECK: arith.fptoui %{{.*}} : f32 to i8
func.func @requantize_per_channel(%acc: tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1>> {
  %y = smelt.requantize %acc : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1>>
}

// -----

// To int8 with the zero point -3: added in f32, saturated to [-128, 127].
// CHECK-LABEL: func @requantize_signed(%arg0: tensor<4xi32>) -> tensor<4xi8>
// CHECK-DAG: arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK-DAG: arith.constant dense<-3> : tensor<i8>
// CHECK: math.roundeven
// CHECK: arith.sitofp %{{.*}} : i8 to f32
// CHECK: arith.addf
// CHECK: arith.constant -1.280000e+02 : f32
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @requantize_signed(%acc: tensor<4x!quant.uniform<i32:f32, 0.5>>) -> tensor<4x!quant.uniform<i8:f32, 2.0:-3>> {
  %y = smelt.requantize %acc : tensor<4x!quant.uniform<i32:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 2.0:-3>>
  return %y : tensor<4x!quant.uniform<i8:f32, 2.0:-3>>
}

// -----

// From uint8 with zero point 128: the input is centred in int32 first.
// CHECK-LABEL: func @requantize_8bit(%arg0: tensor<4xi8>) -> tensor<4xi8>
// CHECK-DAG: arith.constant dense<-128> : tensor<i8>
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: math.roundeven
func.func @requantize_8bit(%x: tensor<4x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<4x!quant.uniform<i8:f32, 0.25>> {
  %y = smelt.requantize %x : tensor<4x!quant.uniform<u8:f32, 0.5:128>> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.25>>
}

// -----

// A convolution: the input centred on its type's zero point 128, the
// weights (zero point 0) only widened, the int32 convolution over the
// model's own shapes, starting from the bias. With constant weights the
// CPU's conversion packs them for its dot-product kernels instead.
// CHECK-LABEL: func @conv(%arg0: tensor<1x1x2x2xi8>) -> tensor<1x2x2x2xi32>
// CHECK-DAG: arith.constant dense<-128> : tensor<i8>
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.extsi
// CHECK-NOT: arith.subi
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK-NOT: quant.
// CPU-LABEL: func @conv
// CPU-DAG: arith.constant dense<{{.*}}> : tensor<1x2x4xi8>
// CPU-DAG: tensor.empty() : tensor<1x1x2x2x4xi8>
func.func @conv(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> {
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %b = onnx.Constant() {value = dense<[4, -8]> : tensor<2xi32>} : () -> tensor<2xi32>
  %wq = quant.scast %w : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %bq = quant.scast %b : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>
  %acc = smelt.quantized_conv(%x, %wq, %bq) {kernel_shape = [1, 1]} : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.5:128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.25, 0.125}>>, tensor<2x!quant.uniform<i32:f32:0, {0.125, 0.0625}>>) -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  return %acc : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
}

// -----

// A product of a uint8 tensor (reached through tensor.bitcast from ONNX's
// ui8) and constant weights: centred, multiplied in int32; the CPU packs
// the weights four k to a lane.
// CHECK-LABEL: func @matmul(%arg0: tensor<2x3xi8>) -> tensor<2x2xi32>
// CHECK-NOT: tensor.bitcast
// CHECK-DAG: arith.constant dense<10> : tensor<i8>
// CHECK: arith.extui
// CHECK: arith.subi
// CHECK: arith.muli
// CPU-LABEL: func @matmul
// CPU: arith.constant dense<{{.*}}> : tensor<1x2x4xi8>
func.func @matmul(%a: tensor<2x3xui8>) -> tensor<2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> {
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %wq = quant.scast %w : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.125}>>
  %ai = tensor.bitcast %a : tensor<2x3xui8> to tensor<2x3xi8>
  %aq = quant.scast %ai : tensor<2x3xi8> to tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>
  %acc = smelt.quantized_matmul(%aq, %wq) : (tensor<2x3x!quant.uniform<u8:f32, 0.5:10>>, tensor<3x2x!quant.uniform<i8:f32:1, {0.25, 0.125}>>) -> tensor<2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
  return %acc : tensor<2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>
}

// -----

// quant.dcast per column: (x - 0) * scale, the scales a constant.
// CHECK-LABEL: func @dcast(%arg0: tensor<2x2xi32>) -> tensor<2x2xf32>
// CHECK-DAG: arith.constant dense<[1.250000e-01, 6.250000e-02]> : tensor<2xf32>
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK-NOT: arith.subf
// CHECK: arith.mulf
func.func @dcast(%acc: tensor<2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>>) -> tensor<2x2xf32> {
  %y = quant.dcast %acc : tensor<2x2x!quant.uniform<i32:f32:1, {0.125, 0.0625}>> to tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// quant.qcast to uint8 with zero point 3: x / 0.5, rounded half to even,
// plus 3, saturated.
// CHECK-LABEL: func @qcast(%arg0: tensor<4xf32>) -> tensor<4xi8>
// CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: arith.constant dense<3> : tensor<i8>
// CHECK: arith.divf
// CHECK: math.roundeven
// CHECK: arith.uitofp
// CHECK: arith.addf
// CHECK: arith.fptoui
func.func @qcast(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  %y = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %y : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}
