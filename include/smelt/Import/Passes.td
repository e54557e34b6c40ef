//===- Passes.td - Passes on imported ONNX models ----------*- tablegen -*-===//

#ifndef SMELT_IMPORT_PASSES
#define SMELT_IMPORT_PASSES

include "mlir/Pass/PassBase.td"

def SmeltSpecializeShapesPass
    : Pass<"smelt-specialize-shapes", "mlir::ModuleOp"> {
  let summary = "Fix input shapes of an onnx-dialect module in the IR";
  let description = [{
    `--input-shape` as a pass. Each `shapes` entry (`name:1x3x224x224`)
    fixes the shape of the entry function's input of that ONNX name. The
    module is written out as ONNX (large tensors without their bytes), ONNX's
    shape inference with data propagation and the importer's evaluation of
    Reshape targets run again from the new input shapes, and each value of
    the module takes the shape found for it. Size computations that now
    follow from static dims become `onnx.Constant`s and ops left unused are
    erased, as an import at those shapes would have them. Every other op
    stays what it was, attributes included, so calibration statistics
    (`smelt.calibration`) survive: one import of a model with its dims open
    serves calibration at the samples' shape and the compile at
    `--input-shape`.

    Fails naming the input when a shape does not fit what the module
    declares (another rank, another static size), and naming the value when
    inference contradicts a static size the module has.
  }];
  let options = [
    ListOption<"shapes", "shapes", "std::string",
               "Input shapes, each `name:DIMxDIM...`">,
  ];
  let dependentDialects = ["smelt::onnx::ONNXDialect"];
}

#endif // SMELT_IMPORT_PASSES
