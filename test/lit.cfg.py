# -*- Python -*-
import os

import lit.formats

config.name = "Smelt"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".onnxtext", ".test"]
config.excludes = ["Inputs", "External", "conformance", "models", "CMakeLists.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.smelt_obj_root, "test")

# Tools: ours first, then LLVM's FileCheck, not, split-file.
config.environment["PATH"] = os.pathsep.join(
    [config.smelt_tools_dir, config.llvm_tools_dir,
     config.environment.get("PATH", os.environ.get("PATH", ""))])
config.substitutions.append(("%python", config.python_executable))
# Smelt's plugin for LLVM's stock mlir-opt, and that mlir-opt.
config.substitutions.append(("%smelt_plugin", os.path.join(config.smelt_obj_root,
                                                           "lib", "SmeltPlugin.so")))
config.substitutions.append(("%stock_mlir_opt", os.path.join(config.llvm_tools_dir,
                                                             "mlir-opt")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root,
                                                     "Inputs")))
# LLVM's libraries (libomp: an object file from smeltc links with -lomp).
config.substitutions.append(("%llvm_lib_dir", os.path.normpath(
    os.path.join(config.llvm_tools_dir, "..", "lib"))))
