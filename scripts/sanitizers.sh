#!/usr/bin/env bash
# Runs the whole test suite (`swift test`) under ThreadSanitizer and/or AddressSanitizer,
# each in its own build folder (.build-tsan, .build-asan) so the main debug build is left
# alone.
#
#   scripts/sanitizers.sh [thread|address|all]      (default: all)
#
# Any sanitizer finding fails the run, as does any failing test: a run passes only if
# `swift test` exits 0, its log holds no sanitizer report, and Swift Testing printed its
# "Test run ... passed" line. Sanitizer runtimes are told to exit non-zero on a report
# (TSan's exitcode=66 is made explicit; ASan halts on its first error by default); the log
# is also searched, because a report from a child process or one printed after the test
# process chose its own exit status would otherwise go unnoticed.
#
# TSan reports that come from the toolchain or from third-party packages, never from our
# code, are suppressed in scripts/sanitizers/tsan.supp (one reason per entry). TSan cannot
# see the lock hand-over inside Synchronization.Mutex's uninstrumented slow path on Linux;
# scripts/sanitizers/tsan-mutex-annotations.c, preloaded into the TSan test run, tells it.
#
# Tests run at most SWITCHYARD_SANITIZER_WIDTH (default 4) at a time: under TSan every
# test is several times slower, and with all integration tests at once on 2 cores their
# gateways miss the 2 s route SLA before the first byte (504s that are not bugs).
#
# Environment: SWITCHYARD_TSAN_SCRATCH, SWITCHYARD_ASAN_SCRATCH (build folders, default
# .build-tsan and .build-asan); SWITCHYARD_SANITIZER_HALT=1 stops at the first report instead of collecting
# all of them; SWITCHYARD_SANITIZER_LOGS (default: a temporary folder) keeps the logs;
# extra `swift test` arguments may follow the sanitizer name (e.g. `--filter Routing`).
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -d /opt/swift/usr/bin ]; then export PATH="/opt/swift/usr/bin:$PATH"; fi

which="${1:-all}"
shift || true
case "$which" in
  thread) sanitizers=(thread) ;;
  address) sanitizers=(address) ;;
  all) sanitizers=(thread address) ;;
  *) echo "usage: $0 [thread|address|all] [swift test arguments...]" >&2; exit 2 ;;
esac

root="$(pwd)"
logs="${SWITCHYARD_SANITIZER_LOGS:-$(mktemp -d /tmp/switchyard-sanitizers.XXXXXX)}"
mkdir -p "$logs"
halt="${SWITCHYARD_SANITIZER_HALT:-0}"
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWITCHYARD_SANITIZER_WIDTH:-4}"

# What a sanitizer prints when it finds something (TSan's data races, lock-order
# inversions, ...; ASan's memory errors; LeakSanitizer's leaks).
report_pattern='WARNING: ThreadSanitizer|ERROR: AddressSanitizer|ERROR: LeakSanitizer|SUMMARY: (Thread|Address|Leak)Sanitizer'

export TSAN_OPTIONS="halt_on_error=${halt}:exitcode=66:second_deadlock_stack=1:suppressions=${root}/scripts/sanitizers/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
export ASAN_OPTIONS="halt_on_error=1:exitcode=67:detect_leaks=1:detect_stack_use_after_return=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
if [ -f scripts/sanitizers/lsan.supp ]; then
  export LSAN_OPTIONS="suppressions=${root}/scripts/sanitizers/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi

failed=()
summary=()
phase_start=0
start_phase() { phase_start=$SECONDS; echo "== $1"; }
end_phase() {
  local took=$((SECONDS - phase_start))
  summary+=("$(printf '%-22s %4dm%02ds  %s' "$1" $((took / 60)) $((took % 60)) "$2")")
}

for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    thread) scratch="${SWITCHYARD_TSAN_SCRATCH:-.build-tsan}" ;;
    address) scratch="${SWITCHYARD_ASAN_SCRATCH:-.build-asan}" ;;
  esac
  flags=(--sanitize="$sanitizer" --scratch-path "$scratch")
  preload=()

  start_phase "$sanitizer: build ($scratch)"
  built=true
  swift build --build-tests "${flags[@]}" >"$logs/$sanitizer-build.log" 2>&1 || built=false
  if $built && [ "$sanitizer" = thread ]; then
    annotations="$(cd "$scratch" && pwd)/tsan-mutex-annotations.so"
    clang -shared -fPIC -O2 -o "$annotations" scripts/sanitizers/tsan-mutex-annotations.c -ldl \
      >>"$logs/$sanitizer-build.log" 2>&1 || built=false
    preload=(LD_PRELOAD="$annotations${LD_PRELOAD:+:$LD_PRELOAD}")
  fi
  if ! $built; then
    tail -n 60 "$logs/$sanitizer-build.log"
    end_phase "$sanitizer build" FAILED
    failed+=("$sanitizer build")
    continue
  fi
  end_phase "$sanitizer build" ok

  start_phase "$sanitizer: swift test"
  log="$logs/$sanitizer-test.log"
  env ${preload[@]+"${preload[@]}"} swift test --skip-build "${flags[@]}" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  problems=()
  [ "$status" -eq 0 ] || problems+=("swift test exited $status")
  reports=$(grep -cE "$report_pattern" "$log")
  [ "$reports" -eq 0 ] || problems+=("$reports sanitizer report lines (grep -E '$report_pattern' $log)")
  grep -qE 'Test run with [0-9]+ tests? .*passed' "$log" || problems+=("no passing Swift Testing summary")
  if [ ${#problems[@]} -eq 0 ]; then
    end_phase "$sanitizer test" ok
  else
    end_phase "$sanitizer test" "FAILED: $(IFS=';'; echo "${problems[*]}")"
    failed+=("$sanitizer test")
  fi
done

echo "== sanitizers: summary (logs in $logs)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "sanitizers: FAILED (${failed[*]})" >&2
  exit 1
fi
echo "sanitizers: clean"
