#!/usr/bin/env bash
# Side-by-side benchmark on loopback: a zero-delay simulated provider measured directly,
# through nginx (a plain reverse proxy, if installed) and through Switchyard, in one run.
# Usage: benchmarks/run.sh [--runs N] [--seconds S] [--quick]
# Prints one table and writes it to benchmarks/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=3; SECONDS_PER_RUN=5; STREAMS_MAX=512
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2;;
    --seconds) SECONDS_PER_RUN="$2"; shift 2;;
    --quick) RUNS=1; SECONDS_PER_RUN=3; STREAMS_MAX=128; shift;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
SCRATCH=.build-release
echo "== building release (scratch path $SCRATCH)"
swift build -c release --product switchyard --scratch-path "$SCRATCH" 2>&1 | tail -1
BIN="$SCRATCH/release/switchyard"
WORK=$(mktemp -d); PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done; echo "not up: $1" >&2; return 1; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

SIM_PORT=$(free_port); STREAM_SIM_PORT=$(free_port); GW_PORT=$(free_port); NGINX_PORT=$(free_port)
"$BIN" simulate --protocol openai --port "$SIM_PORT" --name bench-sim >"$WORK/sim.log" 2>&1 & SIM_PID=$!; PIDS+=($SIM_PID)
"$BIN" simulate --protocol openai --port "$STREAM_SIM_PORT" --name stream-sim --chunk-count 64 --chunk-interval-ms 20 >"$WORK/ssim.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$SIM_PORT/v1/models"; wait_http "http://127.0.0.1:$STREAM_SIM_PORT/v1/models"

cat >"$WORK/gateway.yaml" <<YAML
server: { host: 127.0.0.1, port: $GW_PORT }
providers:
  bench-sim: { protocol: openai, base_url: "http://127.0.0.1:$SIM_PORT/v1", api_key: bench, probe: false, max_connections: 256 }
  stream-sim: { protocol: openai, base_url: "http://127.0.0.1:$STREAM_SIM_PORT/v1", api_key: bench, probe: false, max_connections: 1024 }
models:
  bench: [ { provider: bench-sim, model: bench } ]
  stream: [ { provider: stream-sim, model: stream } ]
routes:
  stream-route: { targets: [stream], sla_ms: 10000 }
YAML
START_NS=$(date +%s%N)
"$BIN" serve --config "$WORK/gateway.yaml" --log-level warning >"$WORK/gw.log" 2>&1 & GW_PID=$!; PIDS+=($GW_PID)
until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$GW_PORT/health/ready" | grep -q 200; do sleep 0.01; done
READY_MS=$(( ($(date +%s%N) - START_NS) / 1000000 ))
sleep 1; RSS_IDLE=$(rss_kb "$GW_PID")

HAVE_NGINX=0
if command -v nginx >/dev/null; then
  HAVE_NGINX=1
  mkdir -p "$WORK/nginx"
  cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1; error_log $WORK/nginx/error.log warn; pid $WORK/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  upstream sim { server 127.0.0.1:$SIM_PORT; keepalive 256; }
  upstream ssim { server 127.0.0.1:$STREAM_SIM_PORT; keepalive 1024; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /stream/ { proxy_pass http://ssim/; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
    location / { proxy_pass http://sim; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
NGINX
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$WORK/nginx/out.log" 2>&1 & NGINX_PID=$!; PIDS+=($NGINX_PID)
  wait_http "http://127.0.0.1:$NGINX_PORT/v1/models"
fi

# wrk_run URL CONNECTIONS -> "rps p50_us p90_us p99_us errors"
wrk_run() {
  local out
  out=$(BENCH_MODEL=bench wrk -t1 -c"$2" -d"${SECONDS_PER_RUN}s" --latency -s benchmarks/chat.lua "$1" 2>&1 | grep RESULT)
  python3 - "$out" "$SECONDS_PER_RUN" <<'PY'
import sys, re
kv = dict(re.findall(r"(\w+)=(\d+)", sys.argv[1]))
rps = int(kv["requests"]) / (int(kv["duration_us"]) / 1e6)
print(f'{rps:.0f} {kv["p50_us"]} {kv["p90_us"]} {kv["p99_us"]} {int(kv["errors"]) + int(kv["non2xx"])}')
PY
}
median() { python3 -c 'import sys,statistics; print(statistics.median([float(x) for x in sys.argv[1:]]))' "$@"; }

# CPU time (clock ticks) of a process and its children threads/workers, for the CPU each
# proxy spends per request: a figure the shared machine's noise disturbs less than latency.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
proc_of() { case "$1" in direct) echo "$SIM_PID";; gateway) echo "$GW_PID";; nginx) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')";; esac; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
declare -A R
TARGETS=("direct=http://127.0.0.1:$SIM_PORT/v1/chat/completions" "gateway=http://127.0.0.1:$GW_PORT/v1/chat/completions")
[ $HAVE_NGINX = 1 ] && TARGETS+=("nginx=http://127.0.0.1:$NGINX_PORT/v1/chat/completions")
echo "== warm-up"; for t in "${TARGETS[@]}"; do wrk -t1 -c8 -d2s -s benchmarks/chat.lua "${t#*=}" >/dev/null 2>&1; done
for conns in 1 32 128; do
  for t in "${TARGETS[@]}"; do
    name=${t%%=*}; url=${t#*=}; rps=(); p50=(); p90=(); p99=(); errs=0
    cpu=(); simbusy=()
    for run in $(seq 1 "$RUNS"); do
      t0=$(cpu_ticks $(proc_of "$name")); s0=$(cpu_ticks "$SIM_PID")
      read -r a b c d e < <(wrk_run "$url" "$conns")
      t1=$(cpu_ticks $(proc_of "$name")); s1=$(cpu_ticks "$SIM_PID")
      rps+=("$a"); p50+=("$b"); p90+=("$c"); p99+=("$d"); errs=$((errs + e))
      cpu+=("$(python3 -c "print(($t1-$t0)*$TICK_US/max(1.0,$a*$SECONDS_PER_RUN))")")
      # The simulator's CPU during the run, in cores: is it the bottleneck?
      simbusy+=("$(python3 -c "print(($s1-$s0)*$TICK_US/($SECONDS_PER_RUN*1e6))")")
    done
    R[$name,$conns,cpu]=$(median "${cpu[@]}"); R[$name,$conns,simbusy]=$(median "${simbusy[@]}")
    R[$name,$conns,rps]=$(median "${rps[@]}"); R[$name,$conns,p50]=$(median "${p50[@]}")
    R[$name,$conns,p90]=$(median "${p90[@]}"); R[$name,$conns,p99]=$(median "${p99[@]}"); R[$name,$conns,err]=$errs
    echo "   $name c=$conns rps=${R[$name,$conns,rps]} p50=${R[$name,$conns,p50]}us p99=${R[$name,$conns,p99]}us cpu/req=${R[$name,$conns,cpu]}us errors=$errs"
  done
done

# The gateway's own account of the load runs: upstream attempts that failed, by outcome,
# and breaker warnings. A proxy that fails fast looks fast; this keeps that visible.
FAILED_ATTEMPTS=$(curl -s "http://127.0.0.1:$GW_PORT/metrics" | awk '/^switchyard_upstream_attempts_total/ && !/outcome="ok"/ {s+=$2} END {print s+0}')
BREAKER_WARNINGS=$(grep -c "circuit breaker changed" "$WORK/gw.log" || true)
echo "   gateway: failed upstream attempts $FAILED_ATTEMPTS, breaker changes $BREAKER_WARNINGS"

echo "== streaming (64 chunks, 20 ms apart)"
stream_run() { python3 benchmarks/stream_bench.py --url "$1" --streams "$2" --model "$3"; }
# One stream at a time (what one user sees) and 32 started at once (a burst: every
# request's CPU cost queues up on the shared cores before the first chunks go out).
stream_seq() { python3 benchmarks/stream_bench.py --url "$1" --streams 1 --rounds 10 --model "$2"; }
# One stream through each target first, not measured: the first stream through the gateway
# or nginx opens its connection to the streaming simulator (the non-streaming load runs had
# a warm-up of their own).
warm_stream() { python3 benchmarks/stream_bench.py --url "$1" --streams 1 --rounds 1 --model "$2" >/dev/null; }
warm_stream "http://127.0.0.1:$STREAM_SIM_PORT/v1/chat/completions" stream
warm_stream "http://127.0.0.1:$GW_PORT/v1/chat/completions" stream-route
if [ $HAVE_NGINX = 1 ]; then warm_stream "http://127.0.0.1:$NGINX_PORT/stream/v1/chat/completions" stream; fi
Q_DIRECT=$(stream_seq "http://127.0.0.1:$STREAM_SIM_PORT/v1/chat/completions" stream)
Q_GW=$(stream_seq "http://127.0.0.1:$GW_PORT/v1/chat/completions" stream-route)
S_DIRECT=$(stream_run "http://127.0.0.1:$STREAM_SIM_PORT/v1/chat/completions" 32 stream)
S_GW=$(stream_run "http://127.0.0.1:$GW_PORT/v1/chat/completions" 32 stream-route)
Q_NGINX='null'; S_NGINX='null'
if [ $HAVE_NGINX = 1 ]; then
  Q_NGINX=$(stream_seq "http://127.0.0.1:$NGINX_PORT/stream/v1/chat/completions" stream)
  S_NGINX=$(stream_run "http://127.0.0.1:$NGINX_PORT/stream/v1/chat/completions" 32 stream)
fi
echo "   one at a time: direct $Q_DIRECT"; echo "   one at a time: gateway $Q_GW"; echo "   one at a time: nginx $Q_NGINX"
MAXOK=0; RSS_LOAD=0
for n in 64 128 256 512; do
  [ "$n" -gt "$STREAMS_MAX" ] && break
  ( sleep 1.0; rss_kb "$GW_PID" >"$WORK/rss.$n" ) & RSS_PID=$!
  OUT=$(stream_run "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$n" stream-route)
  wait "$RSS_PID"
  r=$(cat "$WORK/rss.$n"); [ "$r" -gt "$RSS_LOAD" ] && RSS_LOAD=$r
  ok=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(int(d["complete"]==d["streams"] and d["error_count"]==0 and d["chunks_per_stream"]["min"]==d["chunks_per_stream"]["max"]))' "$OUT")
  echo "   $n streams: $OUT"
  [ "$ok" = 1 ] && MAXOK=$n || break
done
sleep 1; RSS_AFTER=$(rss_kb "$GW_PID")

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
REPORT="benchmarks/results/$STAMP-$COMMIT.md"
python3 - "$REPORT" "$HAVE_NGINX" "$READY_MS" "$RSS_IDLE" "$RSS_LOAD" "$RSS_AFTER" "$MAXOK" "$S_DIRECT" "$S_GW" "$RUNS" "$SECONDS_PER_RUN" "$COMMIT" "$Q_DIRECT" "$Q_GW" "$Q_NGINX" "$S_NGINX" "$FAILED_ATTEMPTS" "$BREAKER_WARNINGS" <<PY
import json, sys, os
report, have_nginx, ready, rss_idle, rss_load, rss_after, maxok, s_direct, s_gw, runs, secs, commit, q_direct, q_gw, q_nginx, s_nginx, failed_attempts, breaker_changes = sys.argv[1:]
R = {}
for line in """$(for k in "${!R[@]}"; do echo "$k=${R[$k]}"; done)""".split():
    key, value = line.split("=")
    R[tuple(key.split(","))] = float(value)
def g(name, c, f): return R.get((name, str(c), f))
def ms(us): return f"{us/1000:.3f}" if us is not None else "-"
def ratio(a, b): return f"{a/b:.2f}" if a is not None and b else "-"
nginx = have_nginx == "1"
lines = [f"# Switchyard benchmark — commit {commit}", "",
         f"Machine: {os.cpu_count()} cores (load generator, simulator, gateway and nginx share them); "
         f"{runs} run(s) of {secs} s per cell, medians; wrk -t1 (one core at most for the load generator).", "",
         "## Added latency at 1 connection (ms; target minus direct, zero-delay simulator)", "",
         "| | p50 | p90 | p99 |", "|---|---|---|---|"]
for name in (["gateway", "nginx"] if nginx else ["gateway"]):
    row = [ms(g(name, 1, q) - g("direct", 1, q)) for q in ("p50", "p90", "p99")]
    lines.append(f"| {name} | " + " | ".join(row) + " |")
if nginx:
    lines.append(f"| gateway/nginx | " + " | ".join(ratio(g('gateway',1,q)-g('direct',1,q), g('nginx',1,q)-g('direct',1,q)) for q in ('p50','p90','p99')) + " |")
lines += ["", "## Throughput", "", "CPU µs/request: the process's own CPU time (all its threads) per request served; "
          "for direct that is the simulator answering, for nginx and the gateway the proxy alone.", "",
          "| connections | target | req/s | p99 ms | CPU µs/request | gateway/direct req/s | gateway/nginx req/s |", "|---|---|---|---|---|---|---|"]
errors = {name: sum(int(g(name, c, "err") or 0) for c in (1, 32, 128)) for name in ["direct", "gateway"] + (["nginx"] if nginx else [])}
lines_after = [f"Errors and non-2xx answers over all load runs: " + ", ".join(f"{n} {e}" for n, e in errors.items())
               + f". The gateway's own count: {failed_attempts} failed upstream attempts, {breaker_changes} circuit breaker changes."]
for c in (1, 32, 128):
    for name in ["direct", "gateway"] + (["nginx"] if nginx else []):
        extra = ""
        if name == "gateway":
            extra = f"{ratio(g('gateway',c,'rps'), g('direct',c,'rps'))} | {ratio(g('gateway',c,'rps'), g('nginx',c,'rps')) if nginx else '-'}"
        else:
            extra = " | "
        lines.append(f"| {c} | {name} | {g(name,c,'rps'):.0f} | {ms(g(name,c,'p99'))} | {g(name,c,'cpu'):.0f} | {extra} |")
lines += [""] + lines_after
# The simulator must never be what limits a proxy's req/s: it answers more directly than
# through any proxy, and during the proxies' runs it is far from using the cores it could.
lines += ["", "## Is the simulator the bottleneck?", "",
          f"The simulator runs {os.cpu_count()} event loops, so it could use up to {os.cpu_count()} cores; "
          "its CPU is measured during every load run.", "",
          "| connections | target | req/s | simulator's CPU, cores | simulator directly ÷ target req/s |", "|---|---|---|---|---|"]
verdicts = []
for c in (32, 128):
    for name in ["direct", "gateway"] + (["nginx"] if nginx else []):
        headroom = g("direct", c, "rps") / g(name, c, "rps")
        lines.append(f"| {c} | {name} | {g(name,c,'rps'):.0f} | {g(name,c,'simbusy'):.2f} | {headroom:.2f} |")
        if name != "direct" and headroom < 1.2:
            verdicts.append(f"{name} at {c} connections answered {1/headroom:.0%} of the simulator's direct req/s")
        if name != "direct" and g(name, c, "simbusy") > 0.8 * os.cpu_count():
            verdicts.append(f"during {name}'s run at {c} connections the simulator used {g(name,c,'simbusy'):.2f} of {os.cpu_count()} cores")
lines += ["", "Verdict: " + ("the simulator may limit these runs: " + "; ".join(verdicts) + "." if verdicts else
          "not the bottleneck. Every proxy answered at most 1/1.2 of what the simulator answers directly, "
          "and while the proxies ran the simulator used under 80% of the cores it could use.")]
def added(target, base, metric, q):
    if target is None or target[metric][q] is None or base[metric][q] is None: return "-"
    return f"{target[metric][q] - base[metric][q]:.3f}"
lines += ["", "## Streaming (64 chunks 20 ms apart; added = through the proxy minus direct, ms)", "",
          "| streams | proxy | added TTFT p50 | p90 | p99 | added gap p50 | p90 | p99 |", "|---|---|---|---|---|---|---|---|"]
for label, base, gw, ng in (("1 at a time (10)", json.loads(q_direct), json.loads(q_gw), json.loads(q_nginx)),
                            ("32 at once", json.loads(s_direct), json.loads(s_gw), json.loads(s_nginx))):
    for name, target in (("gateway", gw), ("nginx", ng)):
        if target is None: continue
        lines.append(f"| {label} | {name} | " + " | ".join(added(target, base, m, q) for m in ("ttft_ms", "gap_ms") for q in ("p50", "p90", "p99")) + " |")
lines += [
          "", f"Most concurrent streams held with no lost chunk and no stall: **{maxok}**", "",
          "## Resources", "",
          f"- ready (process start to /health/ready 200): {ready} ms",
          f"- resident memory: idle {int(rss_idle)/1024:.1f} MB, under stream load {int(rss_load)/1024:.1f} MB, after load {int(rss_after)/1024:.1f} MB"]
text = "\n".join(lines) + "\n"
open(report, "w").write(text)
print(text)
PY
echo "written to $REPORT"
