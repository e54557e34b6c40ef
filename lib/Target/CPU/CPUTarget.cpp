//===- CPUTarget.cpp - The host CPU as a Smelt target ----------------------===//
//
// Translates the LLVM-dialect module to LLVM IR, optimizes it for the chosen
// processor, emits an object file through LLVM's TargetMachine, and links a
// shared library with the system's C compiler driver.
//
//===----------------------------------------------------------------------===//

#include "smelt/Target/CPU/CPUTarget.h"

#include "SplitCodegen.h"
#include "Weights.h"

#include "ONNX/ONNXDialect.h"
#include "smelt/Target/CPU/Passes.h"

#include "mlir/Pass/PassManager.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

using namespace mlir;

namespace {

std::unique_ptr<llvm::TargetMachine>
createHostTargetMachine(const smelt::TargetOptions &options,
                        std::string &error) {
  // LLVM's registry must not be written while another thread reads it
  // (two Python threads compiling at once).
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  llvm::Triple triple(llvm::sys::getProcessTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = options.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features += (feature.second ? "+" : "-") + feature.first().str() + ",";
  }
  llvm::CodeGenOptLevel level =
      options.optLevel <= 0   ? llvm::CodeGenOptLevel::None
      : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                              : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, level));
  if (!machine)
    error = "cannot create a target machine for " + triple.str() + " (" +
            cpu + ")";
  return machine;
}

} // namespace

unsigned smelt::getCPUVectorBits(const smelt::TargetOptions &options) {
  if (options.vectorBits)
    return options.vectorBits;
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostTargetMachine(options, error);
  if (!machine)
    return 128;
  const llvm::MCSubtargetInfo *info = machine->getMCSubtargetInfo();
  if (info->checkFeatures("+avx512f"))
    return 512;
  if (info->checkFeatures("+avx"))
    return 256;
  return 128;
}

bool smelt::cpuHasFeature(const smelt::TargetOptions &options,
                          llvm::StringRef feature) {
  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createHostTargetMachine(options, error);
  return machine && machine->getMCSubtargetInfo()->checkFeatures(feature.str());
}

namespace {

/// Writes a file through a temporary one in the same folder, so a reader
/// never sees a partial file.
LogicalResult
writeAtomically(StringRef path,
                llvm::function_ref<void(llvm::raw_pwrite_stream &)> write,
                Location loc) {
  llvm::SmallString<256> temp(path);
  temp += ".tmp-%%%%%%";
  int fd;
  llvm::SmallString<256> tempPath;
  if (auto ec = llvm::sys::fs::createUniqueFile(temp, fd, tempPath))
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    write(os);
    os.close();
    if (os.has_error()) {
      os.clear_error();
      llvm::sys::fs::remove(tempPath);
      return emitError(loc) << "cannot write '" << path << "'";
    }
  }
  if (auto ec = llvm::sys::fs::rename(tempPath, path)) {
    llvm::sys::fs::remove(tempPath);
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  }
  return success();
}

LogicalResult writeAtomically(StringRef path, StringRef bytes, Location loc) {
  return writeAtomically(
      path, [&](llvm::raw_pwrite_stream &os) { os << bytes; }, loc);
}

/// A temporary file, removed when this goes out of scope.
class TemporaryFile {
public:
  ~TemporaryFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
  /// Creates the file and writes it; fails with a located error.
  LogicalResult
  create(StringRef prefix, StringRef suffix, Location loc,
         llvm::function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write) {
    int fd;
    if (auto ec =
            llvm::sys::fs::createTemporaryFile(prefix, suffix, fd, path))
      return emitError(loc) << "cannot create a temporary file: "
                            << ec.message();
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    if (failed(write(os)))
      return failure();
    os.close();
    if (os.has_error()) {
      os.clear_error();
      return emitError(loc) << "cannot write the temporary file '" << path
                            << "'";
    }
    return success();
  }
  llvm::SmallString<256> path;
};

/// Runs the system's C compiler driver (`cc`) as a linker on `args`, writing
/// `path` through a temporary next to it; `beforeRename` runs once the link
/// succeeded, and its failure leaves nothing at `path`.
LogicalResult link(llvm::SmallVectorImpl<llvm::StringRef> &args,
                   StringRef path, Location loc,
                   llvm::function_ref<LogicalResult()> beforeRename) {
  auto linker = llvm::sys::findProgramByName("cc");
  if (!linker)
    return emitError(loc)
           << "cannot link '" << path << "': no 'cc' on PATH (install gcc)";
  llvm::SmallString<256> tempOutput(path);
  tempOutput += ".tmp-link";
  args.insert(args.begin(), {*linker, "-o", tempOutput});
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    llvm::sys::fs::remove(tempOutput);
    return emitError(loc) << "linking '" << path << "' failed"
                          << (message.empty() ? "" : ": ") << message;
  }
  if (failed(beforeRename())) {
    llvm::sys::fs::remove(tempOutput);
    return failure();
  }
  if (auto ec = llvm::sys::fs::rename(tempOutput, path)) {
    llvm::sys::fs::remove(tempOutput);
    return emitError(loc) << "cannot write '" << path << "': " << ec.message();
  }
  return success();
}

class CPUTarget final : public smelt::Target {
public:
  llvm::StringRef getName() const override { return "cpu"; }

  void buildPipeline(OpPassManager &pm,
                     const smelt::TargetOptions &options) const override {
    smelt::buildCPUPipeline(pm, options);
  }

  LogicalResult
  linkSpecializations(ModuleOp general,
                      ArrayRef<ModuleOp> specialized) const override {
    // Each specialization's code, nested in the general module, is what
    // smelt-cpu-link-specializations links.
    OpBuilder b(general.getContext());
    b.setInsertionPointToEnd(general.getBody());
    for (ModuleOp spec : specialized) {
      auto nested = ModuleOp::create(b, spec.getLoc());
      nested.getBody()->getOperations().splice(
          nested.getBody()->end(), spec.getBody()->getOperations());
    }
    PassManager pm(general.getContext());
    pm.addPass(smelt::createCPULinkSpecializationsPass());
    return pm.run(general);
  }

  LogicalResult emitArtifact(ModuleOp module, smelt::ArtifactKind kind,
                             const smelt::TargetOptions &options,
                             llvm::StringRef path) const override {
    Location loc = module.getLoc();
    // The weights leave the module before it becomes LLVM IR (Weights.h):
    // --weights=external moves them to `<path>.weights`, written once the
    // artifact is (nothing half-written on failure); otherwise they go to
    // an object file of their own. LLVM IR text keeps them inline.
    bool external = options.externalWeights;
    std::vector<smelt::Weight> weights;
    llvm::SmallString<256> weightsPath(path);
    llvm::sys::path::replace_extension(weightsPath, "weights");
    if (external) {
      if (path == "-")
        return emitError(loc) << "--weights=external needs an output file";
      uint64_t size = 0;
      weights = smelt::externalizeWeights(
          module, llvm::sys::path::filename(weightsPath), size);
    } else if (kind != smelt::ArtifactKind::LLVMIR) {
      weights = smelt::takeWeights(module);
    }
    auto writeWeightsFile = [&]() -> LogicalResult {
      if (!external)
        return success();
      return writeAtomically(
          weightsPath,
          [&](llvm::raw_pwrite_stream &os) {
            smelt::writeWeightsFile(weights, os);
          },
          loc);
    };
    registerBuiltinDialectTranslation(*module.getContext());
    registerLLVMDialectTranslation(*module.getContext());
    registerOpenMPDialectTranslation(*module.getContext());
    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::Module> llvmModule =
        translateModuleToLLVMIR(module, llvmContext, "smelt_model");
    if (!llvmModule)
      return emitError(loc) << "cannot translate the module to LLVM IR";

    std::string error;
    std::unique_ptr<llvm::TargetMachine> machine =
        createHostTargetMachine(options, error);
    if (!machine)
      return emitError(loc) << error;
    llvmModule->setDataLayout(machine->createDataLayout());
    llvmModule->setTargetTriple(machine->getTargetTriple());
    // Parallel kernels call OpenMP's runtime (libomp), which the library
    // then links.
    bool usesOpenMP = llvmModule->getFunction("__kmpc_fork_call") != nullptr;
    unsigned optLevel =
        static_cast<unsigned>(std::clamp(options.optLevel, 0, 3));

    if (kind == smelt::ArtifactKind::LLVMIR) {
      if (!smelt::optimizeModule(*llvmModule, optLevel, *machine, error))
        return emitError(loc) << error;
      std::string text;
      llvm::raw_string_ostream os(text);
      llvmModule->print(os, nullptr);
      if (failed(writeWeightsFile()))
        return failure();
      return writeAtomically(path, text, loc);
    }

    // The code as objects, compiled on every core (SplitCodegen.h).
    auto createMachine = [&](std::string &error) {
      return createHostTargetMachine(options, error);
    };
    smelt::CodegenConfig codegen;
    codegen.createMachine = createMachine;
    codegen.optLevel = optLevel;
    codegen.threads = options.compileThreads;
    llvm::SmallVector<llvm::SmallString<0>> objects;
    if (!smelt::generateObjects(std::move(llvmModule), codegen, objects,
                                error))
      return emitError(loc) << error;
    bool embedded = !external && !weights.empty();
    if (kind == smelt::ArtifactKind::Object && !embedded &&
        objects.size() == 1)
      return failure(failed(writeWeightsFile()) ||
                     failed(writeAtomically(path, objects.front(), loc)));

    std::vector<TemporaryFile> codeObjects(objects.size());
    for (auto [file, object] : llvm::zip(codeObjects, objects))
      if (failed(file.create("smelt-model", "o", loc,
                             [&](llvm::raw_pwrite_stream &os) {
                               os << object;
                               return success();
                             })))
        return failure();
    objects.clear();
    TemporaryFile weightsObject;
    if (embedded &&
        failed(weightsObject.create(
            "smelt-weights", "o", loc, [&](llvm::raw_pwrite_stream &os) {
              if (succeeded(smelt::emitWeightsObject(*machine, weights, os,
                                                     error)))
                return success();
              return LogicalResult(emitError(loc) << error);
            })))
      return failure();

    // One relocatable object: the code's and the weights' linked together.
    llvm::SmallVector<llvm::StringRef> args;
    if (kind == smelt::ArtifactKind::Object) {
      args = {"-r", "-nostdlib"};
      for (const TemporaryFile &file : codeObjects)
        args.push_back(file.path);
      if (embedded)
        args.push_back(weightsObject.path);
      return link(args, path, loc, writeWeightsFile);
    }
    // A shared library.
    args = {"-shared"};
    for (const TemporaryFile &file : codeObjects)
      args.push_back(file.path);
    if (embedded)
      args.push_back(weightsObject.path);
    args.append({"-lm", "-Wl,-z,noexecstack"});
    std::string openMPDir = std::string("-L") + SMELT_OPENMP_LIBRARY_DIR;
    std::string openMPRpath =
        std::string("-Wl,-rpath,") + SMELT_OPENMP_LIBRARY_DIR;
    if (usesOpenMP)
      args.append({openMPDir, "-lomp", openMPRpath});
    return link(args, path, loc, writeWeightsFile);
  }
};

} // namespace

const smelt::Target &smelt::getCPUTarget() {
  static CPUTarget target;
  return target;
}

void smelt::registerCPUTarget() { registerTarget(getCPUTarget()); }
