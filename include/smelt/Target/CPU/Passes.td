//===- Passes.td - Passes of the CPU target ----------------*- tablegen -*-===//

#ifndef SMELT_TARGET_CPU_PASSES_TD
#define SMELT_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPURecordSignaturePass
    : Pass<"smelt-cpu-record-signature", "::mlir::ModuleOp"> {
  let summary = "Record the model's inputs and outputs for the runtime";
  let description = [{
    Runs on the onnx-level module, before lowering changes the types: writes
    the entry function's inputs and outputs (ONNX names, element types with
    their sign, static shapes) as the module's `smelt.signature` string, and
    marks the entry function for a C interface. Dynamic dimensions are an
    error that names the input (fix them with smeltc's `--input-shape`).

    The signature is one line per tensor:
    `input<TAB>name<TAB>f32<TAB>1,3,224,224`.
  }];
}

def CPULowerCopiesPass
    : Pass<"smelt-cpu-lower-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    A `memref.copy` between strided buffers would become a call to
    `memrefCopy` from MLIR's C runner utilities, which a compiled model does
    not link. As `linalg.copy` it becomes loops like any other linalg op.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def CPUEmitEntryPointPass
    : Pass<"smelt-cpu-emit-entry-point", "::mlir::ModuleOp"> {
  let summary = "Add the runtime's entry point and signature to an LLVM-dialect module";
  let description = [{
    Runs last, on the LLVM dialect. Adds `void smelt_run(void **buffers)`,
    which builds a memref descriptor for each buffer (inputs, then outputs,
    as the signature lists them) and calls the entry function's C interface,
    and the NUL-terminated global `smelt_model_signature` that the runtime
    reads when it loads the library.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // SMELT_TARGET_CPU_PASSES_TD
