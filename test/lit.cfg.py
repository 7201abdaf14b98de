# -*- Python -*-
import os

import lit.formats

config.name = "Anybit"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit",
                   "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.anybit_obj_root, "test")

# Our tools first, then LLVM's FileCheck, not, split-file.
config.environment["PATH"] = os.pathsep.join(
    [config.anybit_tools_dir, config.llvm_tools_dir,
     config.environment.get("PATH", "")])
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%examples",
                             os.path.join(config.anybit_src_root, "examples")))
# The C++ compiler that builds the C ABI example (installed by setup.sh).
config.substitutions.append(("%cxx", "clang++-22"))
