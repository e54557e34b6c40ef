// RUN: smelt-opt %s --split-input-file --convert-onnx-qlinear-to-quant | FileCheck %s

// QLinearConv and QLinearMatMul with constant parameters become integer ops
// on !quant.uniform tensors and an explicit smelt.requantize; one case per
// reason a pattern declines, which leaves the onnx op as it was.

// A per-channel QLinearConv with a bias: the input's, weights' and bias's
// scales and zero points move into types, the accumulator's scales are
// x_scale * w_scale = 0.5 * [0.25, 0.125] per output channel (axis 1), and
// the uint8 tensors cross to the signless storage with tensor.bitcast.
// CHECK-LABEL: func @conv
// CHECK-DAG: %[[W:.*]] = onnx.Constant() {value = dense<{{\[\[\[\[}}1]]], {{\[\[\[}}-2]]]]> : tensor<2x1x1x1xi8>}
// CHECK-DAG: %[[B:.*]] = onnx.Constant() {value = dense<[4, -8]> : tensor<2xi32>}
// CHECK: %[[XI:.*]] = tensor.bitcast %arg0 : tensor<1x1x2x2xui8> to tensor<1x1x2x2xi8>
// CHECK: %[[XQ:.*]] = quant.scast %[[XI]] : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<u8:f32, 5.000000e-01:128>>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {2.500000e-01,1.250000e-01}>>
// CHECK: %[[BQ:.*]] = quant.scast %[[B]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.250000e-01,6.250000e-02}>>
// CHECK: %[[ACC:.*]] = smelt.quantized_conv(%[[XQ]], %[[WQ]], %[[BQ]]) {auto_pad = "NOTSET", group = 1 : i64, kernel_shape = [1, 1], strides = [1, 1]} : {{.*}} -> tensor<1x2x2x2x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>>
// CHECK: %[[YQ:.*]] = smelt.requantize %[[ACC]] : tensor<1x2x2x2x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.10000000149011612:3>>
// CHECK: %[[YI:.*]] = quant.scast %[[YQ]] : {{.*}} to tensor<1x2x2x2xi8>
// CHECK: %[[Y:.*]] = tensor.bitcast %[[YI]] : tensor<1x2x2x2xi8> to tensor<1x2x2x2xui8>
// CHECK-NOT: onnx.QLinearConv
// CHECK: return %[[Y]]
func.func @conv(%x: tensor<1x1x2x2xui8>) -> tensor<1x2x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %xz = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[[[[1]]], [[[-2]]]]> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %b = onnx.Constant() {value = dense<[4, -8]> : tensor<2xi32>} : () -> tensor<2xi32>
  %ys = onnx.Constant() {value = dense<0.1> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %y = onnx.QLinearConv(%x, %xs, %xz, %w, %ws, %wz, %ys, %yz, %b) {kernel_shape = [1, 1], strides = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x1x1xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<ui8>, tensor<2xi32>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// -----

// Two convolutions in a row, one weight scale each: the casts between them
// fold, so the second reads the first's requantized tensor directly.
// CHECK-LABEL: func @chain
// CHECK: %[[A:.*]] = smelt.quantized_conv({{.*}} -> tensor<1x1x2x2x!quant.uniform<i32:f32, 1.250000e-01>>
// CHECK: %[[AQ:.*]] = smelt.requantize %[[A]] : {{.*}} -> tensor<1x1x2x2x!quant.uniform<u8:f32, 2.500000e-01:128>>
// CHECK-NOT: quant.scast %[[AQ]]
// CHECK: %[[B:.*]] = smelt.quantized_conv(%[[AQ]], {{.*}} -> tensor<1x1x2x2x!quant.uniform<i32:f32, 6.250000e-02>>
// CHECK: smelt.requantize %[[B]]
func.func @chain(%x: tensor<1x1x2x2xui8>) -> tensor<1x1x2x2xui8> {
  %xs = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x1x1xi8>} : () -> tensor<1x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %a = onnx.QLinearConv(%x, %xs, %z, %w, %s, %wz, %s, %z) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  %b = onnx.QLinearConv(%a, %s, %z, %w, %s, %wz, %xs, %z) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %b : tensor<1x1x2x2xui8>
}

// -----

// Input scale known only at run time: QLinearConv stays.
// CHECK-LABEL: func @conv_runtime_scale
// CHECK: onnx.QLinearConv
// CHECK-NOT: smelt.
func.func @conv_runtime_scale(%x: tensor<1x1x2x2xui8>, %xs: tensor<f32>) -> tensor<1x1x2x2xui8> {
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x1x1xi8>} : () -> tensor<1x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearConv(%x, %xs, %z, %w, %s, %wz, %s, %z) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %y : tensor<1x1x2x2xui8>
}

// -----

// A weight scale of 0 makes no quantized type: QLinearConv stays.
// CHECK-LABEL: func @conv_zero_scale
// CHECK: onnx.QLinearConv
// CHECK-NOT: smelt.
func.func @conv_zero_scale(%x: tensor<1x1x2x2xui8>) -> tensor<1x1x2x2xui8> {
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %ws = onnx.Constant() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x1x1xi8>} : () -> tensor<1x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearConv(%x, %s, %z, %w, %ws, %wz, %s, %z) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %y : tensor<1x1x2x2xui8>
}

// -----

// An output scale per channel (ONNX asks for one per tensor): QLinearConv
// stays.
// CHECK-LABEL: func @conv_output_per_axis
// CHECK: onnx.QLinearConv
// CHECK-NOT: smelt.
func.func @conv_output_per_axis(%x: tensor<1x1x2x2xui8>) -> tensor<1x2x2x2xui8> {
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %ys = onnx.Constant() {value = dense<[0.25, 0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearConv(%x, %s, %z, %w, %s, %wz, %ys, %z) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<2xf32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// -----

// Three weight scales for two filters: QLinearConv stays.
// CHECK-LABEL: func @conv_weight_scales
// CHECK: onnx.QLinearConv
// CHECK-NOT: smelt.
func.func @conv_weight_scales(%x: tensor<1x1x2x2xui8>) -> tensor<1x2x2x2xui8> {
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %ws = onnx.Constant() {value = dense<[0.25, 0.5, 1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<2x1x1x1xi8>} : () -> tensor<2x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearConv(%x, %s, %z, %w, %ws, %wz, %s, %z) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<2x1x1x1xi8>, tensor<3xf32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x2x2x2xui8>
  return %y : tensor<1x2x2x2xui8>
}

// -----

// An unranked input: QLinearConv stays.
// CHECK-LABEL: func @conv_unranked
// CHECK: onnx.QLinearConv
// CHECK-NOT: smelt.
func.func @conv_unranked(%x: tensor<*xui8>) -> tensor<1x1x2x2xui8> {
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x1x1xi8>} : () -> tensor<1x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearConv(%x, %s, %z, %w, %s, %wz, %s, %z) {kernel_shape = [1, 1]} : (tensor<*xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<1x1x2x2xui8>
  return %y : tensor<1x1x2x2xui8>
}

// -----

// An unranked bias: QLinearConv stays.
// CHECK-LABEL: func @conv_unranked_bias
// CHECK: onnx.QLinearConv
// CHECK-NOT: smelt.
func.func @conv_unranked_bias(%x: tensor<1x1x2x2xui8>, %b: tensor<*xi32>) -> tensor<1x1x2x2xui8> {
  %s = onnx.Constant() {value = dense<0.25> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<128> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<1x1x1x1xi8>} : () -> tensor<1x1x1x1xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearConv(%x, %s, %z, %w, %s, %wz, %s, %z, %b) {kernel_shape = [1, 1]} : (tensor<1x1x2x2xui8>, tensor<f32>, tensor<ui8>, tensor<1x1x1x1xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>, tensor<*xi32>) -> tensor<1x1x2x2xui8>
  return %y : tensor<1x1x2x2xui8>
}

// -----

// QLinearMatMul with signed activations and per-column weight scales: the
// accumulator is per axis along its last dimension.
// CHECK-LABEL: func @matmul
// CHECK-DAG: %[[AQ:.*]] = quant.scast %arg0 : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-DAG: %[[BQ:.*]] = quant.scast %{{.*}} : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01}>>
// CHECK: %[[ACC:.*]] = smelt.quantized_matmul(%[[AQ]], %[[BQ]]) : {{.*}} -> tensor<2x2x!quant.uniform<i32:f32:1, {1.250000e-01,6.250000e-02}>>
// CHECK: %[[YQ:.*]] = smelt.requantize %[[ACC]] : {{.*}} -> tensor<2x2x!quant.uniform<i8:f32, 0.20000000298023224:5>>
// CHECK: %[[Y:.*]] = quant.scast %[[YQ]] : {{.*}} to tensor<2x2xi8>
// CHECK: return %[[Y]]
func.func @matmul(%a: tensor<2x3xi8>) -> tensor<2x2xi8> {
  %as = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %az = onnx.Constant() {value = dense<-3> : tensor<i8>} : () -> tensor<i8>
  %w = onnx.Constant() {value = dense<[[1, 2], [3, 4], [5, 6]]> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %ws = onnx.Constant() {value = dense<[0.25, 0.125]> : tensor<2xf32>} : () -> tensor<2xf32>
  %wz = onnx.Constant() {value = dense<0> : tensor<2xi8>} : () -> tensor<2xi8>
  %ys = onnx.Constant() {value = dense<0.2> : tensor<f32>} : () -> tensor<f32>
  %yz = onnx.Constant() {value = dense<5> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearMatMul(%a, %as, %az, %w, %ws, %wz, %ys, %yz) : (tensor<2x3xi8>, tensor<f32>, tensor<i8>, tensor<3x2xi8>, tensor<2xf32>, tensor<2xi8>, tensor<f32>, tensor<i8>) -> tensor<2x2xi8>
  return %y : tensor<2x2xi8>
}

// -----

// A 1-D b: QLinearMatMul stays.
// CHECK-LABEL: func @matmul_vector
// CHECK: onnx.QLinearMatMul
// CHECK-NOT: smelt.
func.func @matmul_vector(%a: tensor<2x3xui8>) -> tensor<2xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<[1, 2, 3]> : tensor<3xi8>} : () -> tensor<3xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearMatMul(%a, %s, %z, %w, %s, %wz, %s, %z) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<2xui8>
  return %y : tensor<2xui8>
}

// -----

// a quantized per row: QLinearMatMul stays.
// CHECK-LABEL: func @matmul_per_row
// CHECK: onnx.QLinearMatMul
// CHECK-NOT: smelt.
func.func @matmul_per_row(%a: tensor<2x3xui8>) -> tensor<2x2xui8> {
  %as = onnx.Constant() {value = dense<[0.5, 0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearMatMul(%a, %as, %z, %w, %s, %wz, %s, %z) : (tensor<2x3xui8>, tensor<2xf32>, tensor<ui8>, tensor<3x2xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %y : tensor<2x2xui8>
}

// -----

// b's zero point known only at run time: QLinearMatMul stays.
// CHECK-LABEL: func @matmul_runtime_zero_point
// CHECK: onnx.QLinearMatMul
// CHECK-NOT: smelt.
func.func @matmul_runtime_zero_point(%a: tensor<2x3xui8>, %wz: tensor<i8>) -> tensor<2x2xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %z = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %y = onnx.QLinearMatMul(%a, %s, %z, %w, %s, %wz, %s, %z) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x2xi8>, tensor<f32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %y : tensor<2x2xui8>
}

// -----

// Three scales for b's two columns: QLinearMatMul stays.
// CHECK-LABEL: func @matmul_column_scales
// CHECK: onnx.QLinearMatMul
// CHECK-NOT: smelt.
func.func @matmul_column_scales(%a: tensor<2x3xui8>) -> tensor<2x2xui8> {
  %s = onnx.Constant() {value = dense<0.5> : tensor<f32>} : () -> tensor<f32>
  %ws = onnx.Constant() {value = dense<[0.5, 0.25, 1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %z = onnx.Constant() {value = dense<10> : tensor<ui8>} : () -> tensor<ui8>
  %w = onnx.Constant() {value = dense<1> : tensor<3x2xi8>} : () -> tensor<3x2xi8>
  %wz = onnx.Constant() {value = dense<0> : tensor<i8>} : () -> tensor<i8>
  %y = onnx.QLinearMatMul(%a, %s, %z, %w, %ws, %wz, %s, %z) : (tensor<2x3xui8>, tensor<f32>, tensor<ui8>, tensor<3x2xi8>, tensor<3xf32>, tensor<i8>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  return %y : tensor<2x2xui8>
}
