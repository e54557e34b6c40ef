//===- TensorFile.cpp - Tensors in .npy and ONNX .pb files -----------------===//

#include "smelt/Runner/TensorFile.h"

#include <zlib.h>

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace smelt;

namespace {

/// NumPy's dtype strings for the runtime's element types.
const std::map<std::string, std::string> &npyDescrs() {
  static const std::map<std::string, std::string> descrs = {
      {"f32", "<f4"}, {"f64", "<f8"}, {"f16", "<f2"},  {"i8", "|i1"},
      {"i16", "<i2"}, {"i32", "<i4"}, {"i64", "<i8"},  {"u8", "|u1"},
      {"u16", "<u2"}, {"u32", "<u4"}, {"u64", "<u8"},  {"bool", "|b1"}};
  return descrs;
}

size_t elementSize(const std::string &type) {
  if (type == "f64" || type == "i64" || type == "u64")
    return 8;
  if (type == "f32" || type == "i32" || type == "u32")
    return 4;
  if (type == "f16" || type == "bf16" || type == "i16" || type == "u16")
    return 2;
  return 1;
}

/// The value of `key` in a NumPy header dict: "'descr': '<f4', ...".
llvm::StringRef headerField(llvm::StringRef header, llvm::StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == llvm::StringRef::npos)
    return "";
  llvm::StringRef rest = header.drop_front(at + key.size() + 2).ltrim(" :");
  if (rest.starts_with("'"))
    return rest.drop_front().take_until([](char c) { return c == '\''; });
  if (rest.starts_with("("))
    return rest.drop_front().take_until([](char c) { return c == ')'; });
  return rest.take_until([](char c) { return c == ',' || c == '}'; }).trim();
}

bool readNpy(llvm::StringRef path, llvm::StringRef data, DecodedTensor &tensor,
             std::string &error) {
  auto bad = [&](const std::string &why) {
    error = "'" + path.str() + "' is not a readable .npy file: " + why;
    return false;
  };
  if (data.size() < 10 || !data.starts_with("\x93NUMPY"))
    return bad("no NumPy magic");
  uint8_t major = data[6];
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = uint8_t(data[8]) | (uint8_t(data[9]) << 8);
    headerStart = 10;
  } else {
    if (data.size() < 12)
      return bad("truncated header");
    headerLength = uint8_t(data[8]) | (uint8_t(data[9]) << 8) |
                   (uint8_t(data[10]) << 16) | (size_t(uint8_t(data[11])) << 24);
    headerStart = 12;
  }
  if (headerStart + headerLength > data.size())
    return bad("truncated header");
  llvm::StringRef header = data.substr(headerStart, headerLength);
  llvm::StringRef descr = headerField(header, "descr");
  if (headerField(header, "fortran_order") == "True")
    return bad("Fortran order is not supported");
  std::string type;
  for (const auto &[name, d] : npyDescrs())
    if (d == descr || (d[0] == '<' && descr == ("=" + d.substr(1))))
      type = name;
  if (type.empty())
    return bad("dtype '" + descr.str() + "' is not supported");
  std::vector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> dims;
  headerField(header, "shape").split(dims, ',', -1, /*KeepEmpty=*/false);
  int64_t count = 1;
  for (llvm::StringRef d : dims) {
    int64_t v;
    if (d.trim().getAsInteger(10, v) || v < 0)
      return bad("bad shape");
    shape.push_back(v);
    count *= v;
  }
  llvm::StringRef payload = data.drop_front(headerStart + headerLength);
  size_t bytes = static_cast<size_t>(count) * elementSize(type);
  if (payload.size() < bytes)
    return bad("holds " + std::to_string(payload.size()) +
               " bytes of data but its shape needs " + std::to_string(bytes));
  tensor.elementType = type;
  tensor.shape = shape;
  tensor.bytes = payload.take_front(bytes).str();
  return true;
}

uint32_t le32(llvm::StringRef d, size_t at) {
  return uint8_t(d[at]) | (uint8_t(d[at + 1]) << 8) |
         (uint8_t(d[at + 2]) << 16) | (uint32_t(uint8_t(d[at + 3])) << 24);
}
uint16_t le16(llvm::StringRef d, size_t at) {
  return uint8_t(d[at]) | (uint8_t(d[at + 1]) << 8);
}

/// Raw deflate (ZIP method 8) into `out`, which holds the expected size.
bool inflateRaw(llvm::StringRef in, std::string &out) {
  z_stream stream{};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
    return false;
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&stream, Z_FINISH);
  bool ok = rc == Z_STREAM_END && stream.total_out == out.size();
  inflateEnd(&stream);
  return ok;
}

} // namespace

bool smelt::readNpzFile(llvm::StringRef path, std::vector<DecodedTensor> &tensors,
                        std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return false;
  }
  llvm::StringRef data = (*buffer)->getBuffer();
  auto bad = [&](const std::string &why) {
    error = "'" + path.str() + "' is not a readable .npz file: " + why;
    return false;
  };
  // The end-of-central-directory record: the last "PK\5\6" (a comment may
  // follow it).
  size_t end = data.size() < 22 ? llvm::StringRef::npos : data.rfind("PK\x05\x06");
  if (end == llvm::StringRef::npos || end + 22 > data.size())
    return bad("no ZIP directory");
  uint16_t entries = le16(data, end + 10);
  size_t at = le32(data, end + 16);
  for (uint16_t i = 0; i < entries; ++i) {
    if (at + 46 > data.size() || le32(data, at) != 0x02014b50)
      return bad("corrupt ZIP directory");
    uint16_t method = le16(data, at + 10);
    uint32_t packed = le32(data, at + 20), size = le32(data, at + 24);
    uint16_t nameLength = le16(data, at + 28), extra = le16(data, at + 30),
             comment = le16(data, at + 32);
    uint32_t local = le32(data, at + 42);
    if (packed == 0xFFFFFFFF || size == 0xFFFFFFFF)
      return bad("ZIP64 entries (over 4 GiB) are not supported");
    llvm::StringRef name = data.substr(at + 46, nameLength);
    at += 46 + nameLength + extra + comment;
    if (local + 30 > data.size() || le32(data, local) != 0x04034b50)
      return bad("corrupt entry '" + name.str() + "'");
    size_t start = local + 30 + le16(data, local + 26) + le16(data, local + 28);
    if (start + packed > data.size())
      return bad("entry '" + name.str() + "' is truncated");
    llvm::StringRef stored = data.substr(start, packed);
    std::string bytes;
    if (method == 0) {
      bytes = stored.str();
    } else if (method == 8) {
      bytes.assign(size, '\0');
      if (!inflateRaw(stored, bytes))
        return bad("entry '" + name.str() + "' does not inflate");
    } else {
      return bad("entry '" + name.str() + "' uses ZIP method " +
                 std::to_string(method));
    }
    if (!name.ends_with(".npy"))
      continue;
    DecodedTensor tensor;
    std::string where = path.str() + ":" + name.str();
    if (!readNpy(where, bytes, tensor, error))
      return false;
    tensor.name = name.drop_back(4).str();
    tensors.push_back(std::move(tensor));
  }
  return true;
}

bool smelt::readTensorFile(llvm::StringRef path, DecodedTensor &tensor,
                           std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return false;
  }
  llvm::StringRef data = (*buffer)->getBuffer();
  if (path.ends_with(".npy"))
    return readNpy(path, data, tensor, error);
  if (!decodeONNXTensor(data, tensor, error)) {
    error = "'" + path.str() + "': " + error;
    return false;
  }
  return true;
}

bool smelt::writeNpyFile(llvm::StringRef path, const DecodedTensor &tensor,
                         std::string &error) {
  // NumPy has no bfloat16; its bit patterns are written as uint16, the
  // convention of ONNX's own test data.
  auto descr = npyDescrs().find(tensor.elementType == "bf16" ? std::string("u16")
                                                           : tensor.elementType);
  if (descr == npyDescrs().end()) {
    error = "cannot write " + tensor.elementType + " tensors as .npy";
    return false;
  }
  // A Python tuple: "(2, 3)", "(4,)", "()".
  std::string shape;
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  if (tensor.shape.size() == 1)
    shape += ",";
  std::string header = "{'descr': '" + descr->second +
                       "', 'fortran_order': False, 'shape': (" + shape +
                       "), }";
  // Pad so that the data starts on a 64-byte boundary, ending in '\n'.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  os << "\x93NUMPY" << char(1) << char(0) << char(header.size() & 0xff)
     << char((header.size() >> 8) & 0xff) << header << tensor.bytes;
  os.close();
  if (os.has_error()) {
    os.clear_error();
    error = "cannot write '" + path.str() + "'";
    return false;
  }
  return true;
}
