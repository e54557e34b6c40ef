// RUN: smelt-opt %s --split-input-file --convert-onnx-to-linalg=named-ops=false | FileCheck %s

// Conv: the input is padded, channels are split into groups, the
// accumulator starts at the bias, and the output positions iterate innermost.
// CHECK-LABEL: func @conv
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.{{reshape|expand_shape|collapse_shape}} {{.*}} tensor<1x1x3x7x7xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.{{reshape|expand_shape|collapse_shape}} {{.*}} tensor<1x4x5x5xf32>
func.func @conv(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x5x5xf32> {
  %0 = onnx.Conv(%x, %w, %b) {pads = [1, 1, 1, 1]} : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32>
  return %0 : tensor<1x4x5x5xf32>
}

// -----

// MaxPool pads with -inf and reduces over a window operand that only gives
// the kernel its extent.
// CHECK-LABEL: func @maxpool
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[WINDOW]] : tensor<1x1x4x4xf32>, tensor<2x2xf32>)
// CHECK: arith.maximumf
func.func @maxpool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %0 = onnx.MaxPool(%x) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// MaxPool iterates its window before the output positions, so those run
// innermost.
// CHECK-LABEL: func @maxpool_order
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]}
func.func @maxpool_order(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x2x2xf32> {
  %0 = onnx.MaxPool(%x) {kernel_shape = [3, 3], strides = [3, 3]} : (tensor<1x1x6x6xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

// ConvTranspose whose kernel equals its stride: a contraction into
// [N, G, F/G, KH, KW, H, W] that starts at the bias, a transpose that
// interleaves (H, KH) and (W, KW), a reshape, and a crop for the pads.
// CHECK-LABEL: func @conv_transpose_tiled
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x5x2x2x3x4xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK: } -> tensor<1x1x5x2x2x3x4xf32>
// CHECK: linalg.transpose {{.*}} permutation = [0, 1, 2, 5, 3, 6, 4]
// CHECK: tensor.{{reshape|expand_shape|collapse_shape}} {{.*}} tensor<1x5x6x8xf32>
// CHECK: tensor.extract_slice {{.*}}[0, 0, 1, 1] [1, 5, 4, 6] [1, 1, 1, 1]
func.func @conv_transpose_tiled(%x: tensor<1x2x3x4xf32>, %w: tensor<2x5x2x2xf32>, %b: tensor<5xf32>) -> tensor<1x5x4x6xf32> {
  %0 = onnx.ConvTranspose(%x, %w, %b) {kernel_shape = [2, 2], strides = [2, 2], pads = [1, 1, 1, 1]} : (tensor<1x2x3x4xf32>, tensor<2x5x2x2xf32>, tensor<5xf32>) -> tensor<1x5x4x6xf32>
  return %0 : tensor<1x5x4x6xf32>
}

// -----

// Softmax: max, exp of the difference, sum, divide.
// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = onnx.Softmax(%x) {axis = 1 : i64} : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// A reduction with keepdims reshapes the reduced tensor.
// CHECK-LABEL: func @reduce_mean
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.constant 4.000000e+00 : f32
// CHECK: tensor.{{reshape|expand_shape|collapse_shape}} {{.*}} tensor<3x1xf32>
func.func @reduce_mean(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  %0 = onnx.ReduceMean(%x) {axes = [1]} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// Gather reads through linalg.index and tensor.extract, wrapping negative
// indices.
// CHECK-LABEL: func @gather
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<2xi64>
// CHECK: arith.select
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<5x3xf32>
func.func @gather(%data: tensor<5x3xf32>, %idx: tensor<2xi64>) -> tensor<2x3xf32> {
  %0 = onnx.Gather(%data, %idx) : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Slice with constant starts and steps.
// CHECK-LABEL: func @slice
// CHECK: arith.constant 2 : index
// CHECK: arith.muli
// CHECK: tensor.extract
func.func @slice(%x: tensor<10xf32>) -> tensor<4xf32> {
  %s = onnx.Constant() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = onnx.Constant() {value = dense<9> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = onnx.Constant() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %st = onnx.Constant() {value = dense<2> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = onnx.Slice(%x, %s, %e, %a, %st) {operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>} : (tensor<10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ScatterElements' max and min compare unsigned data as unsigned.
// CHECK-LABEL: func @scatter_max_unsigned
// CHECK: arith.maxui
// CHECK-NOT: arith.maxsi
func.func @scatter_max_unsigned(%d: tensor<4xui8>, %i: tensor<2xi64>, %u: tensor<2xui8>) -> tensor<4xui8> {
  %0 = onnx.ScatterElements(%d, %i, %u) {reduction = "max"} : (tensor<4xui8>, tensor<2xi64>, tensor<2xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// Dropout in training mode with a constant ratio of 0 drops nothing
// (PyTorch exports attention's dropout so): the input passes.
// CHECK-LABEL: func @dropout_training_zero_ratio
// CHECK-NOT: onnx.Dropout
// CHECK: return %arg0
func.func @dropout_training_zero_ratio(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = onnx.Constant() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %t = onnx.Constant() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
  %y = onnx.Dropout(%x, %r, %t) {operandSegmentSizes = array<i32: 1, 1, 1>, seed = 0 : i64} : (tensor<2x3xf32>, tensor<f32>, tensor<i1>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A constant-mode Pad by constant amounts is a tensor.pad of the pad value,
// a dynamic batch included; zero pads leave the input as it is.
// CHECK-LABEL: func @pad_constant
// CHECK: %[[V:.*]] = tensor.extract %arg1[]
// CHECK: tensor.pad %arg0 low[0, 1, 0] high[0, 2, 3]
// CHECK: tensor.yield %[[V]]
// CHECK: to tensor<?x6x7xf32>
// CHECK-NOT: tensor.pad
// CHECK: return
func.func @pad_constant(%x: tensor<?x3x4xf32>, %v: tensor<f32>) -> (tensor<?x6x7xf32>, tensor<?x3x4xf32>) {
  %p = onnx.Constant() {value = dense<[0, 1, 0, 0, 2, 3]> : tensor<6xi64>} : () -> tensor<6xi64>
  %y = onnx.Pad(%x, %p, %v) {mode = "constant"} : (tensor<?x3x4xf32>, tensor<6xi64>, tensor<f32>) -> tensor<?x6x7xf32>
  %z = onnx.Constant() {value = dense<0> : tensor<6xi64>} : () -> tensor<6xi64>
  %w = onnx.Pad(%x, %z) {mode = "constant"} : (tensor<?x3x4xf32>, tensor<6xi64>) -> tensor<?x3x4xf32>
  return %y, %w : tensor<?x6x7xf32>, tensor<?x3x4xf32>
}

// -----

// Negative pads crop: the element-by-element form, which takes them.
// CHECK-LABEL: func @pad_negative
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic
func.func @pad_negative(%x: tensor<2x5xf32>) -> tensor<2x3xf32> {
  %p = onnx.Constant() {value = dense<[0, -1, 0, -1]> : tensor<4xi64>} : () -> tensor<4xi64>
  %y = onnx.Pad(%x, %p) {mode = "constant"} : (tensor<2x5xf32>, tensor<4xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
