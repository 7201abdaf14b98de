#!/usr/bin/env bash
# A larger differential sweep than the test suite's: the random tests of
# anybit-differential-tests (kernels over random widths, float formats,
# packed encodings, moduli and reduction methods, compiled for the CPU and
# compared bit for bit with the reference VM), each ROUNDS times its
# suite size, once per seed 1..SEEDS. The fixed-size tests (the exhaustive
# modulus sweep, the transforms, the 128-bit operand sweep) are left out.
#
#   scripts/differential-sweep.sh [ROUNDS=10] [SEEDS=3]
#
# Ends with a line "N passed, M failed" (one run per seed).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${ANYBIT_BUILD_DIR:-build}
rounds=${1:-10}
seeds=${2:-3}
cmake --build "$BUILD_DIR" --target anybit-differential-tests || exit 1
passed=0
failed=0
for seed in $(seq 1 "$seeds"); do
  echo "== seed $seed, $rounds rounds"
  last="$BUILD_DIR/sweep-seed$seed-last-kernel.mlir"
  if ANYBIT_SWEEP_SCALE=$rounds ANYBIT_SWEEP_SEED=$seed ANYBIT_SWEEP_DUMP="$last" \
      "$BUILD_DIR/bin/anybit-differential-tests" \
      --gtest_filter='-*Exhaustive*:*Transforms*:*Millions*' --gtest_brief=1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "seed $seed failed; the last kernel it compiled is in $last"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
