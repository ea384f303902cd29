#!/usr/bin/env bash
# Chaos soak, one command: steady load through a `latency` route over three simulated
# providers (openai, anthropic, gemini) whose behaviour changes on a schedule, then the
# checker. Writes benchmarks/results/chaos-<date>-<commit>.{json,md}; exits with the
# checker's status.
# Usage: benchmarks/chaos/run.sh [--seconds N (default 180)] [--rate R (default 30)]
#          [--binary PATH (default: release build in .build-release)] [--label NAME]
# CHAOS_KEEP_WORK=1 keeps the logs (gateway.log, sim-*.log) and prints where.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TOTAL=180; RATE=30; BIN=""; LABEL=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_TOTAL="$2"; shift 2;;
    --rate) RATE="$2"; shift 2;;
    --binary) BIN="$2"; shift 2;;
    --label) LABEL="$2"; shift 2;;   # names the binary's source in the report (default: the commit)
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
if [ -z "$BIN" ]; then
  SCRATCH=.build-release
  echo "== building release (scratch path $SCRATCH)"
  swift build -c release --product switchyard --scratch-path "$SCRATCH" 2>&1 | tail -1
  BIN="$SCRATCH/release/switchyard"
fi
[ -x "$BIN" ] || { echo "no switchyard binary at $BIN" >&2; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

WORK=$(mktemp -d); SOAK_PID=""
cleanup() {
  [ -n "$SOAK_PID" ] && kill "$SOAK_PID" 2>/dev/null || true
  # Whatever the soak started (simulators, gateway), even if it died hard.
  if [ -f "$WORK/pids" ]; then while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$WORK/pids"; fi
  wait 2>/dev/null || true
  if [ "${CHAOS_KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- Sources 2>/dev/null || COMMIT="$COMMIT+dirty"
[ -n "$LABEL" ] && COMMIT="$LABEL"
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p benchmarks/results
REPORT="benchmarks/results/chaos-$STAMP-$COMMIT.json"
echo "== chaos soak: $SECONDS_TOTAL s at $RATE req/s with $BIN"
python3 benchmarks/chaos/soak.py --binary "$BIN" --seconds "$SECONDS_TOTAL" --rate "$RATE" \
  --work "$WORK" --report "$REPORT" --commit "$COMMIT" & SOAK_PID=$!
status=0; wait "$SOAK_PID" || status=$?; SOAK_PID=""
if [ "$status" != 0 ]; then
  echo "soak failed (exit $status); gateway log tail:" >&2
  tail -40 "$WORK/gateway.log" >&2 || true
  exit "$status"
fi
if grep -q -i -E 'fatal|crash|panic' "$WORK/gateway.log"; then
  echo "gateway log mentions a fatal error:" >&2; grep -i -E 'fatal|crash|panic' "$WORK/gateway.log" | head >&2
fi
echo "written to $REPORT and ${REPORT%.json}.md"
echo "== check"
python3 benchmarks/chaos/check.py "$REPORT"
