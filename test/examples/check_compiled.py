"""Compiles every argument-free function of the VM's lit tests for the CPU
and checks it against the reference VM (anybitc --check). Those tests hold
hand-checked vectors; this makes each one a compiled-code test too.

Usage: /usr/bin/python3 check_compiled.py TEST_INTERP_DIR
(anybitc must be on PATH.)
"""
import glob
import os
import re
import subprocess
import sys

# Files whose point is an error the VM reports (undefined behaviour, ops on
# packed values): compiled code does not check for those.
SKIP = re.compile(r"errors|truncf-rounding-mode")

passed, failed = 0, []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.mlir"))):
    if SKIP.search(os.path.basename(path)):
        continue
    for entry in re.findall(r"^func\.func @([\w$.]+)\(\)", open(path).read(), re.M):
        run = subprocess.run(["anybitc", path, "--run=" + entry, "--check"],
                             capture_output=True, text=True)
        name = "%s @%s" % (os.path.basename(path), entry)
        if run.returncode == 0 and "match the reference VM" in run.stdout:
            passed += 1
        else:
            failed.append(name)
            print("FAIL: %s\n%s" % (name, run.stderr.strip()[:2000]))
print("%d passed, %d failed" % (passed, len(failed)))
sys.exit(1 if failed else 0)
