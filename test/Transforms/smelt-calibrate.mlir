// smelt-calibrate{table=FILE} attaches each entry of a calibration table to
// the value it names: model inputs ("op": "input") by onnx.name, results by
// the producing op's node name (its loc("name")) and result number; entries
// naming nothing, or a value that is not f32, are skipped. Without "min",
// "max" or "elements" an entry's min and max are its range and its count 0.
// The tables and the model are the split-file parts below.
//
// RUN: rm -rf %t && split-file %s %t
// RUN: smelt-opt %t/model.mlir --smelt-calibrate=table=%t/table.json | FileCheck %s
//
// CHECK-LABEL: func.func @main_graph(
// CHECK-SAME: %arg0: tensor<1x4xf32> {onnx.name = "x", smelt.calibration = #smelt.calibration<low = -1.000000e+00, high = 3.000000e+00, min = -1.000000e+00, max = 2.500000e+00, elements = 8>}
// The i64 input named by an entry stays without statistics.
// CHECK-SAME: %arg1: tensor<2xi64> {onnx.name = "ids"})
// The MatMul's entry has no min, max or elements.
// CHECK: onnx.MatMul({{.*}}) {smelt.calibration = [#smelt.calibration<low = -2.000000e+00, high = 4.000000e+00, min = -2.000000e+00, max = 4.000000e+00, elements = 0>]}
// Split's result 1 only: result 0 is `unit`.
// CHECK: onnx.Split({{.*}}) {axis = 1 : i64, smelt.calibration = [unit, #smelt.calibration<low = -5.000000e-01, high = 5.000000e-01, min = -2.500000e-01, max = 5.000000e-01, elements = 4>]}
// The Relu is node "x", as the input is: its entry is the one without
// "op": "input".
// CHECK: onnx.Relu({{.*}}) {smelt.calibration = [#smelt.calibration<low = 0.000000e+00, high = 6.000000e+00, min = 0.000000e+00, max = 6.000000e+00, elements = 2>]}
// An op the table does not name (and the entries for "nowhere" and for
// the MatMul's result 1, which does not exist) add nothing.
// CHECK: onnx.Neg(
// CHECK-NOT: smelt.calibration
// CHECK: return

// Errors name the table file.
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/missing.json 2>&1 | FileCheck %s --check-prefix=MISSING -DFILE=%t/missing.json
// MISSING: error: cannot read the calibration table '[[FILE]]': No such file or directory
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/not-json.json 2>&1 | FileCheck %s --check-prefix=NOT-JSON -DFILE=%t/not-json.json
// NOT-JSON: error: the calibration table '[[FILE]]' is not JSON:
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/no-tensors.json 2>&1 | FileCheck %s --check-prefix=NO-TENSORS -DFILE=%t/no-tensors.json
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/array.json 2>&1 | FileCheck %s --check-prefix=NO-TENSORS -DFILE=%t/array.json
// NO-TENSORS: error: the calibration table '[[FILE]]' has no "tensors" array
// Entry 1 lacks "high" (entry 0 is fine); entry 0 of the second lacks "node".
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/no-high.json 2>&1 | FileCheck %s --check-prefix=NO-HIGH -DFILE=%t/no-high.json
// NO-HIGH: error: the calibration table '[[FILE]]': entry 1 needs "node", "low" and "high"
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/no-node.json 2>&1 | FileCheck %s --check-prefix=NO-NODE -DFILE=%t/no-node.json
// NO-NODE: error: the calibration table '[[FILE]]': entry 0 needs "node", "low" and "high"
// [0.5, 1] excludes zero (uint8 parameters need 0 exactly representable).
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate=table=%t/no-zero.json 2>&1 | FileCheck %s --check-prefix=NO-ZERO -DFILE=%t/no-zero.json
// NO-ZERO: error: the calibration table '[[FILE]]': the range of 'mm' must include zero

// Neither samples nor a table.
// RUN: not smelt-opt %t/model.mlir --smelt-calibrate 2>&1 | FileCheck %s --check-prefix=NEITHER
// NEITHER: error: smelt-calibrate needs data=PATH (samples) or table=FILE (a calibration table)

// With samples, the options are checked before anything is read (the
// samples file does not exist): an unknown method, a percentile outside
// (0, 100], an executor no target registered (the error lists those that
// are: smelt-opt links the CPU target, "cpu").
// RUN: not smelt-opt %t/model.mlir '--smelt-calibrate=data=%t/none.npz method=kl' 2>&1 | FileCheck %s --check-prefix=METHOD
// METHOD: none.npz:0:0: error: calibration method 'kl' is not one of minmax, percentile, entropy, mse
// RUN: not smelt-opt %t/model.mlir '--smelt-calibrate=data=%t/none.npz method=percentile percentile=0' 2>&1 | FileCheck %s --check-prefix=PERCENTILE
// PERCENTILE: none.npz:0:0: error: the calibration percentile must be in (0, 100]
// RUN: not smelt-opt %t/model.mlir '--smelt-calibrate=data=%t/none.npz executor=nope' 2>&1 | FileCheck %s --check-prefix=EXECUTOR
// EXECUTOR: none.npz:0:0: error: smelt-calibrate: no model executor 'nope' (registered: cpu)

//--- model.mlir
func.func @main_graph(%x: tensor<1x4xf32> {onnx.name = "x"}, %ids: tensor<2xi64> {onnx.name = "ids"}) -> (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x4xf32>, tensor<2xi64>) {
  %w = onnx.Constant() {value = dense<1.0> : tensor<4x4xf32>} : () -> tensor<4x4xf32>
  %0 = onnx.MatMul(%x, %w) : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32> loc("mm")
  %1:2 = onnx.Split(%0) {axis = 1 : i64} : (tensor<1x4xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) loc("split")
  %2 = onnx.Relu(%1#0) : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("x")
  %3 = onnx.Neg(%0) : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("neg")
  return %2, %1#1, %3, %ids : tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x4xf32>, tensor<2xi64>
}

//--- table.json
{
  "method": "minmax",
  "tensors": [
    {"node": "x", "op": "input", "low": -1.0, "high": 3.0, "min": -1.0, "max": 2.5, "elements": 8},
    {"node": "ids", "op": "input", "low": 0.0, "high": 9.0},
    {"node": "mm", "result": 0, "op": "onnx.MatMul", "low": -2.0, "high": 4.0},
    {"node": "mm", "result": 1, "op": "onnx.MatMul", "low": -7.0, "high": 7.0},
    {"node": "split", "result": 1, "op": "onnx.Split", "low": -0.5, "high": 0.5, "min": -0.25, "max": 0.5, "elements": 4},
    {"node": "x", "result": 0, "op": "onnx.Relu", "low": 0.0, "high": 6.0, "elements": 2},
    {"node": "nowhere", "result": 0, "op": "onnx.Add", "low": -1.0, "high": 1.0}
  ]
}

//--- not-json.json
{"tensors": [

//--- no-tensors.json
{"method": "minmax"}

//--- array.json
[{"node": "x", "op": "input", "low": -1.0, "high": 3.0}]

//--- no-high.json
{"tensors": [{"node": "x", "op": "input", "low": -1.0, "high": 3.0}, {"node": "mm", "low": -1.0}]}

//--- no-node.json
{"tensors": [{"low": -1.0, "high": 3.0}]}

//--- no-zero.json
{"tensors": [{"node": "mm", "low": 0.5, "high": 1.0}]}
