"""A real ``gcm-kg serve`` (gunicorn, worker processes, query processes) on a free 127.0.0.1 port,
and Linux /proc helpers to watch its process tree (pids, roles, memory)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from gcm_kg.store.executor import PROCESS_NAME

GCM_KG = [sys.executable, "-m", "gcm_kg.cli.main"]
CLIENT_TIMEOUT = (5, 30)
SPARQL_JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """``gcm-kg serve ARGS`` running; its log goes to a file (a full pipe would block gunicorn)."""

    def __init__(self, log_dir: Path, *args: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + "/sparql"
        self.log_path = log_dir / f"serve-{self.port}.log"
        self._log = open(self.log_path, "w")
        # gunicorn's default in `serve`: one worker per core
        self.expected_workers = int(args[args.index("--workers") + 1]) if "--workers" in args else os.cpu_count()
        self.process = subprocess.Popen(GCM_KG + ["serve", "--host", "127.0.0.1", "--port", str(self.port), *args],
                                        stdout=self._log, stderr=subprocess.STDOUT, text=True)

    @property
    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def wait_ready(self, limit: float = 90.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.log}")
            try:
                # Ready means every worker is up, not only the first one to answer.
                if (requests.get(self.base + "/ready", timeout=2).status_code == 200
                        and len(self.workers()) == self.expected_workers):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.base} was not ready within {limit} s:\n{self.log}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
        return self.process.returncode

    # -- the process tree -------------------------------------------------------------------------
    def workers(self) -> list[int]:
        return [pid for pid in children_of(self.process.pid) if command_name(pid) != PROCESS_NAME]

    def query_processes(self) -> list[int]:
        """The query process (one for the service, a child of the master), as a list."""
        return [pid for pid in children_of(self.process.pid) if command_name(pid) == PROCESS_NAME]

    def tree_rss_mb(self) -> float:
        pids = [self.process.pid] + self.workers() + self.query_processes()
        return sum(rss_kb(pid) for pid in pids) / 1024


def _parent_of(pid: str) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def command_name(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def children_of(pid: int) -> list[int]:
    return sorted(int(entry.name) for entry in Path("/proc").iterdir()
                  if entry.name.isdigit() and _parent_of(entry.name) == pid and _alive(int(entry.name)))


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has ended, it only waits to be reaped


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def wait_for(condition, limit: float, step: float = 0.1):
    """Poll ``condition()`` until it is truthy (returns it) or ``limit`` seconds pass (returns the last value)."""
    end = time.monotonic() + limit
    value = condition()
    while not value and time.monotonic() < end:
        time.sleep(step)
        value = condition()
    return value


def ask(url: str, query: str = "ASK { ?s ?p ?o }", timeout=CLIENT_TIMEOUT) -> requests.Response:
    return requests.post(url, data=query.encode(), timeout=timeout,
                         headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON})


def post(url: str, query: str) -> requests.Response:
    """A query by POST that accepts SPARQL JSON, or a problem document when it fails."""
    return requests.post(url, data=query.encode(), timeout=CLIENT_TIMEOUT,
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": f"{SPARQL_JSON}, application/problem+json;q=0.5"})


@pytest.fixture
def serve(tmp_path):
    """Start ``gcm-kg serve`` with the given arguments; every server started is stopped afterwards."""
    started: list[Served] = []

    def start(*args: str, ready: bool = True) -> Served:
        served = Served(tmp_path, *args)
        started.append(served)
        if ready:
            served.wait_ready()
        return served

    yield start
    for served in started:
        served.stop()
