// RUN: smelt-opt %s --split-input-file --verify-diagnostics

// Operands bound to one type parameter must agree on the element type.
func.func @type_param_mismatch(%a: tensor<2xf32>, %b: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{'B' has type 'tensor<2xi64>' but 'A' has type 'tensor<2xf32>'; both bind type parameter T and must agree on the element type}}
  %0 = onnx.Add(%a, %b) : (tensor<2xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// The result binds the same parameter as the operands.
func.func @result_mismatch(%a: tensor<2xf32>) -> tensor<2xf16> {
  // expected-error @+1 {{'Y' has type 'tensor<2xf16>' but 'X' has type 'tensor<2xf32>'}}
  %0 = onnx.Relu(%a) : (tensor<2xf32>) -> tensor<2xf16>
  return %0 : tensor<2xf16>
}

// -----

// Element types outside the schema's constraint.
func.func @bad_element_type(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = onnx.Relu(%a) : (tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

// Required attributes.
func.func @missing_required_attribute(%a: tensor<2xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{requires attribute 'to'}}
  %0 = onnx.Cast(%a) : (tensor<2xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Attribute kinds.
func.func @wrong_attribute_kind(%a: tensor<2x3xf32>) -> tensor<6x2xf32> {
  // expected-error @+1 {{attribute 'axis' failed to satisfy constraint: 64-bit signless integer attribute}}
  %0 = onnx.Concat(%a, %a) {axis = 1.0 : f32} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<6x2xf32>
  return %0 : tensor<6x2xf32>
}

// -----

// Operand counts.
func.func @too_few_operands(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected 2 operands, but found 1}}
  %0 = "onnx.Add"(%a) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Segment sizes must cover the operands.
func.func @bad_segments(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{operand count (1) does not match with the total size (2) specified in attribute 'operandSegmentSizes'}}
  %0 = onnx.Clip(%a) {operandSegmentSizes = array<i32: 1, 1, 0>} : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Element types are compared through sequences.
func.func @bad_sequence(%s: !onnx.seq<tensor<2x!onnx.string>>) -> !onnx.seq<tensor<2xf32>> {
  // expected-error @+1 {{'output_sequence' has type '!onnx.seq<tensor<2xf32>>' but 'input_sequence' has type '!onnx.seq<tensor<2x!onnx.string>>'}}
  %0 = onnx.SequenceErase(%s) : (!onnx.seq<tensor<2x!onnx.string>>) -> !onnx.seq<tensor<2xf32>>
  return %0 : !onnx.seq<tensor<2xf32>>
}

// -----

// A subgraph is a single-block region.
func.func @empty_branch(%c: tensor<i1>) -> tensor<2xf32> {
  // expected-error @+1 {{region #0 ('else_branch') failed to verify constraint: region with 1 blocks}}
  %0 = "onnx.If"(%c) ({
  }, {
    %a = onnx.Constant() {value = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
    onnx.Yield %a : tensor<2xf32>
  }) : (tensor<i1>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
