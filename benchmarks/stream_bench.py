#!/usr/bin/env python3
"""Streaming benchmark: time to first token, gaps between chunks, and lost chunks, for N
concurrent SSE streams against one base URL. Plain asyncio sockets (no HTTP library), so
the client adds the same small cost to every target it measures.

Usage: stream_bench.py --url http://127.0.0.1:PORT/v1/chat/completions --streams 64 --model m
Prints one JSON object: ttft_ms {p50,p90,p99}, gap_ms {p50,p90,p99}, streams, complete,
chunks_per_stream {min,max}, errors.
"""
import argparse
import asyncio
import json
import time
from urllib.parse import urlparse


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


async def one_stream(host, port, path, body, headers, deadline_s):
    reader, writer = await asyncio.open_connection(host, port)
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}Connection: close\r\n\r\n"
    ).encode() + body
    started = time.perf_counter()
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if b" 200 " not in status_line:
        writer.close()
        return {"error": status_line.decode(errors="replace").strip()}
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"transfer-encoding:") and b"chunked" in line.lower():
            chunked = True
    buffer = b""
    times = []
    done = False
    first = None

    async def read_piece():
        if not chunked:
            return await reader.read(65536)
        size_line = await reader.readline()
        if not size_line:
            return b""
        size = int(size_line.strip().split(b";")[0] or b"0", 16)
        if size == 0:
            await reader.readline()
            return b""
        data = await reader.readexactly(size)
        await reader.readexactly(2)
        return data

    while not done:
        piece = await asyncio.wait_for(read_piece(), timeout=deadline_s)
        if not piece:
            break
        now = time.perf_counter()
        buffer += piece
        while b"\n\n" in buffer:
            event, buffer = buffer.split(b"\n\n", 1)
            if not event.startswith(b"data: "):
                continue
            payload = event[6:]
            if payload == b"[DONE]":
                done = True
                break
            if b'"content":"' in payload and first is None:
                first = now
            if b'"choices":[]' in payload:
                continue
            times.append(now)
    writer.close()
    gaps = [b - a for a, b in zip(times, times[1:])]
    return {"ttft": (first or (times[0] if times else now)) - started, "gaps": gaps, "chunks": len(times), "done": done}


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--streams", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--model", default="bench")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--key", default="")
    args = parser.parse_args()
    url = urlparse(args.url)
    body = json.dumps({
        "model": args.model, "stream": True, "max_tokens": args.max_tokens,
        "messages": [{"role": "user", "content": "benchmark"}],
    }).encode()
    headers = f"Authorization: Bearer {args.key}\r\n" if args.key else ""
    results = []
    for _ in range(args.rounds):
        batch = await asyncio.gather(
            *[one_stream(url.hostname, url.port, url.path, body, headers, 30) for _ in range(args.streams)],
            return_exceptions=True,
        )
        results.extend(batch)
    ok = [r for r in results if isinstance(r, dict) and "error" not in r]
    errors = [str(r) if not isinstance(r, dict) else r["error"] for r in results if not (isinstance(r, dict) and "error" not in r)]
    ttfts = [r["ttft"] * 1000 for r in ok]
    gaps = [g * 1000 for r in ok for g in r["gaps"]]
    chunks = [r["chunks"] for r in ok]
    print(json.dumps({
        "streams": len(results),
        "complete": sum(1 for r in ok if r["done"]),
        "errors": errors[:5],
        "error_count": len(errors),
        "chunks_per_stream": {"min": min(chunks) if chunks else 0, "max": max(chunks) if chunks else 0},
        "ttft_ms": {p: percentile(ttfts, q) for p, q in (("p50", 50), ("p90", 90), ("p99", 99))},
        "gap_ms": {p: percentile(gaps, q) for p, q in (("p50", 50), ("p90", 90), ("p99", 99))},
    }))


asyncio.run(main())
