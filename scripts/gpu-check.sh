#!/usr/bin/env bash
# gpu-check.sh: on a machine with an NVIDIA GPU, runs the CUDA backend's gpu tests (every
# kernel against the CPU reference, whole tiny models end to end) and the GPU benchmark, and
# prints a short table; sized to finish within 5 minutes on an H200. docs/engine-cuda.md.
#
# Two ways to get the binaries, and the script says which it used and why:
#   prebuilt  a bundle built on an ordinary machine with `gpu-check.sh --build-dist`
#             (nvcc, sm_90a, the engine-only portable configuration: no shared library but the
#             driver, and cuBLASLt if it is there) plus the tiny test checkpoints; carried to
#             the GPU machine in build-gpu-dist/.
#   source    built on the GPU machine itself from the engine-only configuration, which needs
#             CUDA, CMake, a C++20 compiler and the few libraries common/ uses (nlohmann-json,
#             spdlog, fmt, re2, GoogleTest); missing ones are named, nothing is vendored.
#
# usage: scripts/gpu-check.sh [--mode auto|prebuilt|source] [--dist DIR] [--out DIR]
#        scripts/gpu-check.sh --build-dist [--dist DIR]        (on a build machine)
#        scripts/gpu-check.sh --build-only [--mode source]     (build, do not run; any machine)
# exit: 0 all passed | 1 a test or the benchmark failed | 2 usage | 3 no NVIDIA GPU here
#       | 4 no usable binaries (prebuilt bundle absent or unloadable, and no source build)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=auto DIST=$ROOT/build-gpu-dist SRC_BUILD=$ROOT/build-gpu OUT=${OUT:-$ROOT/build-gpu-out}
ACTION=run
BINS="engine_cuda_ops_test engine_cuda_engine_test gpu_engine_bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) MODE=${2:-}; shift 2 ;;
    --dist) DIST=$(realpath -m "${2:-}"); shift 2 ;;
    --out) OUT=$(realpath -m "${2:-}"); shift 2 ;;
    --build-dist) ACTION=dist; shift ;;
    --build-only) ACTION=build; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$MODE" in auto|prebuilt|source) ;; *) echo "gpu-check: --mode must be auto, prebuilt or source" >&2; exit 2 ;; esac
JOBS=$(nproc 2>/dev/null || echo 2)
say() { echo "gpu-check: $*"; }

find_nvcc() {
  for c in "${CUDACXX:-}" "$(command -v nvcc 2>/dev/null)" /usr/local/cuda/bin/nvcc; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}

# configure_build DIR EXTRA_CMAKE_ARGS...: the engine-only configuration with CUDA; on failure
# prints CMake's reason (which package it could not find).
configure_build() {
  local dir=$1; shift
  local nvcc; nvcc=$(find_nvcc) || { echo "no CUDA compiler (nvcc) found"; return 1; }
  command -v cmake >/dev/null || { echo "no cmake"; return 1; }
  local gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
  mkdir -p "$dir"
  local log=$dir/gpu-check-configure.log
  if ! cmake -S "$ROOT" -B "$dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DAGENT_ENGINE_ONLY=ON -DAGENT_CUDA=ON \
      -DCMAKE_CUDA_COMPILER="$nvcc" "$@" >"$log" 2>&1; then
    grep -E "Could not find|not found|No package|Could NOT find|requires|Error" "$log" | sort -u | head -8
    return 1
  fi
}

build_targets() {  # DIR TARGETS...
  local dir=$1; shift
  local t0=$SECONDS
  cmake --build "$dir" -j "$JOBS" --target "$@" >"$dir/gpu-check-build.log" 2>&1 || { tail -20 "$dir/gpu-check-build.log"; return 1; }
  say "built $* in $((SECONDS - t0)) s ($JOBS jobs)"
}

build_dist() {
  say "building the prebuilt bundle in $DIST (engine-only, portable link, sm_90a)"
  local b=$DIST.build
  configure_build "$b" -DAGENT_PORTABLE=ON || { say "cannot configure the portable build"; return 4; }
  build_targets "$b" $BINS engine_tiny_checkpoints || return 4
  rm -rf "$DIST" && mkdir -p "$DIST/bin"
  for t in $BINS; do
    local f; f=$(find "$b" -type f -name "$t" -perm -u+x | head -1)
    cp "$f" "$DIST/bin/" && strip "$DIST/bin/$t" 2>/dev/null
  done
  # The tiny checkpoints (safetensors folders only: the GPU tests read no GGUF), keyed as
  # the tests' shared cache expects, so the GPU machine needs no Python.
  local tmp; tmp=$(mktemp -d)
  AGENT_BINARY_DIR=$tmp AGENT_SOURCE_DIR=$ROOT "$(find "$b" -type f -name engine_tiny_checkpoints | head -1)" \
    >/dev/null || { rm -rf "$tmp"; say "cannot write the tiny checkpoints"; return 4; }
  for d in "$tmp"/engine-tiny-checkpoints/*/; do
    mkdir -p "$DIST/engine-tiny-checkpoints/$(basename "$d")"
    cp -r "$d/folder" "$d/DONE" "$DIST/engine-tiny-checkpoints/$(basename "$d")/"
  done
  rm -rf "$tmp"
  local deps; deps=$(ldd "$DIST"/bin/* 2>/dev/null | awk '/=>/ {print $1}' | sort -u | tr '\n' ' ')
  { echo "built: $(date -u +%FT%TZ) on $(hostname) ($(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-?}"))"
    echo "commit: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo '+local changes')"
    echo "nvcc: $("$(find_nvcc)" --version | tail -2 | head -1)"
    echo "shared libraries needed: $deps"; } >"$DIST/MANIFEST"
  say "bundle ready: $(du -sh "$DIST" | cut -f1) in $DIST"; cat "$DIST/MANIFEST"
}

# Where libcublasLt.so.13 is, if not on the loader's path (the CUDA toolkit, or PyTorch's
# nvidia-cublas wheel). The binaries load it at run time and fall back to their own kernels.
find_cublaslt() {
  ldconfig -p 2>/dev/null | grep -q 'libcublasLt.so.13' && return 0
  local d
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib \
           $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null | tr ' ' '\n' |
             sed -e 's|$|/nvidia/cu13/lib|' -e 'p' -e 's|cu13/lib|cublas/lib|'); do
    if [ -e "$d/libcublasLt.so.13" ]; then export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; return 0; fi
  done
  return 1
}

# prebuilt_ok: the bundle exists and its binaries load here (prints why not).
prebuilt_ok() {
  [ -f "$DIST/MANIFEST" ] || { echo "no prebuilt bundle at $DIST (build one with --build-dist)"; return 1; }
  local missing; missing=$(ldd "$DIST"/bin/* 2>&1 | grep -E "not found|No such" | sort -u | head -3)
  [ -z "$missing" ] || { echo "the bundle's binaries do not load here: $missing"; return 1; }
}

choose_mode() {  # sets BIN, MODE_USED, WHY; returns 4 when there is none
  local why_pre why_src
  if [ "$MODE" != source ]; then
    if why_pre=$(prebuilt_ok); then
      BIN=$DIST/bin MODE_USED=prebuilt CKPT=$DIST
      WHY="bundle from $(head -1 "$DIST/MANIFEST" | cut -d' ' -f2-), $(sed -n 2p "$DIST/MANIFEST"); it loads here"
      return 0
    fi
    [ "$MODE" = prebuilt ] && { say "mode prebuilt unavailable: $why_pre"; return 4; }
  fi
  say "building from source in $SRC_BUILD (${why_pre:-source mode asked for})"
  if why_src=$(configure_build "$SRC_BUILD" 2>&1) && build_targets "$SRC_BUILD" $BINS; then
    BIN=$SRC_BUILD MODE_USED=source CKPT=$SRC_BUILD
    WHY="${why_pre:+$why_pre; }built here with CUDA and CMake (engine-only configuration)"
    return 0
  fi
  say "no usable binaries."
  [ -n "${why_pre:-}" ] && say "  prebuilt: $why_pre"
  say "  source: the engine-only configuration needs CUDA, CMake, nlohmann-json, spdlog, fmt, re2 and GoogleTest;"
  echo "$why_src" | sed 's/^/gpu-check:    /'
  return 4
}

bin() { find "$BIN" -type f -name "$1" -perm -u+x | head -1; }

# run_tests NAME TIMEOUT: one gpu test binary; records "passed/failed/skipped" for the table.
declare -A RESULT TIME
FAILED=0
run_tests() {
  local name=$1 limit=$2 t0=$SECONDS log="$OUT/$1.log"
  AGENT_SOURCE_DIR=$ROOT AGENT_BINARY_DIR=$CKPT timeout "$limit" "$(bin "$name")" --gtest_brief=1 >"$log" 2>&1
  local rc=$?
  TIME[$name]=$((SECONDS - t0))
  local pass fail skip
  pass=$(grep -oE '^\[  PASSED  \] [0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  fail=$(grep -oE '^\[  FAILED  \] [0-9]+ test' "$log" | grep -oE '[0-9]+' || echo 0)
  skip=$(grep -oE '^\[  SKIPPED \] [0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  RESULT[$name]="${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
  [ $rc -eq 124 ] && RESULT[$name]+=" (timed out at ${limit} s)"
  if [ $rc -ne 0 ]; then FAILED=1; grep -E "Failure|FAILED|error|Expected|Which is|relative error" "$log" | head -20; fi
}

if [ "$ACTION" = dist ]; then build_dist; exit $?; fi
if [ "$ACTION" = build ]; then
  if [ "$MODE" = prebuilt ]; then build_dist; exit $?; fi
  say "building from source in $SRC_BUILD"
  configure_build "$SRC_BUILD" || exit 4
  build_targets "$SRC_BUILD" $BINS || exit 4
  say "build only: done (no run requested)"; exit 0
fi

# ---- run ----
# GPU_CHECK_FAKE_GPU=1 skips the detection: to exercise this script's own logic on a machine
# without a GPU (the tests then skip and the benchmark exits 3, which is reported as a failure).
if [ "${GPU_CHECK_FAKE_GPU:-0}" = 1 ]; then
  GPUS="GPU 0: (none: GPU_CHECK_FAKE_GPU=1, a self-test of gpu-check.sh)"
elif command -v nvidia-smi >/dev/null 2>&1; then
  GPUS=$(nvidia-smi -L 2>&1) || GPUS=""
else
  GPUS=$(ls /dev/nvidia[0-9]* 2>/dev/null)
fi
if [ -z "$GPUS" ] || ! echo "$GPUS" | grep -qiE "GPU|nvidia[0-9]"; then
  say "no NVIDIA GPU on this machine (nvidia-smi: $(command -v nvidia-smi >/dev/null && echo "${GPUS:-no devices}" || echo 'not installed'); no /dev/nvidia*)."
  say "the gpu tests and the benchmark need one; nothing was run (see docs/engine-cuda.md)."
  exit 3
fi
say "GPU: $(echo "$GPUS" | head -1)"
choose_mode || exit 4
find_cublaslt && CUBLAS="cuBLASLt found" || CUBLAS="no libcublasLt.so.13: FP8 GEMMs on our own kernels"
say "mode: $MODE_USED ($WHY); $CUBLAS"
mkdir -p "$OUT"
T0=$SECONDS
run_tests engine_cuda_ops_test 90
run_tests engine_cuda_engine_test 100
t0=$SECONDS
timeout 100 "$(bin gpu_engine_bench)" --budget-s 75 --json "$OUT/bench.json" >"$OUT/bench.log" 2>&1
rc=$?
TIME[bench]=$((SECONDS - t0))
[ $rc -eq 0 ] && RESULT[bench]="ok" || { RESULT[bench]="failed (exit $rc)"; FAILED=1; }
sed -n '/^GPU engine benchmark/,$p' "$OUT/bench.log"
[ $rc -ne 0 ] && tail -5 "$OUT/bench.log"
echo
printf '%-26s %-44s %6s\n' "check ($MODE_USED)" "result" "time"
for k in engine_cuda_ops_test engine_cuda_engine_test; do printf '%-26s %-44s %5ss\n' "$k" "${RESULT[$k]}" "${TIME[$k]}"; done
printf '%-26s %-44s %5ss\n' gpu_engine_bench "${RESULT[bench]}" "${TIME[bench]}"
say "total $((SECONDS - T0)) s; logs in $OUT"
exit $FAILED
