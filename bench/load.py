"""Fallback load generator (when wrk is unavailable): N threads, each with a keep-alive http.client
connection, for a fixed duration. Prints one JSON line like bench/wrk_report.lua.

    python bench/load.py URL SECONDS CONNECTIONS [COOKIE]
"""
import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def run(url: str, seconds: float, connections: int, cookie: str = "") -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Cookie": cookie} if cookie else {}
    latencies, errors, non2xx = [], [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.status >= 400:
                    non2xx[0] += 1
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            except Exception:
                errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - start
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else 0.0

    return {"requests": len(latencies), "seconds": round(elapsed, 3), "rps": round(len(latencies) / elapsed, 1),
            "p50": round(pct(50), 2), "p95": round(pct(95), 2), "p99": round(pct(99), 2), "errors": errors[0] + non2xx[0],
            "non2xx": non2xx[0]}


if __name__ == "__main__":
    url, seconds, connections = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    print("BENCHJSON " + json.dumps(run(url, seconds, connections, sys.argv[4] if len(sys.argv) > 4 else "")))
