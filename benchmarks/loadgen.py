"""Shared load harness of the intake and peer benchmarks: a gunicorn server started and stopped
by its PID, and wrk (Debian package, installed when missing) driving it from another process
with a Lua script, bounded in seconds and in requests.

The Lua prelude here counts every response by status, stops each wrk thread after its share of
the request cap, and prints one JSON line from ``done()`` with the latency percentiles; the
benchmark scripts append their own ``request()`` function to it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

MARK = "LOADGEN_JSON "


class SetupError(RuntimeError):
    """A benchmark could not be set up; the message says what to do."""


def fail(message: str) -> None:
    print(f"setup failed: {message}", file=sys.stderr)
    raise SystemExit(2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when it is missing (as .ci/run does)."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        raise SetupError("wrk is not installed and this is not root: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["/usr/bin/apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["/usr/bin/apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    path = shutil.which("wrk")
    if not path:
        raise SetupError("apt-get install wrk did not provide a wrk binary")
    return path


@dataclass
class Gunicorn:
    """One gunicorn master with its workers, stopped by PID (SIGTERM, then SIGKILL)."""

    gunicorn: str  # path of the gunicorn executable (of the right virtual environment)
    app: str
    env: dict
    cwd: str
    workers: int = 2
    worker_class: str = "gthread"
    threads: int = 4
    timeout: int = 60  # seconds before the master restarts a silent worker
    port: int = field(default_factory=free_port)
    log: Path | None = None
    proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [self.gunicorn, self.app, "--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.worker_class == "gthread":
            cmd += ["--threads", str(self.threads)]
        # No access log (a deployment writes it through a proxy); keep-alive for wrk's reuse.
        return [
            *cmd,
            "--keep-alive",
            "30",
            "--timeout",
            str(self.timeout),
            "--log-level",
            "warning",
        ]

    def start(self, ready_path: str, timeout: float = 60) -> None:
        log = open(self.log or os.devnull, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            self.command(), cwd=self.cwd, env=self.env, stdout=log, stderr=log
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SetupError(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.base_url + ready_path, timeout=5) as r:  # noqa: S310
                    if r.status < 500:
                        return
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SetupError(f"gunicorn did not answer {ready_path} within {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in children.split()]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        workers = self.worker_pids()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for pid in workers:  # a worker left behind by a killed master
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


LUA_PRELUDE = r"""
-- loadgen prelude: per-thread status counts, a request cap, one JSON line from done().
-- wrk's own duration is always its -d (the main thread sleeps that long); the measured time is
-- from the threads' start to the last response, on the monotonic clock (LuaJIT's FFI).
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } lg_timespec;
           int clock_gettime(int, lg_timespec *); ]]
local lg_ts = ffi.new("lg_timespec")
local function now()
  ffi.C.clock_gettime(1, lg_ts)
  return tonumber(lg_ts.tv_sec) + tonumber(lg_ts.tv_nsec) / 1e9
end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
statuses = {}
first_error = ""
seen = 0
started, last = 0, 0
function init(args)
  started = now()
  last = started
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if (status < 200 or status > 299) and first_error == "" then
    first_error = status .. " " .. string.sub(body or "", 1, 300)
  end
  seen = seen + 1
  last = now()
  -- One connection per thread: stopping after a response leaves no request in flight, so
  -- every request the server got was answered and counted.
  if seen >= MAX_PER_THREAD or last >= started + SECONDS then wrk.thread:stop() end
end
local function esc(s)
  return (string.gsub(s, '[%c"\\]',
    function(c) return string.format("\\u%04x", string.byte(c)) end))
end
function done(summary, latency, requests)
  local total, parts, errors = {}, {}, {}
  local first, final = math.huge, 0
  for _, t in ipairs(threads) do
    first = math.min(first, t:get("started"))
    final = math.max(final, t:get("last"))
    local st = t:get("statuses")
    for code, n in pairs(st) do total[code] = (total[code] or 0) + n end
    local fe = t:get("first_error")
    if fe ~= "" then table.insert(errors, '"' .. esc(fe) .. '"') end
  end
  for code, n in pairs(total) do table.insert(parts, '"' .. code .. '":' .. n) end
  local pct = {}
  for _, p in ipairs({50, 90, 95, 99}) do
    table.insert(pct, '"p' .. p .. '":' .. latency:percentile(p) / 1000)
  end
  local e = summary.errors
  io.write("LOADGEN_JSON {" ..
    '"requests":' .. summary.requests .. ',"duration_s":' .. (final - first) ..
    ',"socket_errors":' .. (e.connect + e.read + e.write + e.timeout) ..
    ',"timeouts":' .. e.timeout ..
    ',"statuses":{' .. table.concat(parts, ",") .. "}," ..
    '"mean_ms":' .. latency.mean / 1000 .. ',"max_ms":' .. latency.max / 1000 .. "," ..
    table.concat(pct, ",") .. ',"first_errors":[' .. table.concat(errors, ",") .. "]}\n")
end
"""


def lua_string(value: str) -> str:
    """A Lua string literal (UTF-8 bytes pass through unchanged)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def run_wrk(
    url: str,
    script: str,
    *,
    seconds: int,
    connections: int,
    max_requests: int,
    timeout_s: int = 10,
) -> dict:
    """Run wrk with the prelude + ``script`` and return the figures of its done() line.

    The figures: requests, duration_s, statuses {code: n}, ok (2xx), errors (everything else
    and socket errors), rate (2xx per second), mean/p50/p90/p95/p99/max in milliseconds.
    """
    wrk = ensure_wrk()
    # One wrk thread per connection: the Lua stops a thread after a response, never with a
    # request in flight (wrk's own -d would cut requests the server still completes).
    threads = connections
    per_thread = max(1, -(-max_requests // threads))
    head = f"MAX_PER_THREAD = {per_thread}\nSECONDS = {seconds}\n"
    source = f"{head}{LUA_PRELUDE}\n{script}\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write(source)
        lua = f.name
    try:
        # The Lua ends each thread at its deadline; -d adds a grace for the last answers (a
        # request still unanswered then is cut, and shows as a ticket without a 2xx).
        cmd = [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds + 3}s"]
        cmd += ["--timeout", f"{timeout_s}s", "-s", lua, url]
        out = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + timeout_s + 75, check=False
        )
    finally:
        os.unlink(lua)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith(MARK)), None)
    if out.returncode != 0 or line is None:
        raise SetupError(f"wrk failed ({out.returncode}): {out.stderr.strip() or out.stdout}")
    figures = json.loads(line[len(MARK) :])
    statuses = {int(k): v for k, v in figures["statuses"].items()}
    figures["statuses"] = statuses
    figures["ok"] = sum(n for code, n in statuses.items() if 200 <= code < 300)
    figures["errors"] = figures["requests"] - figures["ok"] + figures["socket_errors"]
    figures["rate"] = figures["ok"] / figures["duration_s"] if figures["duration_s"] else 0.0
    figures["connections"] = connections
    return figures


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (never interpolated in our favour)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def _sql_worker(dsn, work, index, seconds, max_ops, queue) -> None:  # pragma: no cover - child
    import psycopg

    times, errors = [], 0
    with psycopg.connect(dsn) as conn:
        deadline = time.monotonic() + seconds
        i = 0
        while i < max_ops and time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                with conn.transaction():
                    work(conn, index, i)
                times.append(time.perf_counter() - start)
            except psycopg.Error:
                errors += 1
            i += 1
        elapsed = time.monotonic() - (deadline - seconds)
    queue.put((times, errors, elapsed))


def sql_rate(dsn: str, work, *, processes: int, seconds: int, max_ops: int) -> dict:
    """Run ``work(conn, process_index, i)``, one transaction each, in ``processes`` client
    processes for ``seconds`` (and at most ``max_ops`` in all); figures like run_wrk's."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    per_process = max(1, -(-max_ops // processes))
    procs = [
        ctx.Process(target=_sql_worker, args=(dsn, work, n, seconds, per_process, queue))
        for n in range(processes)
    ]
    for proc in procs:
        proc.start()
    times: list[float] = []
    errors, elapsed = 0, 0.0
    for _ in procs:
        t, e, spent = queue.get(timeout=seconds + 120)
        times += t
        errors += e
        elapsed = max(elapsed, spent)
    for proc in procs:
        proc.join(timeout=30)
    times.sort()
    ms_values = [t * 1000 for t in times]
    return {
        "processes": processes,
        "rows": len(times),
        "errors": errors,
        "duration_s": elapsed,
        "rate": len(times) / elapsed if elapsed else 0.0,
        "p50": percentile(ms_values, 50),
        "p95": percentile(ms_values, 95),
        "p99": percentile(ms_values, 99),
        "max_ms": ms_values[-1] if ms_values else None,
    }


def sample_get(url: str, headers: dict, *, count: int, budget_s: float, timeout_s: float) -> dict:
    """Time up to ``count`` GETs one after another within ``budget_s`` seconds (the first one
    also counts: a list that takes minutes shows as such). p50/p95 in milliseconds."""
    times, statuses, start = [], {}, time.monotonic()
    for _ in range(count):
        if time.monotonic() - start > budget_s:
            break
        t0 = time.perf_counter()
        try:
            req = urllib.request.Request(url, headers=headers)  # noqa: S310
            with urllib.request.urlopen(req, timeout=timeout_s) as r:  # noqa: S310
                r.read()
                code = r.status
        except urllib.error.HTTPError as e:
            code = e.code
        except OSError:
            code = 0  # timed out or refused
        times.append((time.perf_counter() - t0) * 1000)
        statuses[code] = statuses.get(code, 0) + 1
    ordered = sorted(times)
    return {
        "requests": len(times),
        "statuses": statuses,
        "errors": sum(n for c, n in statuses.items() if not 200 <= c < 300),
        "p50": percentile(ordered, 50),
        "p95": percentile(ordered, 95),
        "max_ms": ordered[-1] if ordered else None,
    }


def table(headers: list[str], rows: list[list]) -> str:
    """A small Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())
