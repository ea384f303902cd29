#!/usr/bin/env python3
"""Chaos soak: steady client load through a `latency` route over three simulated providers
whose behaviour changes on a schedule (outage, hang, 10x slow-down, 429 and 500 bursts,
malformed bodies, streams cut mid-way), then a short window with every provider down.

Starts the simulators and the gateway itself (binary given with --binary), drives the load
with a dependency-free asyncio HTTP/1.1 client, samples the gateway's memory and open file
descriptors, and writes a JSON report and a Markdown table. benchmarks/chaos/check.py
judges the report. Only loopback is used; every process started here is killed on exit.
"""
import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field, asdict

SLA_MS = 2000
MARGIN_MS = 100
# Kinds of client request and their share of the load.
KINDS = [("chat", False, 0.40), ("chat", True, 0.40), ("messages", False, 0.10), ("messages", True, 0.10)]
FAULTS = ["outage", "hang", "slow10x", "rate_limit_429", "server_error_500", "malformed", "cut_stream"]
BASE_INTERVAL_MS = 10
CHUNKS = 8


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- minimal HTTP/1.1 client

class ProtocolError(Exception):
    pass


async def read_head(reader):
    line = await reader.readline()
    if not line:
        raise ProtocolError("connection closed before the status line")
    parts = line.decode("latin-1").split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise ProtocolError(f"bad status line {line[:60]!r}")
    status = int(parts[1])
    headers = {}
    while True:
        line = await reader.readline()
        if not line:
            raise ProtocolError("connection closed inside the headers")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def body_pieces(reader, headers):
    """Yields the body's bytes as they arrive (chunked, content-length or until EOF)."""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size_line = await reader.readline()
            if not size_line:
                raise ProtocolError("connection closed inside a chunked body")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while True:  # trailers
                    t = await reader.readline()
                    if t in (b"\r\n", b"\n", b""):
                        return
            data = await reader.readexactly(size)
            await reader.readexactly(2)
            yield data
    elif "content-length" in headers:
        n = int(headers["content-length"])
        if n:
            yield await reader.readexactly(n)
    else:
        while True:
            data = await reader.read(65536)
            if not data:
                return
            yield data


def sse_events(buffer):
    """Splits complete SSE events off `buffer`; returns (events, rest)."""
    events = []
    buffer = buffer.replace(b"\r\n", b"\n")
    while b"\n\n" in buffer:
        raw, buffer = buffer.split(b"\n\n", 1)
        name, data = None, []
        for line in raw.split(b"\n"):
            if line.startswith(b"event:"):
                name = line[6:].strip().decode()
            elif line.startswith(b"data:"):
                data.append(line[5:].strip().decode("utf-8", "replace"))
        if name or data:
            events.append((name, "\n".join(data)))
    return events, buffer


# ---------------------------------------------------------------- one client request

@dataclass
class Result:
    id: int
    kind: str
    stream: bool
    sent_s: float               # seconds since load start
    answer_ms: float = None     # status + whole body (non-stream) or first event (stream)
    total_ms: float = None
    status: int = None
    outcome: str = "pending"    # ok | http_error | stream_error_after_first_byte | lost:*
    reason: str = ""
    provider: str = ""
    attempts: str = ""


def error_reason(status, body):
    try:
        doc = json.loads(body)
        err = doc.get("error") or {}
        code = err.get("code") or err.get("type") or ""
        return f"{status} {code}".strip()
    except Exception:
        return f"{status} (body is not JSON)"


async def one_request(r: Result, port, answer_timeout, stream_timeout, t0):
    model = "soak"
    if r.kind == "chat":
        path = "/v1/chat/completions"
        payload = {"model": model, "messages": [{"role": "user", "content": f"soak {r.id}"}], "max_tokens": CHUNKS}
    else:
        path = "/v1/messages"
        payload = {"model": model, "max_tokens": CHUNKS, "messages": [{"role": "user", "content": f"soak {r.id}"}]}
    if r.stream:
        payload["stream"] = True
    body = json.dumps(payload).encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer soak-key\r\nx-api-key: soak-key\r\nanthropic-version: 2023-06-01\r\n"
            f"x-request-id: soak-{r.id}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    start = time.monotonic()
    deadline = start + answer_timeout
    writer = None

    def ms():
        return (time.monotonic() - start) * 1000

    try:
        async def answer_phase():
            nonlocal writer
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(head + body)
            await writer.drain()
            status, headers = await read_head(reader)
            r.status = status
            r.provider = headers.get("x-switchyard-provider", "")
            r.attempts = headers.get("x-switchyard-attempts", "")
            pieces = body_pieces(reader, headers)
            if status != 200 or not r.stream:
                data = b""
                async for p in pieces:
                    data += p
                return status, data, None, None
            # A stream: wait for the first event.
            buf = b""
            async for p in pieces:
                buf += p
                events, buf = sse_events(buf)
                if events:
                    return status, None, (pieces, events, buf), None
            return status, None, (pieces, [], buf), "eof"

        status, data, stream_state, early = await asyncio.wait_for(answer_phase(), timeout=answer_timeout)
        r.answer_ms = ms()
        if data is not None:
            if status == 200:
                try:
                    doc = json.loads(data)
                    good = bool(doc.get("choices")) if r.kind == "chat" else bool(doc.get("content"))
                except Exception:
                    good = False
                r.outcome, r.reason = ("ok", "") if good else ("lost", "200 with a broken body")
            else:
                r.outcome, r.reason = "http_error", error_reason(status, data) + (" (messages)" if r.kind == "messages" else "")
            r.total_ms = r.answer_ms
            return
        pieces, events, buf = stream_state
        if early == "eof":
            r.outcome, r.reason = "lost", "stream ended before any event"
            return

        async def rest_phase(events, buf):
            done = error = False
            got_content = False
            while True:
                for name, data in events:
                    if data == "[DONE]" or name == "message_stop":
                        done = True
                    elif name == "error" or data.startswith('{"error"'):
                        error = data
                    else:
                        got_content = True
                if done or error:
                    return done, error
                try:
                    p = await pieces.__anext__()
                except StopAsyncIteration:
                    return done, error
                buf += p
                events, buf = sse_events(buf)

        done, error = await asyncio.wait_for(rest_phase(events, buf), timeout=stream_timeout)
        r.total_ms = ms()
        if done:
            r.outcome = "ok"
        elif error:
            r.outcome = "stream_error_after_first_byte"
            try:
                d = json.loads(error)
                e = d.get("error") or {}
                r.reason = (e.get("code") or e.get("type") or "") + ": " + (e.get("message") or "")[:80]
            except Exception:
                r.reason = "error event"
        else:
            r.outcome, r.reason = "lost", "stream ended without [DONE] or an error event"
    except asyncio.TimeoutError:
        if r.answer_ms is None:
            r.outcome, r.reason = "lost", "client timeout: no answer"
        else:
            r.outcome, r.reason = "lost", "client timeout: stream never ended"
    except (ConnectionError, ProtocolError, asyncio.IncompleteReadError, OSError) as e:
        if r.answer_ms is None:
            r.answer_ms = None
        r.outcome, r.reason = "lost", f"connection error: {type(e).__name__}"
    finally:
        if writer is not None:
            writer.close()


# ---------------------------------------------------------------- processes

class Sim:
    def __init__(self, binary, protocol, name, latency_ms, work):
        self.binary, self.protocol, self.name = binary, protocol, name
        self.latency_ms = latency_ms
        self.port = free_port()
        self.work = work
        self.proc = None
        self.starts = 0

    @property
    def baseline(self):
        return {"latency_ms": self.latency_ms, "jitter_ms": 20, "ttft_ms": None, "tokens_per_second": 0,
                "error_rate": 0.0, "error_status": 500, "hang": False, "fail_after_ms": None,
                "cut_stream_after_chunks": None, "malformed": False, "chunk_count": CHUNKS,
                "chunk_interval_ms": BASE_INTERVAL_MS, "in_band_stream_errors": False}

    def start(self):
        self.starts += 1
        log = open(os.path.join(self.work, f"sim-{self.name}.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "simulate", "--protocol", self.protocol, "--port", str(self.port), "--name", self.name,
             "--latency-ms", str(self.latency_ms), "--jitter-ms", "20", "--chunk-count", str(CHUNKS),
             "--chunk-interval-ms", str(BASE_INTERVAL_MS)],
            stdout=log, stderr=subprocess.STDOUT)
        record_pid(self.work, self.proc.pid)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    async def control(self, method, path, body=None):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = json.dumps(body).encode() if body is not None else b""
        writer.write((f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data)
        await writer.drain()
        status, headers = await read_head(reader)
        out = b""
        async for p in body_pieces(reader, headers):
            out += p
        writer.close()
        return status, out

    async def wait_up(self, seconds=30):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                status, _ = await self.control("GET", "/_sim/health")
                if status == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"simulator {self.name} exited with {self.proc.returncode}")
            await asyncio.sleep(0.05)
        raise RuntimeError(f"simulator {self.name} did not come up on port {self.port}")

    async def behave(self, patch):
        merged = dict(self.baseline)
        merged.update(patch)
        status, out = await self.control("PUT", "/_sim/behavior", merged)
        if status != 200:
            raise RuntimeError(f"{self.name}: PUT /_sim/behavior -> {status} {out[:200]!r}")


def record_pid(work, pid):
    with open(os.path.join(work, "pids"), "a") as f:
        f.write(f"{pid}\n")


def gateway_config(port, sims):
    model_ids = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "gemini": "gemini-2.5-flash"}
    lines = [f"server: {{ host: 127.0.0.1, port: {port}, api_keys: [soak-key] }}", "providers:"]
    for s in sims:
        base = f"http://127.0.0.1:{s.port}" + ("/v1" if s.protocol == "openai" else "")
        lines.append(f"  {s.name}: {{ protocol: {s.protocol}, base_url: \"{base}\", api_key: soak, timeout_ms: 10000, "
                     f"connect_timeout_ms: 500, max_connections: 256, probe: {{ interval_ms: 1000 }} }}")
    lines.append("models:")
    for s in sims:
        lines.append(f"  m-{s.name}: [ {{ provider: {s.name}, model: {model_ids[s.protocol]} }} ]")
    targets = ", ".join(f"m-{s.name}" for s in sims)
    lines += ["routes:",
              f"  soak: {{ strategy: latency, sla_ms: {SLA_MS}, targets: [{targets}], max_attempts: 3, "
              f"retry_on: [429, 5xx, timeout, connect], hedge: {{ after_ms: 500 }}, stream_idle_timeout_ms: 3000 }}"]
    return "\n".join(lines) + "\n"


def socket_peers():
    """inode -> (local port, remote port) for every TCP socket on this host."""
    peers = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    cols = line.split()
                    local, remote, inode = cols[1], cols[2], cols[9]
                    peers[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return peers


def fd_kinds(pid, upstream_ports):
    """The gateway's descriptors by kind: upstream (pooled connections to the simulators),
    client (the listener and client connections), other (files, pipes, epoll, eventfds)."""
    kinds = {"upstream": 0, "client": 0, "other": 0}
    peers = socket_peers()
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except FileNotFoundError:
        return None
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            ports = peers.get(target[8:-1])
            if ports and ports[1] in upstream_ports:
                kinds["upstream"] += 1
                continue
            if ports:
                kinds["client"] += 1
                continue
        kinds["other"] += 1
    return kinds


def proc_sample(pid):
    rss = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return None, None
    return rss, fds


async def metrics_in_flight(port):
    """switchyard_in_flight_requests summed over providers, the least of six reads 150 ms
    apart: a health probe caught in flight reads 1 once, a leaked attempt reads 1 always."""
    reads = []
    for _ in range(6):
        reads.append(await metrics_in_flight_once(port))
        await asyncio.sleep(0.15)
    known = [r for r in reads if r is not None]
    return min(known) if known else None


async def metrics_in_flight_once(port):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status, headers = await read_head(reader)
        text = b""
        async for p in body_pieces(reader, headers):
            text += p
        writer.close()
        total = 0.0
        for line in text.decode().splitlines():
            if line.startswith("switchyard_in_flight_requests"):
                total += float(line.rsplit(" ", 1)[1])
        return total
    except Exception:
        return None


# ---------------------------------------------------------------- the schedule

def build_schedule(chaos_s, n_providers):
    """Fault windows: slot i faults provider i % n with its (i // n)-th fault (or, on short
    runs, fault i), from half a slot
    before the slot until its end, so two providers overlap for half of every slot and the
    remaining one has been fault-free for at least half a slot."""
    rounds = n_providers if chaos_s / (n_providers * len(FAULTS)) >= 5 else 1
    slots = rounds * len(FAULTS)
    slot = chaos_s / slots
    windows = []
    for i in range(slots):
        p = i % n_providers
        j = i // n_providers
        # Full runs give every provider every fault; short ones (slots under 5 s otherwise)
        # give each fault to one provider, so a recovered provider has time to be re-admitted.
        kind = FAULTS[(j + 2 * p) % len(FAULTS)] if rounds == n_providers else FAULTS[i]
        start = max(0.0, (i - 0.5) * slot)
        windows.append({"slot": i, "provider": p, "fault": kind, "start": start, "end": (i + 1) * slot})
    return slot, windows


def fault_patch(kind, sim):
    if kind == "hang":
        return {"hang": True}
    if kind == "slow10x":
        return {"latency_ms": sim.latency_ms * 10, "chunk_interval_ms": BASE_INTERVAL_MS * 10}
    if kind == "rate_limit_429":
        return {"error_rate": 1.0, "error_status": 429}
    if kind == "server_error_500":
        return {"error_rate": 1.0, "error_status": 500}
    if kind == "malformed":
        return {"malformed": True}
    if kind == "cut_stream":
        return {"cut_stream_after_chunks": 2}
    raise ValueError(kind)


async def apply_fault(sim, kind, on, log):
    t = time.monotonic()
    if kind == "outage":
        if on:
            sim.kill()
        else:
            sim.start()
            await sim.wait_up()
            await sim.behave({})
    else:
        await sim.behave(fault_patch(kind, sim) if on else {})
    log.append({"at": t, "provider": sim.name, "fault": kind, "on": on})


# ---------------------------------------------------------------- main

async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--seconds", type=float, default=180, help="whole run, load and settling (default 180)")
    ap.add_argument("--rate", type=float, default=30, help="requests per second")
    ap.add_argument("--max-in-flight", type=int, default=400)
    ap.add_argument("--work", required=True)
    ap.add_argument("--report", required=True, help="path of the JSON report (the .md goes beside it)")
    ap.add_argument("--commit", default="unknown")
    args = ap.parse_args()

    warmup_s, all_down_s, recovery_s, tail_s, settle_s = 10.0, 6.0, 8.0, 6.0, 12.0
    chaos_s = max(21 * 2.0, args.seconds - warmup_s - all_down_s - recovery_s - tail_s - settle_s - 8)
    slot_s, windows = build_schedule(chaos_s, 3)

    sims = [Sim(args.binary, "openai", "sim-openai", 40, args.work),
            Sim(args.binary, "anthropic", "sim-anthropic", 60, args.work),
            Sim(args.binary, "gemini", "sim-gemini", 80, args.work)]
    gw = None
    report = {"commit": args.commit, "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "binary": args.binary, "sla_ms": SLA_MS, "margin_ms": MARGIN_MS, "rate_per_s": args.rate,
              "providers": [{"name": s.name, "protocol": s.protocol, "latency_ms": s.latency_ms} for s in sims]}
    try:
        for s in sims:
            s.start()
        for s in sims:
            await s.wait_up()
            await s.behave({})
        gw_port = free_port()
        cfg = os.path.join(args.work, "gateway.yaml")
        with open(cfg, "w") as f:
            f.write(gateway_config(gw_port, sims))
        gw_log = open(os.path.join(args.work, "gateway.log"), "wb")
        gw = subprocess.Popen([args.binary, "serve", "--config", cfg, "--log-level", "warning"],
                              stdout=gw_log, stderr=subprocess.STDOUT)
        record_pid(args.work, gw.pid)
        end = time.monotonic() + 60
        while True:
            try:
                r, w = await asyncio.open_connection("127.0.0.1", gw_port)
                w.write(b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                await w.drain()
                status, _ = await read_head(r)
                w.close()
                if status == 200:
                    break
            except (OSError, ProtocolError):
                pass
            if gw.poll() is not None or time.monotonic() > end:
                raise RuntimeError("gateway did not become ready; see gateway.log")
            await asyncio.sleep(0.05)
        rss0, fds0 = proc_sample(gw.pid)
        report["idle_before_load"] = {"rss_kb": rss0, "fds": fds0}
        print(f"gateway pid {gw.pid} ready on {gw_port}; idle rss {rss0} kB, fds {fds0}", flush=True)

        upstream_ports = {sim.port for sim in sims}
        t0 = time.monotonic()
        chaos_t0 = t0 + warmup_s
        all_down_t0 = chaos_t0 + chaos_s
        load_end = all_down_t0 + all_down_s + recovery_s + tail_s
        results = []
        samples = []
        fault_log = []
        crash = {"crashed": False}
        in_flight = set()
        skipped = 0

        async def sampler():
            while True:
                now = time.monotonic()
                if gw.poll() is not None:
                    crash.update(crashed=True, exit_code=gw.returncode, at_s=round(now - t0, 2))
                    return
                rss, fds = proc_sample(gw.pid)
                samples.append({"t_s": round(now - t0, 2), "rss_kb": rss, "fds": fds, "client_in_flight": len(in_flight)})
                await asyncio.sleep(1.0)

        async def chaos():
            events = []
            for w in windows:
                events.append((chaos_t0 + w["start"], 1, w))
                events.append((chaos_t0 + w["end"], 0, w))
            events.sort(key=lambda e: (e[0], e[1]))  # ends before starts at the same instant
            for at, on, w in events:
                await asyncio.sleep(max(0, at - time.monotonic()))
                await apply_fault(sims[w["provider"]], w["fault"], bool(on), fault_log)
            # Every provider down at once: one refusing connections, one hanging, one 500s.
            await asyncio.sleep(max(0, all_down_t0 - time.monotonic()))
            report["all_down_actual_start_s"] = round(time.monotonic() - t0, 2)
            await apply_fault(sims[0], "outage", True, fault_log)
            await apply_fault(sims[1], "hang", True, fault_log)
            await apply_fault(sims[2], "server_error_500", True, fault_log)
            await asyncio.sleep(max(0, all_down_t0 + all_down_s - time.monotonic()))
            await apply_fault(sims[0], "outage", False, fault_log)
            await apply_fault(sims[1], "hang", False, fault_log)
            await apply_fault(sims[2], "server_error_500", False, fault_log)
            report["all_down_actual_end_s"] = round(time.monotonic() - t0, 2)

        answer_timeout = (SLA_MS + 1000) / 1000
        stream_timeout = 15.0

        async def run_one(r):
            try:
                await one_request(r, gw_port, answer_timeout, stream_timeout, t0)
            finally:
                in_flight.discard(r.id)

        async def load():
            nonlocal skipped
            rng = random.Random(7)
            weights = [k[2] for k in KINDS]
            n = 0
            tasks = []
            while True:
                at = t0 + n / args.rate
                if at >= load_end:
                    break
                await asyncio.sleep(max(0, at - time.monotonic()))
                kind, stream, _ = rng.choices(KINDS, weights)[0]
                r = Result(id=n, kind=kind, stream=stream, sent_s=round(time.monotonic() - t0, 3))
                n += 1
                if len(in_flight) >= args.max_in_flight:
                    skipped += 1
                    continue
                results.append(r)
                in_flight.add(r.id)
                tasks.append(asyncio.create_task(run_one(r)))
            await asyncio.gather(*tasks)

        sampler_task = asyncio.create_task(sampler())
        chaos_task = asyncio.create_task(chaos())
        warm_sample = None

        async def warm_mark():
            nonlocal warm_sample
            await asyncio.sleep(warmup_s - 1)
            rss, fds = proc_sample(gw.pid)
            warm_sample = {"t_s": round(time.monotonic() - t0, 2), "rss_kb": rss, "fds": fds,
                           "fd_kinds": fd_kinds(gw.pid, upstream_ports)}

        await asyncio.gather(load(), chaos_task, warm_mark())
        load_done = time.monotonic()
        rss, fds = proc_sample(gw.pid)
        after_load = {"t_s": round(load_done - t0, 2), "rss_kb": rss, "fds": fds}
        print(f"load over after {load_done - t0:.1f} s; settling {settle_s:.0f} s", flush=True)
        await asyncio.sleep(settle_s)
        rss, fds = proc_sample(gw.pid)
        settled = {"t_s": round(time.monotonic() - t0, 2), "rss_kb": rss, "fds": fds,
                   "fd_kinds": fd_kinds(gw.pid, upstream_ports),
                   "gateway_in_flight_metric": await metrics_in_flight(gw_port)}
        sampler_task.cancel()
        if gw.poll() is not None:
            crash.update(crashed=True, exit_code=gw.returncode)
        # Shut down cleanly: SIGTERM must drain and exit 0.
        gw.send_signal(signal.SIGTERM)
        try:
            code = gw.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gw.kill()
            code = "killed after 15 s"
        report["shutdown_exit_code"] = code

        report.update(
            seconds=round(time.monotonic() - t0, 1), warmup_s=warmup_s, chaos_s=round(chaos_s, 1),
            slot_s=round(slot_s, 2), all_down_window_s=[round(all_down_t0 - t0, 2), round(all_down_t0 - t0 + all_down_s, 2)],
            recovery_grace_s=recovery_s, load_end_s=round(load_end - t0, 2), settle_s=settle_s,
            schedule=[dict(w, start=round(w["start"] + warmup_s, 2), end=round(w["end"] + warmup_s, 2),
                           provider=sims[w["provider"]].name) for w in windows],
            fault_log=[dict(e, at=round(e["at"] - t0, 2)) for e in fault_log],
            crash=crash, skipped_client_cap=skipped,
            resources={"warm": warm_sample, "after_load": after_load, "settled": settled, "samples": samples},
            requests=[asdict(r) for r in results],
        )
    finally:
        if gw is not None and gw.poll() is None:
            gw.kill()
        for s in sims:
            s.kill()
    summarize(report)
    with open(args.report, "w") as f:
        json.dump(report, f, indent=1)
    md = args.report[:-5] + ".md" if args.report.endswith(".json") else args.report + ".md"
    with open(md, "w") as f:
        f.write(markdown(report))
    print(markdown(report))


# ---------------------------------------------------------------- summary

def pct(values, q):
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(q * len(v)))], 1)


def window_of(report, sent_s):
    """`all_down` for requests sent while every provider was down (and the recovery grace
    after it, and one SLA before it), `chaos` while faults rotate, `warmup`, `tail`."""
    a, b = report["all_down_window_s"]
    if a - report["sla_ms"] / 1000 <= sent_s < b + report["recovery_grace_s"]:
        return "all_down"
    if sent_s < report["warmup_s"]:
        return "warmup"
    if sent_s < a:
        return "chaos"
    return "tail"


def summarize(report):
    reqs = report.get("requests", [])
    sla, margin = report["sla_ms"], report["margin_ms"]

    def stats(rs):
        answered = [r for r in rs if r["answer_ms"] is not None and not r["reason"].startswith("client timeout: no")]
        lat = [r["answer_ms"] for r in answered]
        by = {}
        for r in rs:
            if r["outcome"] != "ok":
                key = f'{r["outcome"]}: {r["reason"]}'
                by[key] = by.get(key, 0) + 1
        ok = sum(r["outcome"] == "ok" for r in rs)
        cut = sum(r["outcome"] == "stream_error_after_first_byte" for r in rs)
        lost = [r for r in rs if r["outcome"] == "lost"]
        late = [r for r in answered if r["answer_ms"] > sla + margin]
        n = len(rs)
        return {
            "sent": n, "succeeded": ok, "failed": n - ok,
            "stream_errors_after_first_byte": cut,
            "success_rate": round(ok / n, 5) if n else None,
            "success_rate_excluding_mid_stream_cuts": round(ok / (n - cut), 5) if n - cut else None,
            "lost": len(lost), "late": len(late),
            "within_sla": round(sum(r["answer_ms"] <= sla for r in answered) / n, 5) if n else None,
            "within_sla_plus_margin": round(sum(r["answer_ms"] <= sla + margin for r in answered) / n, 5) if n else None,
            "latency_ms": {"p50": pct(lat, 0.50), "p99": pct(lat, 0.99), "max": round(max(lat), 1) if lat else None},
            "failed_by_reason": dict(sorted(by.items(), key=lambda kv: -kv[1])),
        }

    windows = {}
    for r in reqs:
        windows.setdefault(window_of(report, r["sent_s"]), []).append(r)
    report["summary"] = {
        "all": stats(reqs),
        "with_a_healthy_provider": stats([r for w, rs in windows.items() if w != "all_down" for r in rs]),
        "all_providers_down": stats(windows.get("all_down", [])),
        "by_window": {w: stats(rs) for w, rs in windows.items()},
        "by_kind": {f'{k}{" stream" if s else ""}': stats([r for r in reqs if r["kind"] == k and r["stream"] == s])
                    for k, s, _ in KINDS},
        "served_by": {},
    }
    for r in reqs:
        if r["outcome"] == "ok":
            key = f'{r["provider"]} (attempts {r["attempts"]})'
            report["summary"]["served_by"][key] = report["summary"]["served_by"].get(key, 0) + 1
    # Per-slot success, so a bad phase stands out.
    per_slot = []
    for w in report["schedule"]:
        rs = [r for r in reqs if w["start"] <= r["sent_s"] < w["end"]]
        per_slot.append({"slot": w["slot"], "provider": w["provider"], "fault": w["fault"],
                         "window_s": [w["start"], w["end"]], "sent": len(rs),
                         "ok": sum(r["outcome"] == "ok" for r in rs),
                         "mid_stream_cuts": sum(r["outcome"] == "stream_error_after_first_byte" for r in rs),
                         "other_failures": sum(r["outcome"] not in ("ok", "stream_error_after_first_byte") for r in rs)})
    report["summary"]["per_slot"] = per_slot


def mb(kb):
    return f"{kb / 1024:.1f}" if kb is not None else "-"


def markdown(report):
    s = report["summary"]
    res = report.get("resources", {})
    lines = [f"# Chaos soak — commit {report['commit']} ({report['started_at']})", "",
             f"{report['seconds']} s; {report['rate_per_s']:.0f} requests/s (40% chat, 40% chat stream, 10% messages, "
             f"10% messages stream) through one `latency` route (SLA {report['sla_ms']} ms, 3 attempts, hedge after "
             f"500 ms) over {', '.join(p['name'] for p in report['providers'])}. Faults rotate every {report['slot_s']} s "
             f"(each lasts 1.5 slots; two providers overlap half the time; {len(report['schedule'])} windows); all down "
             f"{report['all_down_window_s'][0]}–{report['all_down_window_s'][1]} s.", "",
             "| | all requests | ≥ 1 provider healthy | all providers down |", "|---|---|---|---|"]
    cols = [s["all"], s["with_a_healthy_provider"], s["all_providers_down"]]

    def row(name, f):
        lines.append(f"| {name} | " + " | ".join(f(c) for c in cols) + " |")

    def rate(x):
        return f"{x * 100:.2f}%" if x is not None else "-"
    row("sent", lambda c: str(c["sent"]))
    row("succeeded", lambda c: str(c["succeeded"]))
    row("success rate", lambda c: rate(c["success_rate"]))
    row("success rate, mid-stream cuts excluded", lambda c: rate(c["success_rate_excluding_mid_stream_cuts"]))
    row("streams ended by an error event after the first byte", lambda c: str(c["stream_errors_after_first_byte"]))
    row(f"answered within SLA ({report['sla_ms']} ms)", lambda c: rate(c["within_sla"]))
    row(f"answered within SLA + {report['margin_ms']} ms", lambda c: rate(c["within_sla_plus_margin"]))
    row("lost (no answer, or a broken one)", lambda c: str(c["lost"]))
    row(f"late (answer after SLA + {report['margin_ms']} ms)", lambda c: str(c["late"]))
    row("p50 / p99 / max answer ms", lambda c: f'{c["latency_ms"]["p50"]} / {c["latency_ms"]["p99"]} / {c["latency_ms"]["max"]}')
    lines += ["", "Answer time: whole body for plain requests, first event for streams (the SLA bounds time to first token).",
              "", "## Failures by reason", "", "| reason | ≥ 1 healthy | all down |", "|---|---|---|"]
    keys = list(dict.fromkeys(list(s["with_a_healthy_provider"]["failed_by_reason"]) + list(s["all_providers_down"]["failed_by_reason"])))
    for k in keys:
        lines.append(f'| {k} | {s["with_a_healthy_provider"]["failed_by_reason"].get(k, 0)} | {s["all_providers_down"]["failed_by_reason"].get(k, 0)} |')
    if not keys:
        lines.append("| (none) | 0 | 0 |")
    crash = report.get("crash", {})
    warm, after, settled, idle = res.get("warm") or {}, res.get("after_load") or {}, res.get("settled") or {}, report.get("idle_before_load") or {}
    lines += ["", "## Gateway process", "", "| | idle | after warm-up (start) | load just ended | settled (end) |", "|---|---|---|---|---|",
              f"| RSS MB | {mb(idle.get('rss_kb'))} | {mb(warm.get('rss_kb'))} | {mb(after.get('rss_kb'))} | {mb(settled.get('rss_kb'))} |",
              f"| open fds | {idle.get('fds', '-')} | {warm.get('fds', '-')} | {after.get('fds', '-')} | {settled.get('fds', '-')} |", "",
              f"Descriptors by kind (upstream pool / client / other): after warm-up {warm.get('fd_kinds')}, "
              f"settled {settled.get('fd_kinds')}. "
              f"Peak during load: RSS {mb(max((x['rss_kb'] or 0) for x in res.get('samples', [{'rss_kb': 0}])))} MB, "
              f"fds {max((x['fds'] or 0) for x in res.get('samples', [{'fds': 0}]))}. "
              f"In-flight gauge after settling: {settled.get('gateway_in_flight_metric')}. "
              f"Crash: {'YES (exit ' + str(crash.get('exit_code')) + ')' if crash.get('crashed') else 'no'}. "
              f"SIGTERM exit code: {report.get('shutdown_exit_code')}.", "",
              "## Schedule (one row per fault window)", "", "| slot | window s | provider | fault | sent | ok | mid-stream cuts | other failures |",
              "|---|---|---|---|---|---|---|---|"]
    for p in s["per_slot"]:
        lines.append(f'| {p["slot"]} | {p["window_s"][0]}–{p["window_s"][1]} | {p["provider"]} | {p["fault"]} | {p["sent"]} | {p["ok"]} | {p["mid_stream_cuts"]} | {p["other_failures"]} |')
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--summarize":  # re-render a report: --summarize REPORT.json
        rep = json.load(open(sys.argv[2]))
        summarize(rep)
        print(markdown(rep))
        sys.exit(0)
    asyncio.run(main())
