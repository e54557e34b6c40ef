//===- ONNXBase.td - The onnx dialect, its types and base op class --------===//
//
// Hand-written part of the onnx dialect. The operators themselves are
// generated from ONNX's schema registry into ONNXOps.td at build time.
//
//===----------------------------------------------------------------------===//

#ifndef SMELT_ONNX_BASE_TD
#define SMELT_ONNX_BASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let cppNamespace = "::smelt::onnx";
  let summary = "The ONNX operator set as MLIR operations";
  let description = [{
    One operation per ONNX operator (default domain up to opset 17, plus
    `ai.onnx.ml` and `ai.onnx.preview.training`), generated from ONNX's own
    schema registry. Operators of the `ai.onnx.ml` domain are spelled
    `onnx.ml.<Name>`, of `ai.onnx.preview.training` `onnx.training.<Name>`.

    Values are builtin tensors; ONNX's sequences, optionals and maps have types
    of their own. Subgraph attributes (If, Loop, Scan) are regions ended by
    `onnx.Yield`.
  }];
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the generated operators (defined beside them, so that only
    /// one translation unit includes the large generated definitions).
    void registerOps();
  }];
}

class ONNX_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<ONNX_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def ONNX_String : ONNX_Type<"String", "string"> {
  let summary = "ONNX string element";
  let description = [{
    The element type of ONNX `tensor(string)`: `tensor<2x!onnx.string>`.
  }];
}

def ONNX_SeqType : ONNX_Type<"Seq", "seq"> {
  let summary = "ONNX sequence";
  let description = [{
    An ONNX sequence of values of one type, e.g. `!onnx.seq<tensor<?xf32>>`.
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def ONNX_OptType : ONNX_Type<"Opt", "opt"> {
  let summary = "ONNX optional";
  let description = [{
    An ONNX optional: a value of the given type, or none.
    Example: `!onnx.opt<!onnx.seq<tensor<f32>>>`.
  }];
  let parameters = (ins "::mlir::Type":$elementType);
  let assemblyFormat = "`<` $elementType `>`";
}

def ONNX_MapType : ONNX_Type<"Map", "map"> {
  let summary = "ONNX map";
  let description = [{
    An ONNX map from a scalar key type to a value type,
    e.g. `!onnx.map<!onnx.string, tensor<f32>>`.
  }];
  let parameters = (ins "::mlir::Type":$keyType, "::mlir::Type":$valueType);
  let assemblyFormat = "`<` $keyType `,` $valueType `>`";
}

class ONNX_SeqOf<Type element>
    : Type<And<[CPred<"::llvm::isa<::smelt::onnx::SeqType>($_self)">,
                SubstLeaves<"$_self",
                    "::llvm::cast<::smelt::onnx::SeqType>($_self).getElementType()",
                    element.predicate>]>,
           "sequence of " # element.summary, "::smelt::onnx::SeqType">;

class ONNX_OptOf<Type element>
    : Type<And<[CPred<"::llvm::isa<::smelt::onnx::OptType>($_self)">,
                SubstLeaves<"$_self",
                    "::llvm::cast<::smelt::onnx::OptType>($_self).getElementType()",
                    element.predicate>]>,
           "optional of " # element.summary, "::smelt::onnx::OptType">;

class ONNX_MapOf<Type key, Type value>
    : Type<And<[CPred<"::llvm::isa<::smelt::onnx::MapType>($_self)">,
                SubstLeaves<"$_self",
                    "::llvm::cast<::smelt::onnx::MapType>($_self).getKeyType()",
                    key.predicate>,
                SubstLeaves<"$_self",
                    "::llvm::cast<::smelt::onnx::MapType>($_self).getValueType()",
                    value.predicate>]>,
           "map from " # key.summary # " to " # value.summary,
           "::smelt::onnx::MapType">;

def ONNX_TensorArrayAttr : TypedArrayAttrBase<ElementsAttr, "array of tensors">;

// Base of every generated operator. `version` is the ONNX operator version
// (since_version) the op was generated from.
class ONNX_Op<string mnemonic, int version, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, traits> {
  int onnxVersion = version;
  let extraClassDeclaration = [{
    static constexpr int kONNXSinceVersion = }] # version # [{;
  }];
}

def ONNX_YieldOp : Op<ONNX_Dialect, "Yield", [Pure, ReturnLike, Terminator]> {
  let summary = "Returns the outputs of an ONNX subgraph";
  let description = [{
    Ends the region of an op with a subgraph attribute (If, Loop, Scan,
    SequenceMap); its operands are the subgraph's outputs, in order.

    ```mlir
    onnx.Yield %y : tensor<2xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$outputs);
  let assemblyFormat = "attr-dict ($outputs^ `:` type($outputs))?";
}

#endif // SMELT_ONNX_BASE_TD
