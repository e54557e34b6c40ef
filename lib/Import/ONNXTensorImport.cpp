//===- ONNXTensorImport.cpp - ONNX types and tensors into MLIR ------------===//
//
// Tensors keep their bytes where they already are: raw_data is taken over
// from the protobuf and external data is memory-mapped, each owned by the
// resource blob that the DenseResourceElementsAttr refers to.
//
//===----------------------------------------------------------------------===//

#include "ONNXTensorImport.h"

#include "smelt/Import/ONNXTensorFile.h"

#include "ONNX/ONNXDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/BuiltinDialect.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>
#include <cstring>
#include <map>

using namespace mlir;
using namespace smelt::detail;
using ::onnx::TensorProto;

namespace {

/// No real tensor has a dimension above 2^40 or more than 2^48 elements; a
/// model that claims so is corrupt, and its sizes would overflow later.
constexpr int64_t kMaxDim = int64_t(1) << 40;
constexpr int64_t kMaxElements = int64_t(1) << 48;

std::string describeDims(const google::protobuf::RepeatedField<int64_t> &dims) {
  std::string s = "[";
  for (int i = 0; i < dims.size(); ++i)
    s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

/// Bytes per element as ONNX stores them raw (bool: one byte).
int64_t rawElementSize(int32_t dataType) {
  switch (dataType) {
  case TensorProto::BOOL:
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return 1;
  case TensorProto::INT16:
  case TensorProto::UINT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::INT32:
  case TensorProto::UINT32:
  case TensorProto::FLOAT:
    return 4;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 8;
  case TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// Copies the typed repeated fields of `tensor` into little-endian raw bytes.
bool typedFieldsToRaw(const TensorProto &tensor, int64_t count,
                      std::string &raw, std::string &error) {
  int64_t width = rawElementSize(tensor.data_type());
  raw.assign(static_cast<size_t>(count * width), '\0');
  char *out = raw.data();
  auto expect = [&](int64_t have, int64_t want, const char *field) {
    if (have == want)
      return true;
    error = "tensor '" + tensor.name() + "' has " + std::to_string(have) +
            " values in " + field + " but its shape " +
            describeDims(tensor.dims()) + " needs " + std::to_string(want);
    return false;
  };
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
  case TensorProto::COMPLEX64: {
    int64_t n = count * (tensor.data_type() == TensorProto::COMPLEX64 ? 2 : 1);
    if (!expect(tensor.float_data_size(), n, "float_data"))
      return false;
    if (n > 0) // an empty field's data() may be null
      std::memcpy(out, tensor.float_data().data(), n * sizeof(float));
    return true;
  }
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX128: {
    int64_t n = count * (tensor.data_type() == TensorProto::COMPLEX128 ? 2 : 1);
    if (!expect(tensor.double_data_size(), n, "double_data"))
      return false;
    if (n > 0)
      std::memcpy(out, tensor.double_data().data(), n * sizeof(double));
    return true;
  }
  case TensorProto::INT64:
    if (!expect(tensor.int64_data_size(), count, "int64_data"))
      return false;
    if (count > 0)
      std::memcpy(out, tensor.int64_data().data(), count * sizeof(int64_t));
    return true;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    if (!expect(tensor.uint64_data_size(), count, "uint64_data"))
      return false;
    for (int64_t i = 0; i < count; ++i) {
      uint64_t v = tensor.uint64_data(i);
      std::memcpy(out + i * width, &v, width); // little-endian truncation
    }
    return true;
  case TensorProto::INT32:
  case TensorProto::INT16:
  case TensorProto::INT8:
  case TensorProto::UINT16:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    if (!expect(tensor.int32_data_size(), count, "int32_data"))
      return false;
    for (int64_t i = 0; i < count; ++i) {
      int32_t v = tensor.int32_data(i);
      std::memcpy(out + i * width, &v, width); // little-endian truncation
    }
    return true;
  default:
    error = "tensor '" + tensor.name() + "' has unsupported data type " +
            std::to_string(tensor.data_type());
    return false;
  }
}

/// Where `tensor`'s external data lies: a file inside the model's folder
/// (after resolving symbolic links), and a byte range inside that file of
/// exactly the size the tensor needs.
struct ExternalDataLocation {
  std::string path;
  int64_t offset = 0;
  int64_t length = 0;
};

bool locateExternalData(const TensorProto &tensor, llvm::StringRef modelDir,
                        int64_t expectedBytes, ExternalDataLocation &where,
                        std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : tensor.external_data()) {
    const std::string &key = entry.key();
    if (key == "location") {
      location = entry.value();
      continue;
    }
    if (key != "offset" && key != "length")
      continue;
    long long v = 0;
    if (llvm::StringRef(entry.value()).getAsInteger(10, v) || v < 0) {
      error = "tensor '" + tensor.name() + "' has an invalid external data " +
              key + " '" + entry.value() + "'";
      return false;
    }
    (key == "offset" ? offset : length) = v;
  }
  std::string prefix = "tensor '" + tensor.name() + "': external data ";
  if (location.empty()) {
    error = prefix + "names no location";
    return false;
  }
  if (llvm::sys::path::is_absolute(location) || location[0] == '/' ||
      location[0] == '\\') {
    error = prefix + "location '" + location +
            "' is an absolute path; it must be relative to the model's folder";
    return false;
  }
  llvm::SmallString<256> relative(location);
  llvm::sys::path::remove_dots(relative, /*remove_dot_dot=*/true);
  if (relative.starts_with("..") || llvm::sys::path::is_absolute(relative)) {
    error = prefix + "location '" + location + "' escapes the model's folder";
    return false;
  }
  std::string dir = modelDir.empty() ? "." : modelDir.str();
  llvm::SmallString<256> full(dir);
  llvm::sys::path::append(full, relative);

  // Symbolic links may point outside too: compare the resolved paths.
  llvm::SmallString<256> realDir, realFile;
  if (llvm::sys::fs::real_path(dir, realDir) ||
      llvm::sys::fs::real_path(full, realFile)) {
    error = prefix + "file '" + std::string(full) + "' cannot be opened";
    return false;
  }
  llvm::StringRef fileRef(realFile);
  if (!fileRef.starts_with(realDir) || fileRef.size() == realDir.size() ||
      !llvm::sys::path::is_separator(fileRef[realDir.size()])) {
    error = prefix + "location '" + location +
            "' resolves outside the model's folder";
    return false;
  }
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(realFile, fileSize)) {
    error = prefix + "file '" + std::string(full) + "' cannot be read";
    return false;
  }
  if (static_cast<uint64_t>(offset) > fileSize) {
    error = prefix + "offset " + std::to_string(offset) +
            " is past the end of '" + location + "' (" +
            std::to_string(fileSize) + " bytes)";
    return false;
  }
  if (length < 0)
    length = static_cast<int64_t>(fileSize) - offset;
  if (static_cast<uint64_t>(offset) + static_cast<uint64_t>(length) >
      fileSize) {
    error = prefix + "offset " + std::to_string(offset) + " + length " +
            std::to_string(length) + " is past the end of '" + location +
            "' (" + std::to_string(fileSize) + " bytes)";
    return false;
  }
  if (length != expectedBytes) {
    error = prefix + "holds " + std::to_string(length) +
            " bytes but the tensor's shape " + describeDims(tensor.dims()) +
            " needs " + std::to_string(expectedBytes);
    return false;
  }
  where = {std::string(realFile), offset, length};
  return true;
}

/// The number of elements `tensor`'s dims describe, or -1 (with `error`) for
/// negative or absurd dims.
int64_t countElements(const TensorProto &tensor, std::string &error) {
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || d > kMaxDim || (d > 0 && count > kMaxElements / d)) {
      error = "tensor '" + tensor.name() + "' has " +
              (d < 0 ? "a negative" : "an absurd") + " dimension in " +
              describeDims(tensor.dims());
      return -1;
    }
    count *= d;
  }
  return count;
}

bool validateGraphExternalData(const ::onnx::GraphProto &graph,
                               llvm::StringRef modelDir, std::string &error);

bool validateTensorExternalData(const TensorProto &tensor,
                                llvm::StringRef modelDir, std::string &error) {
  if (tensor.data_location() != TensorProto::EXTERNAL)
    return true;
  int64_t count = countElements(tensor, error);
  if (count < 0)
    return false;
  ExternalDataLocation where;
  return locateExternalData(tensor, modelDir,
                            count * rawElementSize(tensor.data_type()), where,
                            error);
}

bool validateGraphExternalData(const ::onnx::GraphProto &graph,
                               llvm::StringRef modelDir, std::string &error) {
  for (const auto &init : graph.initializer())
    if (!validateTensorExternalData(init, modelDir, error))
      return false;
  for (const auto &node : graph.node()) {
    for (const auto &attr : node.attribute()) {
      if (attr.has_t() && !validateTensorExternalData(attr.t(), modelDir, error))
        return false;
      for (const auto &t : attr.tensors())
        if (!validateTensorExternalData(t, modelDir, error))
          return false;
      if (attr.has_g() && !validateGraphExternalData(attr.g(), modelDir, error))
        return false;
      for (const auto &g : attr.graphs())
        if (!validateGraphExternalData(g, modelDir, error))
          return false;
    }
  }
  return true;
}

/// Maps `tensor`'s external data, once its location checks out.
std::unique_ptr<llvm::MemoryBuffer>
mapExternalData(const TensorProto &tensor, const TensorImportContext &ctx,
                int64_t expectedBytes, std::string &error) {
  ExternalDataLocation where;
  if (!locateExternalData(tensor, ctx.modelDir, expectedBytes, where, error))
    return nullptr;
  auto buffer =
      llvm::MemoryBuffer::getFileSlice(where.path, where.length, where.offset);
  if (!buffer) {
    error = "tensor '" + tensor.name() + "': cannot map its external data '" +
            where.path + "': " + buffer.getError().message();
    return nullptr;
  }
  return std::move(*buffer);
}

std::string blobName(llvm::StringRef name) {
  std::string out;
  for (char c : name)
    out += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (out.empty())
    return "tensor";
  return llvm::isDigit(out[0]) ? "t_" + out : out;
}

} // namespace

Type smelt::detail::importElementType(int32_t dataType, MLIRContext *context) {
  Builder b(context);
  switch (dataType) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::BOOL:
    return b.getI1Type();
  case TensorProto::INT8:
    return b.getIntegerType(8);
  case TensorProto::INT16:
    return b.getIntegerType(16);
  case TensorProto::INT32:
    return b.getIntegerType(32);
  case TensorProto::INT64:
    return b.getIntegerType(64);
  case TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case TensorProto::UINT16:
    return b.getIntegerType(16, /*isSigned=*/false);
  case TensorProto::UINT32:
    return b.getIntegerType(32, /*isSigned=*/false);
  case TensorProto::UINT64:
    return b.getIntegerType(64, /*isSigned=*/false);
  case TensorProto::STRING:
    return smelt::onnx::StringType::get(context);
  case TensorProto::COMPLEX64:
    return ComplexType::get(b.getF32Type());
  case TensorProto::COMPLEX128:
    return ComplexType::get(b.getF64Type());
  default:
    return nullptr;
  }
}

Type smelt::detail::importType(const ::onnx::TypeProto &type,
                               MLIRContext *context, std::string &error) {
  switch (type.value_case()) {
  case ::onnx::TypeProto::kTensorType: {
    const auto &tensor = type.tensor_type();
    Type element = importElementType(tensor.elem_type(), context);
    if (!element) {
      error = tensor.elem_type() == TensorProto::UNDEFINED
                  ? "a tensor with no element type"
                  : "unsupported element type " +
                        std::to_string(tensor.elem_type());
      return nullptr;
    }
    if (!tensor.has_shape())
      return UnrankedTensorType::get(element);
    llvm::SmallVector<int64_t> shape;
    int64_t elements = 1;
    for (const auto &dim : tensor.shape().dim()) {
      if (!dim.has_dim_value()) {
        shape.push_back(ShapedType::kDynamic);
        continue;
      }
      int64_t d = dim.dim_value();
      if (d < 0) {
        error = "a negative dimension (" + std::to_string(d) + ")";
        return nullptr;
      }
      if (d > kMaxDim || (d > 0 && elements > kMaxElements / d)) {
        error = "an absurd dimension (" + std::to_string(d) + ")";
        return nullptr;
      }
      elements *= d ? d : 1;
      shape.push_back(d);
    }
    return RankedTensorType::get(shape, element);
  }
  case ::onnx::TypeProto::kSequenceType: {
    Type element = importType(type.sequence_type().elem_type(), context, error);
    return element ? smelt::onnx::SeqType::get(context, element) : nullptr;
  }
  case ::onnx::TypeProto::kOptionalType: {
    Type element = importType(type.optional_type().elem_type(), context, error);
    return element ? smelt::onnx::OptType::get(context, element) : nullptr;
  }
  case ::onnx::TypeProto::kMapType: {
    Type key = importElementType(type.map_type().key_type(), context);
    Type value = importType(type.map_type().value_type(), context, error);
    if (!key && value)
      error = "a map with unsupported key type " +
              std::to_string(type.map_type().key_type());
    return key && value ? smelt::onnx::MapType::get(context, key, value)
                        : nullptr;
  }
  case ::onnx::TypeProto::kSparseTensorType:
    error = "a sparse tensor, which Smelt does not support";
    return nullptr;
  default:
    error = "no type";
    return nullptr;
  }
}

ElementsAttr smelt::detail::importTensor(TensorProto &tensor,
                                         const TensorImportContext &ctx,
                                         std::string &error) {
  MLIRContext *context = ctx.context;
  Type element = importElementType(tensor.data_type(), context);
  if (!element) {
    error = "tensor '" + tensor.name() + "' has unsupported data type " +
            std::to_string(tensor.data_type());
    return nullptr;
  }
  int64_t count = countElements(tensor, error);
  if (count < 0)
    return nullptr;
  llvm::SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(shape, element);

  if (tensor.data_type() == TensorProto::STRING) {
    if (tensor.string_data_size() != count) {
      error = "tensor '" + tensor.name() + "' has " +
              std::to_string(tensor.string_data_size()) +
              " strings but its shape " + describeDims(tensor.dims()) +
              " needs " + std::to_string(count);
      return nullptr;
    }
    llvm::SmallVector<llvm::StringRef> strings(tensor.string_data().begin(),
                                               tensor.string_data().end());
    return DenseStringElementsAttr::get(type, strings);
  }

  int64_t width = rawElementSize(tensor.data_type());
  int64_t expectedBytes = count * width;

  // Where the bytes come from, and who keeps them alive.
  llvm::ArrayRef<char> bytes;
  std::unique_ptr<std::string> ownedString;
  std::unique_ptr<llvm::MemoryBuffer> mapped;
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    mapped = mapExternalData(tensor, ctx, expectedBytes, error);
    if (!mapped)
      return nullptr;
    bytes = {mapped->getBufferStart(), mapped->getBufferSize()};
  } else if (tensor.has_raw_data()) {
    if (static_cast<int64_t>(tensor.raw_data().size()) != expectedBytes) {
      error = "tensor '" + tensor.name() + "' has " +
              std::to_string(tensor.raw_data().size()) +
              " bytes of raw data but its shape " +
              describeDims(tensor.dims()) + " needs " +
              std::to_string(expectedBytes);
      return nullptr;
    }
    ownedString.reset(tensor.release_raw_data());
    bytes = {ownedString->data(), ownedString->size()};
  } else {
    ownedString = std::make_unique<std::string>();
    if (!typedFieldsToRaw(tensor, count, *ownedString, error))
      return nullptr;
    bytes = {ownedString->data(), ownedString->size()};
  }

  if (tensor.data_type() == TensorProto::BOOL) {
    llvm::SmallVector<bool> values(bytes.begin(), bytes.end());
    return DenseElementsAttr::get(type, llvm::ArrayRef<bool>(values));
  }
  if (count <= ctx.maxInlineElements)
    return DenseElementsAttr::getFromRawBuffer(type, bytes);

  // Element sizes are powers of two, so the element size is the alignment;
  // a mapping at an odd offset is the one case that needs a copy.
  size_t alignment = static_cast<size_t>(
      isa<ComplexType>(element) ? width / 2 : width);
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignment != 0) {
    ownedString = std::make_unique<std::string>(bytes.begin(), bytes.end());
    mapped.reset();
    bytes = {ownedString->data(), ownedString->size()};
  }
  AsmResourceBlob blob;
  if (mapped) {
    blob = AsmResourceBlob(
        bytes, alignment,
        [buffer = mapped.release()](void *, size_t, size_t) { delete buffer; },
        /*dataIsMutable=*/false);
  } else {
    blob = AsmResourceBlob(
        bytes, alignment,
        [str = ownedString.release()](void *, size_t, size_t) { delete str; },
        /*dataIsMutable=*/false);
  }
  return DenseResourceElementsAttr::get(type, blobName(tensor.name()),
                                        std::move(blob));
}

bool smelt::detail::validateExternalData(const ::onnx::ModelProto &model,
                                         llvm::StringRef modelDir,
                                         std::string &error) {
  return validateGraphExternalData(model.graph(), modelDir, error);
}

bool smelt::decodeONNXTensor(llvm::StringRef serialized, DecodedTensor &out,
                             std::string &error) {
  TensorProto tensor;
  if (serialized.size() > static_cast<size_t>(INT_MAX) ||
      !tensor.ParseFromArray(serialized.data(),
                             static_cast<int>(serialized.size()))) {
    error = "not a serialized ONNX TensorProto";
    return false;
  }
  static const std::map<int32_t, const char *> names = {
      {TensorProto::FLOAT, "f32"},   {TensorProto::DOUBLE, "f64"},
      {TensorProto::FLOAT16, "f16"}, {TensorProto::BFLOAT16, "bf16"},
      {TensorProto::INT8, "i8"},     {TensorProto::INT16, "i16"},
      {TensorProto::INT32, "i32"},   {TensorProto::INT64, "i64"},
      {TensorProto::UINT8, "u8"},    {TensorProto::UINT16, "u16"},
      {TensorProto::UINT32, "u32"},  {TensorProto::UINT64, "u64"},
      {TensorProto::BOOL, "bool"}};
  auto name = names.find(tensor.data_type());
  if (name == names.end()) {
    error = "tensor '" + tensor.name() + "' has data type " +
            std::to_string(tensor.data_type()) +
            ", which the runtime cannot pass";
    return false;
  }
  if (tensor.data_location() == TensorProto::EXTERNAL) {
    error = "tensor '" + tensor.name() + "' keeps its data in another file";
    return false;
  }
  int64_t count = countElements(tensor, error);
  if (count < 0)
    return false;
  int64_t expected = count * rawElementSize(tensor.data_type());
  if (tensor.has_raw_data()) {
    if (static_cast<int64_t>(tensor.raw_data().size()) != expected) {
      error = "tensor '" + tensor.name() + "' has " +
              std::to_string(tensor.raw_data().size()) +
              " bytes of raw data but its shape needs " +
              std::to_string(expected);
      return false;
    }
    out.bytes = tensor.raw_data();
  } else if (!typedFieldsToRaw(tensor, count, out.bytes, error)) {
    return false;
  }
  out.name = tensor.name();
  out.elementType = name->second;
  out.shape.assign(tensor.dims().begin(), tensor.dims().end());
  return true;
}
