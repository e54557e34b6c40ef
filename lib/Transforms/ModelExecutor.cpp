//===- ModelExecutor.cpp - The registry of model executors -----------------===//

#include "smelt/Transforms/ModelExecutor.h"

#include "llvm/ADT/StringMap.h"

#include <mutex>

using namespace smelt;

SampleSet::~SampleSet() = default;
LoadedModel::~LoadedModel() = default;
ModelExecutor::~ModelExecutor() = default;

namespace {
struct Registry {
  std::mutex mutex;
  llvm::StringMap<ModelExecutorFactory> factories;
};
Registry &registry() {
  static Registry instance;
  return instance;
}
} // namespace

void smelt::registerModelExecutor(llvm::StringRef name,
                                  ModelExecutorFactory factory) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  registry().factories[name] = std::move(factory);
}

std::unique_ptr<ModelExecutor> smelt::createModelExecutor(llvm::StringRef name) {
  std::lock_guard<std::mutex> lock(registry().mutex);
  auto it = registry().factories.find(name);
  return it == registry().factories.end() ? nullptr : it->second();
}

std::vector<std::string> smelt::getModelExecutorNames() {
  std::lock_guard<std::mutex> lock(registry().mutex);
  std::vector<std::string> names;
  for (const auto &entry : registry().factories)
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}
