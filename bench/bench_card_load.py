"""Membership card under load, against a bare Django JSON view on the same server.

    .venv/bin/python bench/run.py card_load [--seconds 10] [--warmup 2] [--connections 8]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gonghui .venv/bin/python bench/run.py card_load

Builds a scratch database (a SQLite file in bench/output/, or `<name>_cardload` on the PostgreSQL
server of DATABASE_URL, dropped afterwards), migrates it, creates the test district and a bearer
token for its worker, then starts gunicorn (2 sync workers, gonghui.settings.dev with DEBUG=0 and
GONGHUI_BENCH=1, on a free loopback port) and loads both endpoints in alternating rounds (default
10 x 1 s each, after 2 s of warm-up):
  floor = GET /bench/bare       a plain Django JsonResponse behind the same middleware, no database;
  card  = GET /api/v1/me/card   bearer-token look-up, the membership, the signed card token.
Load comes from wrk (Debian's /usr/bin/wrk) or, without it, a small thread pool of http.client.
Prints requests/s of both and card/floor: the median of the rounds' ratios (robust to other work on
the machine) and the overall one. Goal: >= 0.5. Loopback only; every run is time-bounded.
"""

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUTPUT = HERE / "output"
VENV_BIN = ROOT / ".venv" / "bin"
WRK = "/usr/bin/wrk"
GOAL = 0.5

SETUP = """
import django
django.setup()
from gonghui.accounts.services import api_token_issue
from gonghui.testing import District
print(api_token_issue(user=District().worker1_user))
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench_card_load")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per endpoint (max 60)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds per endpoint before measuring")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds the measured seconds are split in")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk exists")
    parser.add_argument("--strict", action="store_true", help=f"exit 1 when card/floor < {GOAL}")
    args = parser.parse_args(argv)
    args.seconds = max(1, min(args.seconds, 60))
    args.warmup = max(0, min(args.warmup, 30))
    args.connections = max(1, min(args.connections, 64))
    args.rounds = max(1, min(args.rounds, args.seconds))
    return args


# --- scratch database ---------------------------------------------------------------------------

class ScratchDatabase:
    """A throw-away database next to the configured one; `url` for the server, `drop()` afterwards."""

    def __init__(self):
        base = os.environ.get("DATABASE_URL", "")
        self.pg = base.startswith(("postgres://", "postgresql://"))
        if self.pg:
            parts = urlsplit(base)
            self.name = (parts.path.lstrip("/") or "gonghui") + "_cardload"
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.url = urlunsplit(parts._replace(path="/" + self.name))
        else:
            OUTPUT.mkdir(exist_ok=True)
            self.path = OUTPUT / "card_load.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def label(self) -> str:
        return f"PostgreSQL database {self.name}" if self.pg else f"SQLite {self.path.relative_to(ROOT)}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if self.pg:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def drop(self) -> None:
        if self.pg:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)


# --- server -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(db_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="gonghui.settings.dev", DEBUG="0", DATABASE_URL=db_url, GONGHUI_BENCH="1",
               LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    return env


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback URL we built
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f}s")


def fetch(url: str, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback URL we built
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# --- load ---------------------------------------------------------------------------------------

def load_wrk(url: str, headers: dict, seconds: int, args) -> tuple[float, int, int]:
    """Requests/s, requests, and failures (non-2xx, socket errors) according to wrk."""
    cmd = [WRK, f"-t{min(args.threads, args.connections)}", f"-c{args.connections}", f"-d{seconds}s",
           "--timeout", "5s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    failures = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        failures += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        # gunicorn's sync workers close every connection; wrk counts those closes as read errors.
        failures += int(m.group(1)) + int(m.group(3)) + int(m.group(4))
    return rps, total, failures


def load_python(url: str, headers: dict, seconds: int, args) -> tuple[float, int, int]:
    """A small fallback: one thread per connection, http.client, reconnecting when the server closes."""
    parts = urlsplit(url)
    counts = [[0, 0] for _ in range(args.connections)]
    deadline = time.monotonic() + seconds

    def worker(slot):
        conn = None
        while time.monotonic() < deadline:
            try:
                if conn is None:
                    conn = HTTPConnection(parts.hostname, parts.port, timeout=5)
                conn.request("GET", parts.path, headers=headers)
                response = conn.getresponse()
                response.read()
                counts[slot][0 if 200 <= response.status < 400 else 1] += 1
                if response.will_close:
                    conn.close()
                    conn = None
            except OSError:
                counts[slot][1] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 10)
    elapsed = time.monotonic() - started
    ok, failed = sum(c[0] for c in counts), sum(c[1] for c in counts)
    return ok / elapsed, ok + failed, failed


# --- main ---------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    args = parse_args(argv)
    use_wrk = os.path.exists(WRK) and not args.python_load
    load = load_wrk if use_wrk else load_python
    db = ScratchDatabase()
    env = server_env(db.url)
    python, gunicorn = str(VENV_BIN / "python"), str(VENV_BIN / "gunicorn")
    if not os.path.exists(gunicorn):
        gunicorn = shutil.which("gunicorn") or gunicorn

    print(f"scratch {db.label()}; load by {'wrk' if use_wrk else 'the Python load generator'}", flush=True)
    db.create()
    server = None
    try:
        t = time.perf_counter()
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,
                       timeout=300)
        token = subprocess.run([python, "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True,
                               text=True, timeout=300).stdout.strip().splitlines()[-1]
        print(f"migrated and seeded in {time.perf_counter() - t:.1f}s", flush=True)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [gunicorn, "gonghui.wsgi:application", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning"], cwd=ROOT, env=env)
        wait_ready(base + "/bench/bare", server)

        auth = {"Authorization": f"Bearer {token}"}
        status, body = fetch(base + "/api/v1/me/card", auth)
        if status != 200 or "card_no" not in json.loads(body):
            print(f"card endpoint answered {status}: {body[:200]!r}")
            return 1

        # Floor and card alternate in short rounds (the order flipping each round), so a change in
        # the machine's background load during the run weighs on both alike.
        targets = {"/bench/bare": ("floor  GET /bench/bare", {}),
                   "/api/v1/me/card": ("card   GET /api/v1/me/card", auth)}
        if args.warmup:
            for path, (_label, headers) in targets.items():
                load(base + path, headers, args.warmup, args)
        per_round = max(1, args.seconds // args.rounds)
        done = {path: [0.0, 0, 0] for path in targets}  # requests/s summed over rounds, requests, failures
        ratios = []
        for r in range(args.rounds):
            order = list(targets) if r % 2 == 0 else list(reversed(targets))
            rates = {}
            for path in order:
                rps, total, failures = load(base + path, targets[path][1], per_round, args)
                rates[path] = rps
                done[path][0] += rps
                done[path][1] += total
                done[path][2] += failures
            ratios.append(rates["/api/v1/me/card"] / rates["/bench/bare"])
        results = {}
        for path, (label, _headers) in targets.items():
            rps_sum, total, failures = done[path]
            results[path] = rps_sum / args.rounds
            print(f"{label:<30} {results[path]:9.0f} req/s  ({total} requests in {args.rounds} x {per_round}s, "
                  f"{failures} failed)", flush=True)
            if failures:
                print("requests failed: the figures are not comparable")
                return 1
        overall = results["/api/v1/me/card"] / results["/bench/bare"]
        ratio = statistics.median(ratios)  # robust to a burst of background load during one round
        verdict = "meets" if ratio >= GOAL else "BELOW"
        print(f"card/floor = {ratio:.3f} median of {args.rounds} rounds ({min(ratios):.2f}..{max(ratios):.2f}), "
              f"{overall:.3f} overall: {verdict} the goal of >= {GOAL}  [{args.workers} gunicorn workers, "
              f"{args.connections} connections, {os.cpu_count()} CPUs]")
        return 1 if args.strict and ratio < GOAL else 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        db.drop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
