#!/usr/bin/env python3
"""Judges a chaos-soak report (benchmarks/chaos/soak.py): exits 1 and says why on a crash,
an unclean shutdown, a lost or late request, too few successes while a provider was
healthy, memory or descriptors that did not come back down after the load, or requests
still counted in flight. Usage: check.py REPORT.json [--rss-slack-mb N] [--fd-slack N]
"""
import argparse
import json
import sys

# Memory: the settled RSS (12 s after the load ends) may exceed the RSS after warm-up by at
# most this much. The load's peak concurrency (the hang and all-down windows hold a few
# hundred requests open at once) raises the allocator's high-water mark, and glibc malloc
# keeps much of what it freed mapped, so "flat" cannot mean "equal". A leak of even 10 kB
# per request shows at 30 req/s over 3 minutes as ~50 MB, well above this.
RSS_SLACK_MB = 24
# Descriptors: the soak classifies them. Pooled keep-alive connections to the simulators
# stay open up to the pool's 60 s idle timeout, so their number after the load reflects the
# load's concurrency, not a leak; they are bounded by max_connections and reported. Every
# other descriptor (listener, client connections, files, pipes, event-loop fds) must come
# back to its warm-up count within this slack.
FD_SLACK = 8
MIN_SUCCESS = 0.999


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--rss-slack-mb", type=float, default=RSS_SLACK_MB)
    ap.add_argument("--fd-slack", type=int, default=FD_SLACK)
    args = ap.parse_args()
    rep = json.load(open(args.report))
    s = rep["summary"]
    problems = []
    notes = []

    crash = rep.get("crash", {})
    if crash.get("crashed"):
        problems.append(f"the gateway exited during the run (exit code {crash.get('exit_code')}, at {crash.get('at_s')} s)")
    if rep.get("shutdown_exit_code") != 0:
        problems.append(f"SIGTERM after the run did not give exit 0: {rep.get('shutdown_exit_code')}")

    every = s["all"]
    if every["lost"]:
        reasons = {k: v for k, v in every["failed_by_reason"].items() if k.startswith("lost")}
        problems.append(f"{every['lost']} request(s) lost (no answer or a broken one): {reasons}")
    if every["late"]:
        late = sorted((r for r in rep["requests"] if r["answer_ms"] is not None
                       and r["answer_ms"] > rep["sla_ms"] + rep["margin_ms"] and r["outcome"] != "lost"),
                      key=lambda r: -r["answer_ms"])
        sample = [f'#{r["id"]} {r["kind"]}{"/stream" if r["stream"] else ""} at {r["sent_s"]} s: '
                  f'{r["answer_ms"]:.0f} ms {r["outcome"]} {r["reason"]}' for r in late[:5]]
        problems.append(f"{every['late']} request(s) answered later than SLA + {rep['margin_ms']} ms, e.g. {sample}")
    if rep.get("skipped_client_cap"):
        problems.append(f"{rep['skipped_client_cap']} request(s) not sent: the client's in-flight cap was full")

    healthy = s["with_a_healthy_provider"]
    rate = healthy["success_rate_excluding_mid_stream_cuts"]
    if rate is None or rate < MIN_SUCCESS:
        problems.append(f"success while at least one provider was healthy {rate} < {MIN_SUCCESS} "
                        f"(mid-stream cuts excluded); failures: {healthy['failed_by_reason']}")
    notes.append(f"success with a healthy provider: {rate} (mid-stream cuts excluded), "
                 f"{healthy['success_rate']} counting them; {healthy['stream_errors_after_first_byte']} "
                 f"stream(s) ended by an error event after the first byte")

    res = rep.get("resources", {})
    warm, settled = res.get("warm") or {}, res.get("settled") or {}
    if warm.get("rss_kb") is None or settled.get("rss_kb") is None:
        problems.append("no memory samples (did the gateway die?)")
    else:
        growth = (settled["rss_kb"] - warm["rss_kb"]) / 1024
        notes.append(f"RSS after warm-up {warm['rss_kb'] / 1024:.1f} MB, settled {settled['rss_kb'] / 1024:.1f} MB "
                     f"(growth {growth:+.1f} MB, allowed {args.rss_slack_mb} MB)")
        if growth > args.rss_slack_mb:
            problems.append(f"memory grew {growth:.1f} MB from warm-up to the settled end (allowed {args.rss_slack_mb} MB)")
    if warm.get("fds") is None or settled.get("fds") is None:
        problems.append("no descriptor samples")
    else:
        wk, sk = warm.get("fd_kinds"), settled.get("fd_kinds")
        if wk and sk:
            before, after = wk["client"] + wk["other"], sk["client"] + sk["other"]
            notes.append(f"fds after warm-up {warm['fds']} {wk}, settled {settled['fds']} {sk}; "
                         f"non-pool {before} -> {after} (allowed +{args.fd_slack})")
            if after > before + args.fd_slack:
                problems.append(f"non-pool descriptors grew from {before} to {after} (allowed +{args.fd_slack}): {sk}")
            if sk["upstream"] > 3 * 256:
                problems.append(f"{sk['upstream']} upstream connections left open, above the pools' max_connections")
        else:
            notes.append(f"fds after warm-up {warm['fds']}, settled {settled['fds']} (allowed +{2 * args.fd_slack})")
            if settled["fds"] > warm["fds"] + 2 * args.fd_slack:
                problems.append(f"open descriptors grew from {warm['fds']} to {settled['fds']}")
    gauge = settled.get("gateway_in_flight_metric")
    if gauge is None:
        problems.append("could not read switchyard_in_flight_requests after the load")
    elif gauge != 0:
        problems.append(f"switchyard_in_flight_requests is {gauge} after the load ended (leaked attempts)")

    for n in notes:
        print("  " + n)
    if problems:
        print("CHAOS CHECK FAILED:")
        for p in problems:
            print("  - " + p)
        sys.exit(1)
    print("chaos check passed")


if __name__ == "__main__":
    main()
