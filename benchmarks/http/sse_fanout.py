#!/usr/bin/env python3
"""SSE fan-out check for the QuantumLM reference host (stdlib only).

Opens N concurrent subscribers on GET /api/arena/events/stream?session_id=..., publishes a burst of events into the
session at a fixed rate (psql, as the workers' service identity would), and verifies that every subscriber received
every event exactly once and in id order. Prints one JSON line with the outcome; exit 0 only when nothing was lost.

  sse_fanout.py --base http://127.0.0.1:5090 --token T --session S --subscribers 1000 --events 100 --rate 100 --psql "psql args"
"""
import argparse, asyncio, json, os, shlex, subprocess, sys, time
from urllib.parse import urlparse


async def subscriber(idx, base, token, session, expected, got, ready, deadline):
    u = urlparse(base)
    reader, writer = await asyncio.open_connection(u.hostname, u.port or 80, limit=1 << 20)
    writer.write((f"GET /api/arena/events/stream?session_id={session} HTTP/1.1\r\nHost: {u.hostname}\r\n"
                  f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n").encode())
    await writer.drain()
    status = (await reader.readline()).decode()
    if " 200 " not in status:
        raise RuntimeError(f"subscriber {idx}: {status.strip()}")
    chunked = False
    while True:
        line = (await reader.readline()).decode().strip()
        if not line:
            break
        if line.lower() == "transfer-encoding: chunked":
            chunked = True
    ready.release()
    ids, buf = got[idx], b""
    try:
        while len(ids) < expected:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if chunked:
                size_line = await asyncio.wait_for(reader.readline(), remaining)
                size = int(size_line.strip() or b"0", 16)
                if size == 0:
                    return
                data = await asyncio.wait_for(reader.readexactly(size + 2), remaining)
                buf += data[:-2]
            else:
                data = await asyncio.wait_for(reader.read(65536), remaining)
                if not data:
                    return
                buf += data
            while b"\n\n" in buf:
                frame, buf = buf.split(b"\n\n", 1)
                for line in frame.split(b"\n"):
                    if line.startswith(b"id: "):
                        ids.append(int(line[4:]))
    except asyncio.TimeoutError:
        return
    finally:
        writer.close()


def publish(psql, session, events, rate):
    """Inserts events one transaction each, paced at `rate` per second, as the service identity; returns their ids."""
    stmts = []
    for i in range(events):
        stmts.append("BEGIN; SELECT set_config('role','quantumlm_service',true), set_config('request.jwt.claims','{\"service\":\"bench\"}',true) \\g /dev/null\n"
                     f"INSERT INTO agent_events (session_id, agent_type, event_type, message, data) VALUES ('{session}', 'bench', 'burst', 'event {i}', '{{\"n\": {i}}}') RETURNING event_id;\nCOMMIT;\n"
                     f"SELECT pg_sleep({1.0 / rate:.6f}) \\g /dev/null\n")
    out = subprocess.run(shlex.split(psql) + ["-q", "-t", "-A", "-v", "ON_ERROR_STOP=1"], input="".join(stmts), text=True,
                         capture_output=True, check=True).stdout
    return [int(x) for x in out.split() if x.strip().isdigit()]


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True); p.add_argument("--token", required=True); p.add_argument("--session", required=True)
    p.add_argument("--subscribers", type=int, default=1000); p.add_argument("--events", type=int, default=100)
    p.add_argument("--rate", type=float, default=100.0); p.add_argument("--psql", required=True)
    p.add_argument("--timeout", type=float, default=120.0)
    a = p.parse_args()
    got = [[] for _ in range(a.subscribers)]
    ready = asyncio.Semaphore(0)
    deadline = time.monotonic() + a.timeout
    tasks = []
    for i in range(a.subscribers):
        tasks.append(asyncio.create_task(subscriber(i, a.base, a.token, a.session, a.events, got, ready, deadline)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)  # do not SYN-flood the listen backlog
    for _ in range(a.subscribers):
        await asyncio.wait_for(ready.acquire(), a.timeout)
    t0 = time.monotonic()
    published = await asyncio.to_thread(publish, a.psql, a.session, a.events, a.rate)
    t_pub = time.monotonic() - t0
    results = await asyncio.gather(*tasks, return_exceptions=True)
    t_all = time.monotonic() - t0
    errors = [repr(r) for r in results if isinstance(r, Exception)]
    complete = sum(1 for ids in got if ids == published)
    lost = sum(len(set(published) - set(ids)) for ids in got)
    dup_or_disorder = sum(1 for ids in got if ids != sorted(set(ids)))
    print(json.dumps({"subscribers": a.subscribers, "events": len(published), "rate_per_s": a.rate, "publish_s": round(t_pub, 3),
                      "all_delivered_s": round(t_all, 3), "subscribers_complete": complete, "events_lost": lost,
                      "subscribers_with_duplicates_or_disorder": dup_or_disorder, "errors": errors[:5]}))
    return 0 if complete == a.subscribers and not errors else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
