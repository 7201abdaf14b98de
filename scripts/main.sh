#!/usr/bin/env bash
# The main job: sets up, builds, then compiles the example kernels for the
# CPU, runs them, and checks them against the reference VM.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${ANYBIT_BUILD_DIR:-build}
cmake --build "$BUILD_DIR"
INPUTS="$BUILD_DIR/example-inputs"
/usr/bin/python3 examples/make_inputs.py "$INPUTS"
echo "== i3 x f32 group-scaled matmul (examples/mixed_precision_matmul.mlir)"
"$BUILD_DIR/bin/anybitc" examples/mixed_precision_matmul.mlir --target=cpu \
  --run=main --check --inputs "$INPUTS/x.npy" "$INPUTS/w.npy" "$INPUTS/s.npy"
echo "== negacyclic product via NTT, BAT matrix-vector product (examples/he_kernels.mlir)"
"$BUILD_DIR/bin/anybitc" examples/he_kernels.mlir --target=cpu \
  --run=polymul --check --inputs "$INPUTS/pa.npy" "$INPUTS/pb.npy" | tail -n 1
"$BUILD_DIR/bin/anybitc" examples/he_kernels.mlir --target=cpu --modarith-bat \
  --run=matvec --check --inputs "$INPUTS/hx.npy"
echo "== RNS negacyclic product modulo a 60-bit P, NTTs as MAT+BAT matmuls (examples/he_kernels.mlir)"
"$BUILD_DIR/bin/anybitc" examples/he_kernels.mlir --target=cpu --modarith-ntt=mat \
  --modarith-bat --run=rns_polymul --check --inputs "$INPUTS/ra.npy" "$INPUTS/rb.npy" | tail -n 1
echo "== f32 -> e3m2 -> f32 (examples/e3m2_cast_roundtrip.mlir)"
"$BUILD_DIR/bin/anybitc" examples/e3m2_cast_roundtrip.mlir --target=cpu \
  --run=main --check --inputs "$INPUTS/c.npy"
echo "== int2 x f32 GEMV of weights tiled for lookups, a batch of 4 (examples/lookup_gemv.mlir)"
"$BUILD_DIR/bin/anybitc" examples/lookup_gemv.mlir --target=cpu \
  --run=main --check --inputs "$INPUTS/lx.npy" "$INPUTS/lw.npy" "$INPUTS/ls.npy" | tail -n 1
echo "== int3 x f32 GEMV of weights in bit planes, a batch of 4 (examples/lookup_gemv.mlir @int3)"
"$BUILD_DIR/bin/anybitc" examples/lookup_gemv.mlir --target=cpu \
  --run=int3 --check --inputs "$INPUTS/lx.npy" "$INPUTS/lw3.npy" "$INPUTS/ls.npy" | tail -n 1
echo "== one MatMul-free LM block: MLGRU + GLU of ternary BitLinear layers (examples/matmulfree_block.py)"
PYTHONPATH="$BUILD_DIR/python" /usr/bin/python3 examples/matmulfree_block.py | tail -n 1
