//===- Target.cpp - The registry of Smelt's targets -------------------------===//

#include "smelt/Target/Target.h"

#include "llvm/ADT/StringMap.h"

#include <mutex>

smelt::Target::~Target() = default;

namespace {
struct Registry {
  std::mutex mutex;
  llvm::StringMap<const smelt::Target *> targets;
};
Registry &registry() {
  static Registry instance;
  return instance;
}
} // namespace

void smelt::registerTarget(const Target &target) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().targets[target.getName()] = &target;
}

const smelt::Target *smelt::lookupTarget(llvm::StringRef name) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  auto it = registry().targets.find(name);
  return it == registry().targets.end() ? nullptr : it->second;
}

std::vector<std::string> smelt::getTargetNames() {
  std::lock_guard<std::mutex> lock(registry().mutex);
  std::vector<std::string> names;
  for (const auto &entry : registry().targets)
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}
