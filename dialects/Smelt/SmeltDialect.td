//===- SmeltDialect.td - Smelt's own words --------------------*- tablegen -*-===//
//
// What upstream MLIR has no words for. Quantization parameters are upstream
// `!quant.uniform` types; what calibration measured on sample data before
// any type is chosen (observed ranges, the range an observer picked, the
// Gram matrices GPTQ weighs its error by) is an attribute of this dialect,
// kept on the value it describes.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_DIALECT_TD
#define SMELT_DIALECT_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/DialectBase.td"

def Smelt_Dialect : Dialect {
  let name = "smelt";
  let cppNamespace = "::smelt";
  let summary = "Smelt's own words: calibration statistics, integer ops on quantized types";
  let description = [{
    Attributes that compression passes leave in the module for later passes
    to read, instead of side tables keyed by names: `smelt-calibrate` writes
    `#smelt.calibration` on the values it measured, `smelt-quantize-static`
    and `smelt-quantize-weights{method=gptq}` read them. And the integer
    ops of a quantized model on upstream `!quant.uniform` tensors
    (SmeltOps.td): contractions into int32 accumulators and requantization,
    which upstream quant has no ops for.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
}

def Smelt_CalibrationAttr : AttrDef<Smelt_Dialect, "Calibration"> {
  let mnemonic = "calibration";
  let summary = "What calibration measured of one tensor on sample data";
  let description = [{
    One f32 tensor's statistics over every calibration sample: the observed
    minimum and maximum, the clipping range `[low, high]` the observer chose
    (it includes zero), how many elements were seen, and, when asked for,
    the Gram matrix X^T X of the tensor taken as rows of its last dimension
    (`gram`, K x K f64), which GPTQ weighs a consumer's weight error by.

    It sits on the value it describes: the producing op's
    `smelt.calibration` array (one entry per result, `unit` for results not
    measured), or a function argument's `smelt.calibration` attribute.

    ```mlir
    %0 = onnx.Relu(%x) {smelt.calibration = [
      #smelt.calibration<low = 0.0, high = 6.5, min = 0.0, max = 6.5,
                         elements = 4096>]}
    ```
  }];
  let parameters = (ins
    APFloatParameter<"chosen range, lower end (f64)">:$low,
    APFloatParameter<"chosen range, upper end (f64)">:$high,
    APFloatParameter<"observed minimum (f64)">:$min,
    APFloatParameter<"observed maximum (f64)">:$max,
    "int64_t":$elements,
    OptionalParameter<"::mlir::ElementsAttr">:$gram);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let builders = [
    AttrBuilder<(ins "double":$low, "double":$high, "double":$min,
                     "double":$max, "int64_t":$elements,
                     "::mlir::ElementsAttr":$gram), [{
      return $_get($_ctxt, ::llvm::APFloat(low), ::llvm::APFloat(high),
                   ::llvm::APFloat(min), ::llvm::APFloat(max), elements, gram);
    }]>,
  ];
  let extraClassDeclaration = [{
    double getLowValue() const { return getLow().convertToDouble(); }
    double getHighValue() const { return getHigh().convertToDouble(); }
    double getMinValue() const { return getMin().convertToDouble(); }
    double getMaxValue() const { return getMax().convertToDouble(); }
  }];
}

#endif // SMELT_DIALECT_TD
