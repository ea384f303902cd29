#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/) and runs each one for a bounded time from a copy of
# its committed seed corpus (Fuzz/corpus/<target>), so a CI run never grows the corpus.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]
#
# Prints one line per target (executions, coverage, features, new inputs, outcome) and
# exits non-zero if any target crashed, timed out, ran out of memory or leaked. Crashing
# inputs are kept in fuzz-out/<target>/artifacts/ (printed), with the target's full log.
#
# Environment: SWITCHYARD_FUZZ_SCRATCH (build folder, default .build-fuzz),
# SWITCHYARD_FUZZ_CONFIG (release, the default, or debug: CI builds debug in the test
# suite's own .build, so only our three modules are compiled again, with the fuzzer flags),
# SWITCHYARD_FUZZ_OUT (default fuzz-out), SWITCHYARD_FUZZ_JOBS (targets run at once,
# default: the number of cores), SWITCHYARD_FUZZ_KEEP_CORPUS=1 (merge what the run found
# back into Fuzz/corpus, for growing the seeds by hand; never in CI).
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

seconds="${1:-30}"
shift || true
scratch="${SWITCHYARD_FUZZ_SCRATCH:-.build-fuzz}"
config="${SWITCHYARD_FUZZ_CONFIG:-release}"
out="${SWITCHYARD_FUZZ_OUT:-fuzz-out}"
jobs="${SWITCHYARD_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for dir in Fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

echo "== fuzz: building ($config; our modules with -sanitize=fuzzer,address) in $scratch"
build_start=$(date +%s)
# SWITCHYARD_FUZZ=1 makes Package.swift declare the fuzz target and instrument our modules.
if ! SWITCHYARD_FUZZ=1 swift build -c "$config" --scratch-path "$scratch" --product SwitchyardFuzz; then
  echo "fuzz: build failed" >&2
  exit 1
fi
binary="$(SWITCHYARD_FUZZ=1 swift build -c "$config" --scratch-path "$scratch" --show-bin-path)/SwitchyardFuzz"
echo "== fuzz: built in $(( $(date +%s) - build_start ))s; ${#targets[@]} targets x ${seconds}s, $jobs at a time"

# The dictionary and the longest input worth trying, per target.
dictionary() {
  case "$1" in
    sse) echo Fuzz/dictionaries/sse.dict ;;
    eventstream) echo Fuzz/dictionaries/eventstream.dict ;;
    config) echo Fuzz/dictionaries/yaml.dict ;;
    *) echo Fuzz/dictionaries/json.dict ;;
  esac
}
max_len() {
  case "$1" in
    eventstream | config) echo 4096 ;;
    *) echo 8192 ;;
  esac
}

# Runs one target; writes its summary line to $out/<target>/summary.
run_target() {
  local target="$1" dir="$out/$1"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp Fuzz/corpus/"$target"/* "$dir/corpus/"
  local started=$(date +%s)
  # SWIFT_BACKTRACE: let libFuzzer, not Swift's backtracer, catch a trap, so it saves the input.
  SWITCHYARD_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no \
    ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:handle_abort=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    "$binary" "$dir/corpus" \
    -dict="$(dictionary "$target")" -max_len="$(max_len "$target")" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$dir/artifacts/" -print_final_stats=1 >"$dir/log" 2>&1
  local status=$?
  local elapsed=$(( $(date +%s) - started ))
  local runs cov ft units outcome
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
  units=$(sed -n 's/^stat::new_units_added: *//p' "$dir/log" | tail -1)
  if [ "$status" -eq 0 ] && [ -z "$(ls -A "$dir/artifacts")" ]; then
    outcome="ok"
  else
    outcome="FAILED (exit $status): $(grep -m1 -oE 'ERROR: [A-Za-z]+: [^ ]+( [^ ]+)?|Fatal error: .*|invariant failed: .*' "$dir/log" | head -c 160)"
    outcome="$outcome; inputs: $(ls "$dir/artifacts" | sed "s|^|$dir/artifacts/|" | tr '\n' ' ')"
  fi
  printf '%-20s %6ss  execs %-9s cov %-6s ft %-6s new %-5s %s\n' \
    "$target" "$elapsed" "${runs:-?}" "${cov:-?}" "${ft:-?}" "${units:-?}" "$outcome" >"$dir/summary"
  if [ "${SWITCHYARD_FUZZ_KEEP_CORPUS:-0}" = 1 ]; then
    SWITCHYARD_FUZZ_TARGET="$target" "$binary" -merge=1 "Fuzz/corpus/$target" "$dir/corpus" \
      -max_len="$(max_len "$target")" >>"$dir/log" 2>&1
  fi
}

running=0
for target in "${targets[@]}"; do
  if [ ! -d "Fuzz/corpus/$target" ]; then
    echo "fuzz: no seed corpus Fuzz/corpus/$target" >&2
    exit 1
  fi
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
for target in "${targets[@]}"; do
  cat "$out/$target/summary"
  grep -q ' ok$' "$out/$target/summary" || failed=1
done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED; logs and crashing inputs are under $out/<target>/" >&2
  echo "fuzz: reproduce with: SWITCHYARD_FUZZ_TARGET=<target> $binary <input>" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran clean"
