// RUN: smelt-opt %s --split-input-file --smelt-quantize-static | FileCheck %s
// RUN: smelt-opt %s --split-input-file --smelt-quantize-static=per-channel=false | FileCheck %s --check-prefix=TENSOR
// RUN: smelt-opt %s --split-input-file --smelt-quantize-static=exclude=Gemm | FileCheck %s --check-prefix=EXCLUDED

// A Gemm whose input, output (through its Relu) are calibrated: QDQ pairs
// at uint8 with scale (high - low) / 255 and zero point round(-low /
// scale), int8 weights per output channel (max |w| / 127), an int32 bias at
// x_scale * w_scale. The calibration attributes are consumed.
// [-1, 3]: scale 4/255 = 0.0156862754, zero point 64; [0, 2.55]: 0.01, 0.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: smelt.calibration
// CHECK-DAG: %[[XS:.*]] = onnx.Constant() {value = dense<0.0156862754> : tensor<f32>}
// CHECK-DAG: %[[XZ:.*]] = onnx.Constant() {value = dense<64> : tensor<ui8>}
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%{{.*}}, %[[XS]], %[[XZ]])
// CHECK: %[[DQ:.*]] = onnx.DequantizeLinear(%[[Q]], %[[XS]], %[[XZ]])
// CHECK-DAG: %[[WQ:.*]] = onnx.Constant() {onnx.name = "w_quantized", value = dense<{{\[\[}}127, -127], [64, 127]]> : tensor<2x2xi8>}
// CHECK-DAG: %[[WS:.*]] = onnx.Constant() {onnx.name = "w_scale", value = dense<[0.0157480314, 0.0314960629]> : tensor<2xf32>}
// CHECK: %[[W:.*]] = onnx.DequantizeLinear(%[[WQ]], %[[WS]], %{{.*}}) : (tensor<2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2xf32>
// CHECK: %[[B:.*]] = onnx.DequantizeLinear(%{{.*}}, %{{.*}}, %{{.*}}) {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
// CHECK: %[[Y:.*]] = onnx.Gemm(%[[DQ]], %[[W]], %[[B]])
// CHECK: %[[R:.*]] = onnx.Relu(%[[Y]])
// CHECK: onnx.QuantizeLinear(%[[R]]
// TENSOR-LABEL: func @main_graph
// TENSOR: onnx.Constant() {onnx.name = "w_scale", value = dense<0.0314960629> : tensor<f32>}
// EXCLUDED-LABEL: func @main_graph
// EXCLUDED-NOT: onnx.QuantizeLinear
// EXCLUDED-NOT: smelt.calibration
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "x", smelt.calibration = #smelt.calibration<low = -1.0, high = 3.0, min = -1.0, max = 3.0, elements = 2>}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {onnx.name = "w", value = dense<[[2.0, -4.0], [1.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %b = onnx.Constant() {onnx.name = "b", value = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = onnx.Gemm(%x, %w, %b) {smelt.calibration = [#smelt.calibration<low = -2.0, high = 2.55, min = -2.0, max = 2.55, elements = 2>]} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32> loc("fc")
  %1 = onnx.Relu(%0) {smelt.calibration = [#smelt.calibration<low = 0.0, high = 2.55, min = 0.0, max = 2.55, elements = 2>]} : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("relu")
  return %1 : tensor<1x2xf32>
}

// -----

// Without a calibrated input the layer stays float.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: onnx.QuantizeLinear
// CHECK: onnx.Gemm
func.func @main_graph(%x: tensor<1x2xf32> {onnx.name = "x"}) -> tensor<1x2xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = onnx.Gemm(%x, %w) {smelt.calibration = [#smelt.calibration<low = 0.0, high = 2.0, min = 0.0, max = 2.0, elements = 2>]} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Weights computed at run time: float.
// CHECK-LABEL: func @main_graph
// CHECK-NOT: onnx.QuantizeLinear
func.func @main_graph(%x: tensor<1x2xf32> {smelt.calibration = #smelt.calibration<low = 0.0, high = 1.0, min = 0.0, max = 1.0, elements = 2>}, %w: tensor<2x2xf32>) -> tensor<1x2xf32> {
  %0 = onnx.MatMul(%x, %w) {smelt.calibration = [#smelt.calibration<low = 0.0, high = 2.0, min = 0.0, max = 2.0, elements = 2>]} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
