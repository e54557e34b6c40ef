//===- SplitCodegen.cpp - LLVM's optimizer and code generator on all cores ===//
//
// The partitions: every function definition starts a cluster; a local
// function or variable that one cluster alone uses joins it (a helper its
// caller, a constant table its reader) unless it is never inlined (a
// kernel, which the graph function alone calls, is a cluster of its own);
// whatever several clusters use becomes a hidden global, defined in one
// partition and declared in the others (the library still exports nothing
// new). Link-once definitions are copied into every partition. Clusters go,
// largest first, to the partition with the fewest instructions so far.
//
//===----------------------------------------------------------------------===//

#include "SplitCodegen.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/Cloning.h"
#include "llvm/Transforms/Utils/ValueMapper.h"

#include <algorithm>

using namespace llvm;

namespace {

/// The global values (functions, or variables through their initializers)
/// that use `value`, looking through constant expressions.
SmallPtrSet<const GlobalValue *, 4> usersOf(const GlobalValue &value) {
  SmallPtrSet<const GlobalValue *, 4> users;
  SmallVector<const User *> work(value.users());
  while (!work.empty()) {
    const User *user = work.pop_back_val();
    if (auto *inst = dyn_cast<Instruction>(user))
      users.insert(inst->getFunction());
    else if (auto *global = dyn_cast<GlobalValue>(user))
      users.insert(global);
    else
      work.append(user->user_begin(), user->user_end());
  }
  return users;
}

/// Definitions every partition may hold a copy of.
bool copiedEverywhere(const GlobalValue &value) {
  return value.hasLinkOnceODRLinkage() || value.hasWeakODRLinkage();
}

/// Optimizes and compiles one module; false with `error` set on failure.
bool compile(Module &module, const smelt::CodegenConfig &config,
             TargetMachine &machine, SmallString<0> &object,
             std::string &error) {
  if (!smelt::optimizeModule(module, config.optLevel, machine, error))
    return false;
  raw_svector_ostream os(object);
  legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, os, nullptr,
                                  CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  codegen.run(module);
  return true;
}

/// Assigns each definition of `module` to one of at most `parts`
/// partitions (fewer when the module is small), making shared locals
/// hidden globals. Returns the partition count; `partitionOf` has every
/// definition but those copied everywhere.
unsigned partition(Module &module, unsigned parts, unsigned minInstructions,
                   DenseMap<const GlobalValue *, unsigned> &partitionOf) {
  EquivalenceClasses<const GlobalValue *> clusters;
  SmallVector<const GlobalValue *> order;
  uint64_t total = 0;
  for (GlobalValue &value : module.global_values()) {
    if (value.isDeclaration() || copiedEverywhere(value))
      continue;
    clusters.insert(&value);
    order.push_back(&value);
    if (auto *function = dyn_cast<Function>(&value))
      total += function->getInstructionCount();
  }
  parts = std::max<uint64_t>(
      1, std::min<uint64_t>(parts, total / std::max(1u, minInstructions)));
  if (parts == 1)
    return 1;

  // A local that one other definition alone uses goes with it, except
  // functions never inlined (the kernels, which the graph function alone
  // calls).
  for (const GlobalValue *value : order) {
    auto *function = dyn_cast<Function>(value);
    if (!value->hasLocalLinkage() ||
        (function && function->hasFnAttribute(Attribute::NoInline)))
      continue;
    SmallPtrSet<const GlobalValue *, 4> users = usersOf(*value);
    if (users.size() == 1 && !(*users.begin())->isDeclaration() &&
        !copiedEverywhere(**users.begin()))
      clusters.unionSets(value, *users.begin());
  }
  // Locals used from another cluster, or from a copied definition, become
  // hidden globals (named, if they were not).
  unsigned unnamed = 0;
  for (GlobalValue &value : module.global_values()) {
    if (value.isDeclaration() || !value.hasLocalLinkage())
      continue;
    const GlobalValue *leader = clusters.getLeaderValue(&value);
    bool shared = llvm::any_of(usersOf(value), [&](const GlobalValue *user) {
      return copiedEverywhere(*user) ||
             clusters.getLeaderValue(user) != leader;
    });
    if (!shared)
      continue;
    if (!value.hasName())
      value.setName("__smelt_split_" + Twine(unnamed++));
    value.setLinkage(GlobalValue::ExternalLinkage);
    value.setVisibility(GlobalValue::HiddenVisibility);
  }

  // Largest cluster first onto the lightest partition; ties in module
  // order, so the split is the same at every compile.
  DenseMap<const GlobalValue *, std::pair<uint64_t, unsigned>> weight;
  for (auto [index, value] : llvm::enumerate(order)) {
    const GlobalValue *leader = clusters.getLeaderValue(value);
    auto [it, inserted] =
        weight.try_emplace(leader, 0, static_cast<unsigned>(index));
    if (auto *function = dyn_cast<Function>(value))
      it->second.first += function->getInstructionCount();
  }
  SmallVector<const GlobalValue *> leaders;
  for (auto &entry : weight)
    leaders.push_back(entry.first);
  llvm::sort(leaders, [&](const GlobalValue *a, const GlobalValue *b) {
    auto [wa, ia] = weight[a];
    auto [wb, ib] = weight[b];
    return wa != wb ? wa > wb : ia < ib;
  });
  SmallVector<uint64_t> load(parts, 0);
  DenseMap<const GlobalValue *, unsigned> leaderPartition;
  for (const GlobalValue *leader : leaders) {
    unsigned lightest = std::min_element(load.begin(), load.end()) - load.begin();
    leaderPartition[leader] = lightest;
    load[lightest] += weight[leader].first;
  }
  for (const GlobalValue *value : order)
    partitionOf[value] = leaderPartition[clusters.getLeaderValue(value)];
  return parts;
}

} // namespace

bool smelt::optimizeModule(Module &module, unsigned optLevel,
                           TargetMachine &machine, std::string &error) {
  auto optimize =
      mlir::makeOptimizingTransformer(optLevel, /*sizeLevel=*/0, &machine);
  if (Error err = optimize(&module)) {
    error = "LLVM optimization failed: " + toString(std::move(err));
    return false;
  }
  return true;
}

bool smelt::generateObjects(std::unique_ptr<Module> module,
                            const CodegenConfig &config,
                            SmallVectorImpl<SmallString<0>> &objects,
                            std::string &error) {
  unsigned threads = config.threads ? config.threads
                                    : llvm::hardware_concurrency().compute_thread_count();
  DenseMap<const GlobalValue *, unsigned> partitionOf;
  unsigned parts =
      partition(*module, threads, config.minInstructions, partitionOf);
  if (parts == 1) {
    std::unique_ptr<TargetMachine> machine = config.createMachine(error);
    if (!machine)
      return false;
    return compile(*module, config, *machine, objects.emplace_back(), error);
  }

  // Each partition as bitcode, to be read into a context of its own.
  SmallVector<SmallVector<char, 0>> bitcode(parts);
  for (unsigned part = 0; part < parts; ++part) {
    ValueToValueMapTy mapping;
    std::unique_ptr<Module> clone =
        CloneModule(*module, mapping, [&](const GlobalValue *value) {
          auto it = partitionOf.find(value);
          return it == partitionOf.end() ? copiedEverywhere(*value)
                                         : it->second == part;
        });
    raw_svector_ostream os(bitcode[part]);
    WriteBitcodeToFile(*clone, os);
  }
  module.reset();

  SmallVector<SmallString<0>> results(parts);
  SmallVector<std::string> errors(parts);
  {
    DefaultThreadPool pool(llvm::hardware_concurrency(parts));
    for (unsigned part = 0; part < parts; ++part)
      pool.async([&, part] {
        LLVMContext context;
        Expected<std::unique_ptr<Module>> loaded = parseBitcodeFile(
            MemoryBufferRef(StringRef(bitcode[part].data(),
                                      bitcode[part].size()),
                            "partition"),
            context);
        if (!loaded) {
          errors[part] = "cannot read a partition back: " +
                         toString(loaded.takeError());
          return;
        }
        std::unique_ptr<TargetMachine> machine =
            config.createMachine(errors[part]);
        if (machine)
          compile(**loaded, config, *machine, results[part], errors[part]);

      });
    pool.wait();
  }
  for (unsigned part = 0; part < parts; ++part) {
    if (!errors[part].empty()) {
      error = errors[part];
      return false;
    }
    objects.push_back(std::move(results[part]));
  }
  return true;
}
