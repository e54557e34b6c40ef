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
