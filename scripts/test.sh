#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (unit, lit, end-to-end).
# Ends with ctest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${ANYBIT_BUILD_DIR:-build}
cmake --build "$BUILD_DIR"
cd "$BUILD_DIR"
ctest --output-on-failure -j2
