// RUN: smelt-opt %s --split-input-file --smelt-fuse-qdq | FileCheck %s

// Hand-written QDQ functions, one fusion or one reason not to fuse each;
// every function is @main_graph and the labels tell them apart by their
// input's onnx.name. A function that does not fuse keeps its float op,
// and its QuantizeLinear still reads it. The DequantizeLinears that a
// fusion leaves unread stay (onnx ops carry no side-effect traits), so
// the checks follow uses, not the absence of DequantizeLinear.

//===----------------------------------------------------------------------===//
// Q(Conv(DQ(x), DQ(w), DQ(b))) -> QLinearConv
//===----------------------------------------------------------------------===//

// Conv with per-channel weights, an int32 bias at x_scale * w_scale
// (0.5 * [0.25, 0.125] = [0.125, 0.0625]) and a Relu whose QuantizeLinear
// has the uint8 zero point 0 (the integer clamp is the Relu): one
// QLinearConv on the integers, the Conv's attributes kept.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_x"})
// CHECK-DAG: %[[XS:.*]] = onnx.Constant() {value = dense<5.000000e-01> : tensor<f32>}
// CHECK-DAG: %[[XZ:.*]] = onnx.Constant() {value = dense<128> : tensor<ui8>}
// CHECK-DAG: %[[W:.*]] = onnx.Constant() {value = dense<{{\[\[\[\[}}1]]], {{\[\[\[}}-2]]]]> : tensor<2x1x1x1xi8>}
// CHECK-DAG: %[[WS:.*]] = onnx.Constant() {value = dense<[2.500000e-01, 1.250000e-01]> : tensor<2xf32>}
// CHECK-DAG: %[[WZ:.*]] = onnx.Constant() {value = dense<0> : tensor<2xi8>}
// CHECK-DAG: %[[B:.*]] = onnx.Constant() {value = dense<[4, -8]> : tensor<2xi32>}
// CHECK-DAG: %[[YS:.*]] = onnx.Constant() {value = dense<1.000000e-01> : tensor<f32>}
// CHECK-DAG: %[[YZ:.*]] = onnx.Constant() {value = dense<0> : tensor<ui8>}
// CHECK: %[[Y:.*]] = onnx.QLinearConv(%arg0, %[[XS]], %[[XZ]], %[[W]], %[[WS]], %[[WZ]], %[[YS]], %[[YZ]], %[[B]]) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<ui8>, tensor<2xi32>) -> tensor<1x2x2x2xui8>
// CHECK-NOT: onnx.Conv(
// CHECK-NOT: onnx.Relu
// CHECK-NOT: onnx.QuantizeLinear
// CHECK: return %[[Y]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<[4, -8]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = onnx.Constant() {value = dense<[0.125, 0.0625]> : tensor<2xf32>} : () -> tensor<2xf32>
  %bz = onnx.Constant() {value = dense<0> : tensor<2xi32>} : () -> tensor<2xi32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<0> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %c = onnx.Conv(%dx, %dw, %db) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %r = onnx.Relu(%c) : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%r, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// Conv without a bias, one weight scale: QLinearConv without B.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_no_bias_x"})
// CHECK: %[[Y:.*]] = onnx.QLinearConv(%arg0, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,)]*}}) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
// CHECK: return %[[Y]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_no_bias_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<2x1x1x1xi8>, tensor<f32>, tensor<i8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// Weights with a non-zero zero point (QLinearConv's integer kernels take
// symmetric weights only): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_weight_zero_point_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_weight_zero_point_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<[0, 3]> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// Weights dequantized without a zero point (QLinearConv needs one): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_no_weight_zero_point_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_no_weight_zero_point_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// Weights computed at run time (an int8 argument): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_runtime_weights_x"}
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_runtime_weights_x"}, %w: tensor<2x1x1x1xi8>) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// Weight scales per axis 1 (input channels) instead of per output channel:
// float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2x2x2xui8> {onnx.name = "conv_weight_axis_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x2x2x2xui8> {onnx.name = "conv_weight_axis_x"}) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]], [[-2]]]]> : tensor<1x2x1x1xi8>} : () -> tensor<1x2x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x2x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 1 : i64} : (tensor<1x2x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<1x2x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// Activations quantized per axis (a scale and zero point per channel;
// QLinearConv takes one per tensor): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2x2x2xui8> {onnx.name = "conv_per_axis_input_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x2x2x2xui8> {onnx.name = "conv_per_axis_input_x"}) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<[0.5, 0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %xz = onnx.Constant() {value = dense<128> : tensor<2xui8>} : () -> tensor<2xui8>
  %w = onnx.Constant() {value = dense<[[[[1]], [[-2]]]]> : tensor<1x2x1x1xi8>} : () -> tensor<1x2x1x1xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) {axis = 1 : i64} : (tensor<1x2x2x2xui8>, tensor<2xf32>, tensor<2xui8>) -> tensor<1x2x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x2x1x1xi8>, tensor<f32>, tensor<i8>) -> tensor<1x2x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// Activations dequantized without a zero point: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_no_input_zero_point_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_no_input_zero_point_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs) : (tensor<1x1x2x2xui8>, tensor<f32>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// A float input (not dequantized): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xf32> {onnx.name = "conv_float_input_x"})
// CHECK: %[[C:.*]] = onnx.Conv(%arg0,
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xf32> {onnx.name = "conv_float_input_x"}) -> tensor<1x2x2x2xui8> {
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%x, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// A bias at the wrong scale: [0.25, 0.0625], where x_scale * w_scale =
// 0.5 * [0.25, 0.125] = [0.125, 0.0625]: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_bias_scale_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_bias_scale_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<[4, -8]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = onnx.Constant() {value = dense<[0.25, 0.0625]> : tensor<2xf32>} : () -> tensor<2xf32>
  %bz = onnx.Constant() {value = dense<0> : tensor<2xi32>} : () -> tensor<2xi32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %c = onnx.Conv(%dx, %dw, %db) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// One bias scale (0.125) for per-channel weight scales: it is x_scale *
// w_scale of channel 0 (0.5 * 0.25) but not of channel 1 (0.5 * 0.125 =
// 0.0625). The model's bias is 4 * 0.125 = 0.5 on both channels; a
// QLinearConv would read channel 1's 4 at 0.0625 (0.25): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_one_bias_scale_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_one_bias_scale_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<4> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = onnx.Constant() {value = dense<0.125> : tensor<f32>} : () -> tensor<f32>
  %bz = onnx.Constant() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) : (tensor<2xi32>, tensor<f32>, tensor<i32>) -> tensor<2xf32>
  %c = onnx.Conv(%dx, %dw, %db) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// One bias scale that fits every channel (weight scales all 0.25): fused.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_shared_bias_scale_x"})
// CHECK: %[[Y:.*]] = onnx.QLinearConv(
// CHECK: return %[[Y]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_shared_bias_scale_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<4> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = onnx.Constant() {value = dense<0.125> : tensor<f32>} : () -> tensor<f32>
  %bz = onnx.Constant() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) : (tensor<2xi32>, tensor<f32>, tensor<i32>) -> tensor<2xf32>
  %c = onnx.Conv(%dx, %dw, %db) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// A float bias (not dequantized): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_float_bias_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_float_bias_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw, %b) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// The Conv's float output is also a result of the function: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_two_uses_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]], %[[C]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_two_uses_x"}) -> (tensor<1x2x2x2xui8>, tensor<1x2x2x2xf32>) {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q, %c : tensor<1x2x2x2xui8>, tensor<1x2x2x2xf32>
}

// -----

// A QuantizeLinear without a zero point: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_no_output_zero_point_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_no_output_zero_point_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys) : (tensor<1x2x2x2xf32>, tensor<f32>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// The output quantized per axis (a scale per channel): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_per_axis_output_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_per_axis_output_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<[0.1, 0.2]> : tensor<2xf32>} : () -> tensor<2xf32>
  %yz = onnx.Constant() {value = dense<128> : tensor<2xui8>} : () -> tensor<2xui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) {axis = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// A Relu whose QuantizeLinear has zero point 128 (the integer clamp at 0
// would not be the Relu): the Relu and the Conv stay float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "conv_relu_zero_point_x"})
// CHECK: %[[C:.*]] = onnx.Conv(
// CHECK: %[[R:.*]] = onnx.Relu(%[[C]])
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[R]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "conv_relu_zero_point_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x1x1xf32>
  %c = onnx.Conv(%dx, %dw) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %r = onnx.Relu(%c) : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%r, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

//===----------------------------------------------------------------------===//
// Q(ConvTranspose(DQ(x), DQ(w), DQ(b))), kernel = stride -> 1x1
// QLinearConv + Reshape, Transpose, Reshape
//===----------------------------------------------------------------------===//

// -----

// x [N, C, H, W] = [1, 2, 1, 2], w [C, M, KH, KW] = [2, 2, 2, 2] holding
// 1..8 for c = 0 and 9..16 for c = 1 (row-major over m, kh, kw), stride 2:
// each output pixel (m, h * 2 + kh, w * 2 + kw) takes one tap, so it is a
// 1x1 QLinearConv to M * KH * KW = 8 channels o = m * 4 + kh * 2 + kw with
// weights [o][c] = w[c][o]: [[1, 9], [2, 10], ..., [8, 16]]. Its weight
// scales and bias repeat each channel's 4 times: [0.5 x4, 0.25 x4] and
// [3 x4, -3 x4] (bias scale 0.5 * [0.5, 0.25] = [0.25, 0.125] fits).
// The [1, 8, 1, 2] result is reshaped to [N, M, KH, KW, H, W] =
// [1, 2, 2, 2, 1, 2], transposed by [0, 1, 4, 2, 5, 3] to [N, M, H, KH, W,
// KW] = [1, 2, 1, 2, 2, 2] and reshaped to [1, 2, H * KH, W * KW] =
// [1, 2, 2, 4].
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2x1x2xui8> {onnx.name = "convt_x"})
// CHECK-DAG: %[[XS:.*]] = onnx.Constant() {value = dense<5.000000e-01> : tensor<f32>}
// CHECK-DAG: %[[XZ:.*]] = onnx.Constant() {value = dense<128> : tensor<ui8>}
// CHECK-DAG: %[[YS:.*]] = onnx.Constant() {value = dense<1.000000e-01> : tensor<f32>}
// CHECK-DAG: %[[YZ:.*]] = onnx.Constant() {value = dense<100> : tensor<ui8>}
// CHECK-DAG: %[[W:.*]] = onnx.Constant() {value = dense<{{\[\[\[\[}}1]], {{\[\[}}9]]], {{\[\[\[}}2]], {{\[\[}}10]]], {{\[\[\[}}3]], {{\[\[}}11]]], {{\[\[\[}}4]], {{\[\[}}12]]], {{\[\[\[}}5]], {{\[\[}}13]]], {{\[\[\[}}6]], {{\[\[}}14]]], {{\[\[\[}}7]], {{\[\[}}15]]], {{\[\[\[}}8]], {{\[\[}}16]]]]> : tensor<8x2x1x1xi8>}
// CHECK-DAG: %[[WS:.*]] = onnx.Constant() {value = dense<[5.000000e-01, 5.000000e-01, 5.000000e-01, 5.000000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01, 2.500000e-01]> : tensor<8xf32>}
// CHECK-DAG: %[[WZ:.*]] = onnx.Constant() {value = dense<0> : tensor<8xi8>}
// CHECK-DAG: %[[B:.*]] = onnx.Constant() {value = dense<[3, 3, 3, 3, -3, -3, -3, -3]> : tensor<8xi32>}
// CHECK: %[[C:.*]] = onnx.QLinearConv(%arg0, %[[XS]], %[[XZ]], %[[W]], %[[WS]], %[[WZ]], %[[YS]], %[[YZ]], %[[B]]) {kernel_shape = [1, 1]} : ({{.*}}) -> tensor<1x8x1x2xui8>
// CHECK: %[[S1:.*]] = onnx.Constant() {value = dense<[1, 2, 2, 2, 1, 2]> : tensor<6xi64>}
// CHECK: %[[R1:.*]] = onnx.Reshape(%[[C]], %[[S1]]) : (tensor<1x8x1x2xui8>, tensor<6xi64>) -> tensor<1x2x2x2x1x2xui8>
// CHECK: %[[T:.*]] = onnx.Transpose(%[[R1]]) {perm = [0, 1, 4, 2, 5, 3]} : (tensor<1x2x2x2x1x2xui8>) -> tensor<1x2x1x2x2x2xui8>
// CHECK: %[[S2:.*]] = onnx.Constant() {value = dense<[1, 2, 2, 4]> : tensor<4xi64>}
// CHECK: %[[Y:.*]] = onnx.Reshape(%[[T]], %[[S2]]) : (tensor<1x2x1x2x2x2xui8>, tensor<4xi64>) -> tensor<1x2x2x4xui8>
// CHECK-NOT: onnx.ConvTranspose
// CHECK: return %[[Y]]
func.func @main_graph(%x: tensor<1x2x1x2xui8> {onnx.name = "convt_x"}) -> tensor<1x2x2x4xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1, 2], [3, 4]], [[5, 6], [7, 8]]], [[[9, 10], [11, 12]], [[13, 14], [15, 16]]]]> : tensor<2x2x2x2xi8>} : () -> tensor<2x2x2x2xi8>
  %ws = onnx.Constant() {value = dense<[0.5, 0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<[3, -3]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %bz = onnx.Constant() {value = dense<0> : tensor<2xi32>} : () -> tensor<2xi32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x2x1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 1 : i64} : (tensor<2x2x2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x2x2x2xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %c = onnx.ConvTranspose(%dx, %dw, %db) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x2x1x2xf32>, tensor<2x2x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x4xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x4xui8>
  return %q : tensor<1x2x2x4xui8>
}

// -----

// A stride smaller than the kernel (taps overlap): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x1x2xui8> {onnx.name = "convt_stride_x"})
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x1x2xui8> {onnx.name = "convt_stride_x"}) -> tensor<1x1x2x3xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x2x2xi8>} : () -> tensor<1x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %c = onnx.ConvTranspose(%dx, %dw) {kernel_shape = [2, 2], strides = [1, 1]} : (tensor<1x1x1x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x3xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x3xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x3xui8>
  return %q : tensor<1x1x2x3xui8>
}

// -----

// Two groups: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2x1x1xui8> {onnx.name = "convt_group_x"})
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x2x1x1xui8> {onnx.name = "convt_group_x"}) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<2x1x2x2xi8>} : () -> tensor<2x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x2x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<2x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x1x2x2xf32>
  %c = onnx.ConvTranspose(%dx, %dw) {group = 2 : i64, kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x2x1x1xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %q : tensor<1x2x2x2xui8>
}

// -----

// Padding (the output is cropped): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "convt_pads_x"})
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "convt_pads_x"}) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x2x2xi8>} : () -> tensor<1x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %c = onnx.ConvTranspose(%dx, %dw) {kernel_shape = [2, 2], pads = [1, 1, 1, 1], strides = [2, 2]} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// Weight scales per axis 0 (ConvTranspose's output channels are axis 1):
// float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2x1x1xui8> {onnx.name = "convt_weight_axis_x"})
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x2x1x1xui8> {onnx.name = "convt_weight_axis_x"}) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<2x1x2x2xi8>} : () -> tensor<2x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<[0.5, 0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x2x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x1x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x1x2x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x1x2x2xf32>
  %c = onnx.ConvTranspose(%dx, %dw) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x2x1x1xf32>, tensor<2x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// A batch of unknown size (the Reshapes need static shapes): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<?x1x1x1xui8> {onnx.name = "convt_dynamic_x"})
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<?x1x1x1xui8> {onnx.name = "convt_dynamic_x"}) -> tensor<?x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x2x2xi8>} : () -> tensor<1x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<?x1x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<?x1x1x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %c = onnx.ConvTranspose(%dx, %dw) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<?x1x1x1xf32>, tensor<1x1x2x2xf32>) -> tensor<?x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<?x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x1x2x2xui8>
  return %q : tensor<?x1x2x2xui8>
}

// -----

// Weight scales computed at run time (the 1x1 weights' scales are
// repeated at compile time): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x1x1xui8> {onnx.name = "convt_runtime_scale_x"}
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x1x1xui8> {onnx.name = "convt_runtime_scale_x"}, %ws: tensor<f32>) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x2x2xi8>} : () -> tensor<1x1x2x2xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %c = onnx.ConvTranspose(%dx, %dw) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// A bias computed at run time (it is repeated at compile time): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x1x1xui8> {onnx.name = "convt_runtime_bias_x"}
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x1x1xui8> {onnx.name = "convt_runtime_bias_x"}, %b: tensor<1xi32>) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x2x2xi8>} : () -> tensor<1x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %bs = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %bz = onnx.Constant() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) : (tensor<1xi32>, tensor<f32>, tensor<i32>) -> tensor<1xf32>
  %c = onnx.ConvTranspose(%dx, %dw, %db) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

// -----

// A bias at the wrong scale (0.5, where x_scale * w_scale = 0.25): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x1x1xui8> {onnx.name = "convt_bias_scale_x"})
// CHECK: %[[C:.*]] = onnx.ConvTranspose(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x1x1xui8> {onnx.name = "convt_bias_scale_x"}) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x2x2xi8>} : () -> tensor<1x1x2x2xi8>
  %ws = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %b = onnx.Constant() {value = dense<2> : tensor<1xi32>} : () -> tensor<1xi32>
  %bs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %bz = onnx.Constant() {value = dense<0> : tensor<i32>} : () -> tensor<i32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %xs, %xz) : (tensor<1x1x1x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<1x1x2x2xi8>, tensor<f32>, tensor<i8>) -> tensor<1x1x2x2xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) : (tensor<1xi32>, tensor<f32>, tensor<i32>) -> tensor<1xf32>
  %c = onnx.ConvTranspose(%dx, %dw, %db) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x1x1xf32>, tensor<1x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %q = onnx.QuantizeLinear(%c, %ys, %yz) : (tensor<1x1x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %q : tensor<1x1x2x2xui8>
}

//===----------------------------------------------------------------------===//
// Q(MatMul(DQ(a), DQ(b))) -> QLinearMatMul;
// Q(Gemm(DQ(a), DQ(w), DQ(c))) -> Q(dcast(smelt.quantized_matmul(a, w')) + DQ(c))
//===----------------------------------------------------------------------===//

// -----

// A MatMul with weight scales per output column (axis 1): QLinearMatMul
// on the integers.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_x"})
// CHECK-DAG: %[[AS:.*]] = onnx.Constant() {value = dense<5.000000e-01> : tensor<f32>}
// CHECK-DAG: %[[AZ:.*]] = onnx.Constant() {value = dense<10> : tensor<ui8>}
// CHECK-DAG: %[[W:.*]] = onnx.Constant() {value = dense<{{\[\[}}1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>}
// CHECK-DAG: %[[WS:.*]] = onnx.Constant() {value = dense<[2.500000e-01, 1.250000e-01]> : tensor<2xf32>}
// CHECK-DAG: %[[WZ:.*]] = onnx.Constant() {value = dense<0> : tensor<2xi8>}
// CHECK-DAG: %[[YS:.*]] = onnx.Constant() {value = dense<2.000000e-01> : tensor<f32>}
// CHECK-DAG: %[[YZ:.*]] = onnx.Constant() {value = dense<5> : tensor<ui8>}
// CHECK: %[[Y:.*]] = onnx.QLinearMatMul(%arg0, %[[AS]], %[[AZ]], %[[W]], %[[WS]], %[[WZ]], %[[YS]], %[[YZ]]) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x2xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
// CHECK-NOT: onnx.MatMul(
// CHECK-NOT: onnx.QuantizeLinear
// CHECK: return %[[Y]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_x"}) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 1 : i64} : (tensor<3x2xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q : tensor<2x2xui8>
}

// -----

// A Gemm with transB = 1, a bias and a Relu (output zero point 0): the
// [N, K] = [2, 3] weights [[1, 2, 3], [4, 5, 6]] transposed at compile
// time to [[1, 4], [2, 5], [3, 6]]; the int32 product on quantized types
// (a's zero point 10 and w's per-column scales in the types), its
// accumulator's scale a_scale * w_scale = 0.5 * [0.25, 0.125] =
// [0.125, 0.0625] per column, dequantized by quant.dcast, plus the float
// bias, requantized. The Relu goes: the output zero point 0 clamps at 0.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xui8> {onnx.name = "gemm_x"})
// CHECK-DAG: %[[YS:.*]] = onnx.Constant() {value = dense<5.000000e-02> : tensor<f32>}
// CHECK-DAG: %[[YZ:.*]] = onnx.Constant() {value = dense<0> : tensor<ui8>}
// CHECK-DAG: %[[DB:.*]] = onnx.DequantizeLinear(%{{.*}}) {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
// CHECK-DAG: %[[WT:.*]] = onnx.Constant() {value = dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>}
// CHECK-DAG: %[[WQ:.*]] = quant.scast %[[WT]] : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01}>>
// CHECK-DAG: %[[AI:.*]] = tensor.bitcast %arg0 : tensor<1x3xui8> to tensor<1x3xi8>
// CHECK-DAG: %[[AQ:.*]] = quant.scast %[[AI]] : tensor<1x3xi8> to tensor<1x3x!quant.uniform<u8:f32, 5.000000e-01:10>>
// CHECK: %[[ACC:.*]] = smelt.quantized_matmul(%[[AQ]], %[[WQ]]) : {{.*}} -> tensor<1x2x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>>
// CHECK: %[[P:.*]] = quant.dcast %[[ACC]] : tensor<1x2x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>> to tensor<1x2xf32>
// CHECK: %[[SUM:.*]] = onnx.Add(%[[P]], %[[DB]]) : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK: %[[Y:.*]] = onnx.QuantizeLinear(%[[SUM]], %[[YS]], %[[YZ]])
// CHECK-NOT: onnx.Gemm
// CHECK-NOT: onnx.Relu
// CHECK: return %[[Y]]
func.func @main_graph(%a: tensor<1x3xui8> {onnx.name = "gemm_x"}) -> tensor<1x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>} : () -> tensor<2x3xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<[8, -16]> : tensor<2xi32>} : () -> tensor<2xi32>
  %bs = onnx.Constant() {value = dense<[0.125, 0.0625]> : tensor<2xf32>} : () -> tensor<2xf32>
  %bz = onnx.Constant() {value = dense<0> : tensor<2xi32>} : () -> tensor<2xi32>
  %ys = onnx.Constant() {value = dense<0.05> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<0> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<2x3xi8>, tensor<2xf32>, tensor<2xi8>) -> tensor<2x3xf32>
  %db = onnx.DequantizeLinear(%b, %bs, %bz) {axis = 0 : i64} : (tensor<2xi32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  %y = onnx.Gemm(%da, %dw, %db) {transB = 1 : i64} : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %r = onnx.Relu(%y) : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = onnx.QuantizeLinear(%r, %ys, %yz) : (tensor<1x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2xui8>
  return %q : tensor<1x2xui8>
}

// -----

// A Gemm with alpha = 2: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xui8> {onnx.name = "gemm_alpha_x"})
// CHECK: %[[G:.*]] = onnx.Gemm(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[G]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<1x3xui8> {onnx.name = "gemm_alpha_x"}) -> tensor<1x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.Gemm(%da, %dw) {alpha = 2.0 : f32} : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<1x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2xui8>
  return %q : tensor<1x2xui8>
}

// -----

// A Gemm that transposes A: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<3x1xui8> {onnx.name = "gemm_trans_a_x"})
// CHECK: %[[G:.*]] = onnx.Gemm(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[G]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<3x1xui8> {onnx.name = "gemm_trans_a_x"}) -> tensor<1x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<3x1xui8>, tensor<f32>, tensor<ui8>) -> tensor<3x1xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.Gemm(%da, %dw) {transA = 1 : i64} : (tensor<3x1xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<1x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2xui8>
  return %q : tensor<1x2xui8>
}

// -----

// A Gemm whose input scale is computed at run time (its quantized types
// need constant scales): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xui8> {onnx.name = "gemm_runtime_scale_x"}
// CHECK: %[[G:.*]] = onnx.Gemm(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[G]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<1x3xui8> {onnx.name = "gemm_runtime_scale_x"}, %as: tensor<f32>) -> tensor<1x2xui8> {
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.Gemm(%da, %dw) : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<1x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2xui8>
  return %q : tensor<1x2xui8>
}

// -----

// A Gemm whose input scale is 0 (no quantized type has it): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x3xui8> {onnx.name = "gemm_zero_scale_x"}
// CHECK: %[[G:.*]] = onnx.Gemm(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[G]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<1x3xui8> {onnx.name = "gemm_zero_scale_x"}) -> tensor<1x2xui8> {
  %as = onnx.Constant() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.Gemm(%da, %dw) : (tensor<1x3xf32>, tensor<3x2xf32>) -> tensor<1x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<1x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x2xui8>
  return %q : tensor<1x2xui8>
}

// -----

// MatMul weight scales per axis 0 (rows, the reduction) instead of per
// output column: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_weight_axis_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_weight_axis_x"}) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125, 0.5]> : tensor<3xf32>} : () -> tensor<3xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<3xi8>} : () -> tensor<3xi8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) {axis = 0 : i64} : (tensor<3x2xi8>, tensor<3xf32>, tensor<3xi8>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q : tensor<2x2xui8>
}

// -----

// MatMul weights with a non-zero zero point: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_weight_zero_point_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_weight_zero_point_x"}) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<1> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q : tensor<2x2xui8>
}

// -----

// MatMul weights dequantized without a zero point: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_no_weight_zero_point_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_no_weight_zero_point_x"}) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws) : (tensor<3x2xi8>, tensor<f32>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q : tensor<2x2xui8>
}

// -----

// 3-D MatMul weights (a stack of matrices): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_stacked_weights_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_stacked_weights_x"}) -> tensor<2x2x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<2x3x2xi8>} : () -> tensor<2x3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<2x3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<2x3x2xf32>) -> tensor<2x2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2x2xui8>
  return %q : tensor<2x2x2xui8>
}

// -----

// The MatMul's input quantized per axis: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_per_axis_input_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_per_axis_input_x"}) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<[0.5, 0.25, 1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %az = onnx.Constant() {value = dense<10> : tensor<3xui8>} : () -> tensor<3xui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) {axis = 1 : i64} : (tensor<2x3xui8>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q : tensor<2x2xui8>
}

// -----

// Float MatMul weights (not dequantized): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_float_weights_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_float_weights_x"}) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %y = onnx.MatMul(%da, %w) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q : tensor<2x2xui8>
}

// -----

// The MatMul's float result is also a result of the function: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<2x3xui8> {onnx.name = "matmul_two_uses_x"})
// CHECK: %[[M:.*]] = onnx.MatMul(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[M]],
// CHECK: return %[[Q]], %[[M]]
func.func @main_graph(%a: tensor<2x3xui8> {onnx.name = "matmul_two_uses_x"}) -> (tensor<2x2xui8>, tensor<2x2xf32>) {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %as, %az) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<2x3xf32>
  %dw = onnx.DequantizeLinear(%w, %ws, %wz) : (tensor<3x2xi8>, tensor<f32>, tensor<i8>) -> tensor<3x2xf32>
  %y = onnx.MatMul(%da, %dw) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %q = onnx.QuantizeLinear(%y, %ys, %yz) : (tensor<2x2xf32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %q, %y : tensor<2x2xui8>, tensor<2x2xf32>
}

//===----------------------------------------------------------------------===//
// Q(op(...op(DQ(x)))) at the same parameters, for ops that only move values
//===----------------------------------------------------------------------===//

// -----

// MaxPool then Flatten between a DequantizeLinear and a QuantizeLinear of
// the same scale and zero point: both ops run on the uint8 values.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "pool_x"})
// CHECK: %[[P:.*]] = onnx.MaxPool(%arg0) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xui8>) -> tensor<1x1x1x1xui8>
// CHECK: %[[F:.*]] = onnx.Flatten(%[[P]]) : (tensor<1x1x1x1xui8>) -> tensor<1x1xui8>
// CHECK-NOT: onnx.QuantizeLinear
// CHECK: return %[[F]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "pool_x"}) -> tensor<1x1xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %p = onnx.MaxPool(%dx) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %f = onnx.Flatten(%p) : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
  %q = onnx.QuantizeLinear(%f, %s, %z) : (tensor<1x1xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1xui8>
  return %q : tensor<1x1xui8>
}

// -----

// Quantized at another scale (0.25 after 0.5; equal constants are
// compared, not the same value): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "pool_scale_x"})
// CHECK: %[[P:.*]] = onnx.MaxPool(%{{.*}}) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>)
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[P]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "pool_scale_x"}) -> tensor<1x1x1x1xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %s2 = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %p = onnx.MaxPool(%dx) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %q = onnx.QuantizeLinear(%p, %s2, %z) : (tensor<1x1x1x1xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x1xui8>
  return %q : tensor<1x1x1x1xui8>
}

// -----

// Dequantized from uint8 and quantized to int8 (zero points 0 of
// different types): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "pool_zero_point_type_x"})
// CHECK: %[[P:.*]] = onnx.MaxPool(%{{.*}}) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>)
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[P]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "pool_zero_point_type_x"}) -> tensor<1x1x1x1xi8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<0> : tensor<ui8>} : () -> tensor<ui8>
  %z2 = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %p = onnx.MaxPool(%dx) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %q = onnx.QuantizeLinear(%p, %s, %z2) : (tensor<1x1x1x1xf32>, tensor<f32>, tensor<i8>) -> tensor<1x1x1x1xi8>
  return %q : tensor<1x1x1x1xi8>
}

// -----

// A QuantizeLinear without a zero point: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "pool_no_output_zero_point_x"})
// CHECK: %[[P:.*]] = onnx.MaxPool(%{{.*}}) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>)
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[P]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "pool_no_output_zero_point_x"}) -> tensor<1x1x1x1xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<0> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %p = onnx.MaxPool(%dx) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %q = onnx.QuantizeLinear(%p, %s) : (tensor<1x1x1x1xf32>, tensor<f32>) -> tensor<1x1x1x1xui8>
  return %q : tensor<1x1x1x1xui8>
}

// -----

// The MaxPool's float result is also a result of the function: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xui8> {onnx.name = "pool_two_uses_x"})
// CHECK: %[[P:.*]] = onnx.MaxPool(%{{.*}}) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>)
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[P]],
// CHECK: return %[[Q]], %[[P]]
func.func @main_graph(%x: tensor<1x1x2x2xui8> {onnx.name = "pool_two_uses_x"}) -> (tensor<1x1x1x1xui8>, tensor<1x1x1x1xf32>) {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xf32>
  %p = onnx.MaxPool(%dx) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %q = onnx.QuantizeLinear(%p, %s, %z) : (tensor<1x1x1x1xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x1xui8>
  return %q, %p : tensor<1x1x1x1xui8>, tensor<1x1x1x1xf32>
}

// -----

// A float input to the MaxPool (not dequantized): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x2x2xf32> {onnx.name = "pool_float_input_x"})
// CHECK: %[[P:.*]] = onnx.MaxPool(%arg0)
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[P]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x2x2xf32> {onnx.name = "pool_float_input_x"}) -> tensor<1x1x1x1xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %p = onnx.MaxPool(%x) {kernel_shape = [2, 2]} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %q = onnx.QuantizeLinear(%p, %s, %z) : (tensor<1x1x1x1xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x1xui8>
  return %q : tensor<1x1x1x1xui8>
}

// -----

// A nearest Resize only selects values: it runs on the uint8 values
// (mode nearest is the default, so not printed).
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x1x2xui8> {onnx.name = "resize_nearest_x"})
// CHECK: %[[R:.*]] = onnx.Resize(%arg0, %{{.*}}) {operandSegmentSizes = array<i32: 1, 0, 1, 0>} : (tensor<1x1x1x2xui8>, tensor<4xf32>) -> tensor<1x1x2x4xui8>
// CHECK-NOT: onnx.QuantizeLinear
// CHECK: return %[[R]]
func.func @main_graph(%x: tensor<1x1x1x2xui8> {onnx.name = "resize_nearest_x"}) -> tensor<1x1x2x4xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %scales = onnx.Constant() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x2xf32>
  %r = "onnx.Resize"(%dx, %scales) <{mode = "nearest", operandSegmentSizes = array<i32: 1, 0, 1, 0>}> : (tensor<1x1x1x2xf32>, tensor<4xf32>) -> tensor<1x1x2x4xf32>
  %q = onnx.QuantizeLinear(%r, %s, %z) : (tensor<1x1x2x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x4xui8>
  return %q : tensor<1x1x2x4xui8>
}

// -----

// A linear Resize (it computes new values, not only moves them): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x1x1x2xui8> {onnx.name = "resize_linear_x"})
// CHECK: %[[R:.*]] = onnx.Resize(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[R]],
// CHECK: return %[[Q]]
func.func @main_graph(%x: tensor<1x1x1x2xui8> {onnx.name = "resize_linear_x"}) -> tensor<1x1x2x4xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %scales = onnx.Constant() {value = dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>} : () -> tensor<4xf32>
  %dx = onnx.DequantizeLinear(%x, %s, %z) : (tensor<1x1x1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x1x2xf32>
  %r = "onnx.Resize"(%dx, %scales) <{mode = "linear", operandSegmentSizes = array<i32: 1, 0, 1, 0>}> : (tensor<1x1x1x2xf32>, tensor<4xf32>) -> tensor<1x1x2x4xf32>
  %q = onnx.QuantizeLinear(%r, %s, %z) : (tensor<1x1x2x4xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x4xui8>
  return %q : tensor<1x1x2x4xui8>
}

//===----------------------------------------------------------------------===//
// Q(Concat(DQ(x_1), ..., DQ(x_n))) at one scale and zero point -> Concat
//===----------------------------------------------------------------------===//

// -----

// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2xui8> {onnx.name = "concat_x"}, %arg1: tensor<1x3xui8>)
// CHECK: %[[C:.*]] = onnx.Concat(%arg0, %arg1) {axis = 1 : i64} : (tensor<1x2xui8>, tensor<1x3xui8>) -> tensor<1x5xui8>
// CHECK-NOT: onnx.QuantizeLinear
// CHECK: return %[[C]]
func.func @main_graph(%a: tensor<1x2xui8> {onnx.name = "concat_x"}, %b: tensor<1x3xui8>) -> tensor<1x5xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %s, %z) : (tensor<1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2xf32>
  %db = onnx.DequantizeLinear(%b, %s, %z) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %c = onnx.Concat(%da, %db) {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = onnx.QuantizeLinear(%c, %s, %z) : (tensor<1x5xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x5xui8>
  return %q : tensor<1x5xui8>
}

// -----

// One input dequantized at another zero point (100, not 128): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2xui8> {onnx.name = "concat_parameters_x"}, %arg1: tensor<1x3xui8>)
// CHECK: %[[C:.*]] = onnx.Concat(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<1x2xui8> {onnx.name = "concat_parameters_x"}, %b: tensor<1x3xui8>) -> tensor<1x5xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %z2 = onnx.Constant() {value = dense<100> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %s, %z) : (tensor<1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2xf32>
  %db = onnx.DequantizeLinear(%b, %s, %z2) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %c = onnx.Concat(%da, %db) {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = onnx.QuantizeLinear(%c, %s, %z) : (tensor<1x5xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x5xui8>
  return %q : tensor<1x5xui8>
}

// -----

// One float input (not dequantized): float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2xui8> {onnx.name = "concat_float_input_x"}, %arg1: tensor<1x3xf32>)
// CHECK: %[[C:.*]] = onnx.Concat(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]]
func.func @main_graph(%a: tensor<1x2xui8> {onnx.name = "concat_float_input_x"}, %b: tensor<1x3xf32>) -> tensor<1x5xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %s, %z) : (tensor<1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2xf32>
  %c = onnx.Concat(%da, %b) {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = onnx.QuantizeLinear(%c, %s, %z) : (tensor<1x5xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x5xui8>
  return %q : tensor<1x5xui8>
}

// -----

// The Concat's float result is also a result of the function: float.
// CHECK-LABEL: func @main_graph(%arg0: tensor<1x2xui8> {onnx.name = "concat_two_uses_x"}, %arg1: tensor<1x3xui8>)
// CHECK: %[[C:.*]] = onnx.Concat(
// CHECK: %[[Q:.*]] = onnx.QuantizeLinear(%[[C]],
// CHECK: return %[[Q]], %[[C]]
func.func @main_graph(%a: tensor<1x2xui8> {onnx.name = "concat_two_uses_x"}, %b: tensor<1x3xui8>) -> (tensor<1x5xui8>, tensor<1x5xf32>) {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %da = onnx.DequantizeLinear(%a, %s, %z) : (tensor<1x2xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x2xf32>
  %db = onnx.DequantizeLinear(%b, %s, %z) : (tensor<1x3xui8>, tensor<f32>, tensor<ui8>) -> tensor<1x3xf32>
  %c = onnx.Concat(%da, %db) {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x3xf32>) -> tensor<1x5xf32>
  %q = onnx.QuantizeLinear(%c, %s, %z) : (tensor<1x5xf32>, tensor<f32>, tensor<ui8>) -> tensor<1x5xui8>
  return %q, %c : tensor<1x5xui8>, tensor<1x5xf32>
}
