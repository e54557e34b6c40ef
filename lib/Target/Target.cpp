//===- Target.cpp - The registry of Smelt's targets -------------------------===//

#include "smelt/Target/Target.h"

#include "smelt/Target/CPU/CPUTarget.h"

smelt::Target::~Target() = default;

const smelt::Target *smelt::lookupTarget(llvm::StringRef name) {
  if (name == getCPUTarget().getName())
    return &getCPUTarget();
  return nullptr;
}

std::vector<std::string> smelt::getTargetNames() {
  return {getCPUTarget().getName().str()};
}
