// RUN: smelt-opt %s --split-input-file --smelt-cpu-fold-constant-transposes | FileCheck %s

// A transposed constant becomes the transposed constant.
// CHECK-LABEL: func.func @dense
// CHECK-NOT: linalg.transpose
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
func.func @dense() -> tensor<3x2xf32> {
  %c = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%c : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  return %t : tensor<3x2xf32>
}

// -----

// Weights in a resource blob stay in one (the 3-D permutation moves the
// last dimension first).
// CHECK-LABEL: func.func @resource
// CHECK-NOT: linalg.transpose
// CHECK: arith.constant dense_resource<transposed> : tensor<2x1x2xi16>
// CHECK: transposed: "0x{{........}}0100030002000400"
func.func @resource() -> tensor<2x1x2xi16> {
  %c = arith.constant dense_resource<w> : tensor<1x2x2xi16>
  %e = tensor.empty() : tensor<2x1x2xi16>
  %t = linalg.transpose ins(%c : tensor<1x2x2xi16>) outs(%e : tensor<2x1x2xi16>) permutation = [2, 0, 1]
  return %t : tensor<2x1x2xi16>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x020000000100020003000400"
    }
  }
#-}

// -----

// A transpose of a value computed at run time stays.
// CHECK-LABEL: func.func @runtime
// CHECK: linalg.transpose
func.func @runtime(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%x : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  return %t : tensor<3x2xf32>
}

// -----

// Booleans are packed bits in dense elements, not one byte per element:
// the byte-wise transpose does not apply, and the op stays.
// CHECK-LABEL: func.func @booleans
// CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[true, false]]> : tensor<1x2xi1>
// CHECK: linalg.transpose ins(%[[C]] : tensor<1x2xi1>)
func.func @booleans() -> tensor<2x1xi1> {
  %c = arith.constant dense<[[true, false]]> : tensor<1x2xi1>
  %e = tensor.empty() : tensor<2x1xi1>
  %t = linalg.transpose ins(%c : tensor<1x2xi1>) outs(%e : tensor<2x1xi1>) permutation = [1, 0]
  return %t : tensor<2x1xi1>
}

// -----

// Index elements have no fixed width in bytes: the op stays.
// CHECK-LABEL: func.func @index_elements
// CHECK: %[[C:.*]] = arith.constant dense<{{\[}}[1, 2]]> : tensor<1x2xindex>
// CHECK: linalg.transpose ins(%[[C]] : tensor<1x2xindex>)
func.func @index_elements() -> tensor<2x1xindex> {
  %c = arith.constant dense<[[1, 2]]> : tensor<1x2xindex>
  %e = tensor.empty() : tensor<2x1xindex>
  %t = linalg.transpose ins(%c : tensor<1x2xindex>) outs(%e : tensor<2x1xindex>) permutation = [1, 0]
  return %t : tensor<2x1xindex>
}

// -----

// A resource whose blob is missing has no bytes to move: the op stays.
// CHECK-LABEL: func.func @missing_blob
// CHECK: %[[C:.*]] = arith.constant dense_resource<absent> : tensor<1x2xi16>
// CHECK: linalg.transpose ins(%[[C]] : tensor<1x2xi16>)
// CHECK-NOT: dense_resource<transposed>
func.func @missing_blob() -> tensor<2x1xi16> {
  %c = arith.constant dense_resource<absent> : tensor<1x2xi16>
  %e = tensor.empty() : tensor<2x1xi16>
  %t = linalg.transpose ins(%c : tensor<1x2xi16>) outs(%e : tensor<2x1xi16>) permutation = [1, 0]
  return %t : tensor<2x1xi16>
}

// -----

// A blob shorter than its type (one i16 for two elements) is not read past
// its end: the op stays.
// CHECK-LABEL: func.func @short_blob
// CHECK: %[[C:.*]] = arith.constant dense_resource<short> : tensor<1x2xi16>
// CHECK: linalg.transpose ins(%[[C]] : tensor<1x2xi16>)
// CHECK-NOT: dense_resource<transposed>
func.func @short_blob() -> tensor<2x1xi16> {
  %c = arith.constant dense_resource<short> : tensor<1x2xi16>
  %e = tensor.empty() : tensor<2x1xi16>
  %t = linalg.transpose ins(%c : tensor<1x2xi16>) outs(%e : tensor<2x1xi16>) permutation = [1, 0]
  return %t : tensor<2x1xi16>
}
{-#
  dialect_resources: {
    builtin: {
      short: "0x020000000100"
    }
  }
#-}

// -----

// A transpose of buffers (after bufferization) has no result to replace:
// the op stays.
// CHECK-LABEL: func.func @buffers
// CHECK: linalg.transpose ins(%{{.*}} : memref<1x2xf32>) outs(%arg0 : memref<2x1xf32>)
func.func @buffers(%out: memref<2x1xf32>) {
  %c = memref.get_global @weights : memref<1x2xf32>
  linalg.transpose ins(%c : memref<1x2xf32>) outs(%out : memref<2x1xf32>) permutation = [1, 0]
  return
}
memref.global "private" constant @weights : memref<1x2xf32> = dense<[[1.0, 2.0]]>

// -----

// A reshape of a constant has the constant's bytes: its transpose folds
// too (smelt-cpu-choose-vector-dim's tiles of a convolution's weights).
// CHECK-LABEL: func.func @through_reshape
// CHECK-NOT: linalg.transpose
// CHECK: arith.constant dense_resource<transposed> : tensor<2x2xi16>
// CHECK: transposed: "0x{{........}}0100030002000400"
func.func @through_reshape() -> tensor<2x2xi16> {
  %c = arith.constant dense_resource<flat> : tensor<4xi16>
  %r = tensor.expand_shape %c [[0, 1]] output_shape [2, 2] : tensor<4xi16> into tensor<2x2xi16>
  %e = tensor.empty() : tensor<2x2xi16>
  %t = linalg.transpose ins(%r : tensor<2x2xi16>) outs(%e : tensor<2x2xi16>) permutation = [1, 0]
  return %t : tensor<2x2xi16>
}
{-#
  dialect_resources: {
    builtin: {
      flat: "0x020000000100020003000400"
    }
  }
#-}
