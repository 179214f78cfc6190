"""Faults: a query process or a whole worker killed mid-query, a store that is damaged or held open
by another process, and an export interrupted midway."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from .conftest import CLIENT_TIMEOUT, GCM_KG, SPARQL_JSON, ask, free_port, wait_for

from gcm_kg.cli import main as cli
from gcm_kg.rdf import export

RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?h ?i }"


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return -1


def busy_process(pids: list[int], seconds: float = 0.6) -> int | None:
    """The one of ``pids`` that uses the CPU (the one running the query)."""
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(seconds)
    used = {pid: cpu_ticks(pid) - before[pid] for pid in pids}
    busiest = max(used, key=used.get)
    return busiest if used[busiest] > 0 else None


def start_runaway(url: str):
    import threading

    outcome: dict = {}

    def run():
        try:
            outcome["response"] = requests.post(url, data=RUNAWAY.encode(), timeout=CLIENT_TIMEOUT, headers={
                "Content-Type": "application/sparql-query", "Accept": f"{SPARQL_JSON}, application/problem+json"})
        except requests.RequestException as error:
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_query_process_killed_mid_query_twice_is_an_error_and_is_replaced(serve):
    """Killed once, the query is run again on the fresh process (it may have been a neighbour's
    fault); killed again, the client gets a 500 that says so, and the worker serves on."""
    served = serve("--workers", "1", "--timeout", "20")
    ask(served.url)
    thread, outcome = start_runaway(served.url)
    time.sleep(0.3)
    victims = []
    for _ in range(2):
        assert wait_for(lambda: [pid for pid in served.query_processes() if pid not in victims], 5)
        victim = busy_process([pid for pid in served.query_processes() if pid not in victims])
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        victims.append(victim)
    thread.join(30)
    response = outcome["response"]
    assert response.status_code == 500
    assert "ended while running" in response.json()["detail"]
    assert ask(served.url).json()["boolean"] is True
    assert wait_for(lambda: not set(victims) & set(served.query_processes()), 5)
    assert len(served.query_processes()) == 1  # one query process for the service, a lane per thread


def workers_with_a_client_connection(served) -> list[int]:
    """The workers holding an established TCP connection on the service's port (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            if local_port == served.port and state == "01":  # ESTABLISHED, on the server's side
                inodes.add(f"socket:[{inode}]")
    holders = []
    for worker in served.workers():
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{worker}/fd").iterdir()}
        except OSError:
            continue
        if links & inodes:
            holders.append(worker)
    return holders


def test_a_worker_killed_mid_query_costs_only_its_requests_and_is_replaced(serve):
    served = serve("--workers", "2", "--timeout", "20")
    assert len(served.workers()) == 2
    thread, outcome = start_runaway(served.url)
    time.sleep(0.3)
    query_process = busy_process(served.query_processes())
    assert query_process is not None
    victims = workers_with_a_client_connection(served)
    assert len(victims) == 1, victims
    os.kill(victims[0], signal.SIGKILL)
    thread.join(30)
    # The client learns it: an error response or a dropped connection, never a hang or a fake 200.
    assert "error" in outcome or outcome["response"].status_code >= 500, outcome
    assert wait_for(lambda: len(served.workers()) == 2 and victims[0] not in served.workers(), 30), served.log
    # Nobody waits for the dead worker's query any more: the query process saw its lane hang up and
    # ended itself (no orphan keeps running the query), and a fresh one took over.
    assert wait_for(lambda: not (Path(f"/proc/{query_process}").exists() and cpu_ticks(query_process) >= 0), 10)
    assert wait_for(lambda: len(served.query_processes()) == 1, 10)
    served.wait_ready()
    for _ in range(6):  # both workers answer
        assert ask(served.url).json()["boolean"] is True


def test_a_store_held_open_for_writing_by_another_process_is_served_read_only(serve, tmp_path):
    """pyoxigraph opens a store read-only without RocksDB's lock, so a writer elsewhere does not block
    serving (the writer's later changes are not seen until a restart)."""
    store_dir = tmp_path / "store"
    built = subprocess.run(GCM_KG + ["build", "--store", str(store_dir)], capture_output=True, text=True, timeout=180)
    assert built.returncode == 0, built.stderr
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time, pyoxigraph as ox\n"
                               "store = ox.Store(sys.argv[1]); print('open', flush=True); time.sleep(120)",
                               str(store_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(OSError, match="lock"):  # a second writer is refused: the lock is real
            ox.Store(str(store_dir))
        served = serve("--workers", "1", "--store", str(store_dir))
        assert ask(served.url).json()["boolean"] is True
    finally:
        holder.kill()
        holder.wait(10)


def _limit_memory():  # a damaged store must not take the test machine down with it
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))


def damage(store_dir: Path, how: str) -> None:
    tables = sorted(store_dir.glob("*.sst"), key=lambda p: p.stat().st_size)
    if how == "tables removed":
        for table in tables:
            table.unlink()
    elif how == "tables truncated":
        for table in tables:
            table.write_bytes(table.read_bytes()[:100])
    elif how == "data blocks flipped":  # same sizes, so only the data blocks' checksums can tell
        for table in tables:
            data = bytearray(table.read_bytes())
            if len(data) > 4000:
                for i in range(200, len(data) // 3, 97):
                    data[i] ^= 0xFF
                table.write_bytes(bytes(data))
    elif how == "a file, not a directory":
        import shutil

        shutil.rmtree(store_dir)
        store_dir.write_text("not a store\n")


@pytest.mark.parametrize("how", ["tables removed", "tables truncated", "data blocks flipped", "a file, not a directory"])
def test_a_damaged_store_ends_serve_with_exit_2_naming_the_path(tmp_path, how):
    store_dir = tmp_path / "store"
    built = subprocess.run(GCM_KG + ["build", "--store", str(store_dir)], capture_output=True, text=True, timeout=180)
    assert built.returncode == 0, built.stderr
    damage(store_dir, how)
    process = subprocess.Popen(GCM_KG + ["serve", "--port", str(free_port()), "--store", str(store_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_limit_memory)
    try:
        _, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 2, err[-2000:]
    assert str(store_dir) in err
    assert "Traceback" not in err


# -- exports are written whole or not at all ----------------------------------------------------------

def test_an_export_that_fails_midway_leaves_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "gcm-kg.nq"
    target.write_bytes(b"the previous dump\n")
    real = export.dump_bytes

    def failing(quads, fmt):
        real(quads, fmt)  # all the work, then a failure before anything is returned
        raise MemoryError("simulated failure during generation")

    monkeypatch.setattr(export, "dump_bytes", failing)
    with pytest.raises(MemoryError):
        cli.main(["export", "--format", "nq", "--output", str(target)])
    assert target.read_bytes() == b"the previous dump\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gcm-kg.nq"]  # no temporary file left


def test_an_export_killed_at_any_moment_never_leaves_half_a_file(tmp_path):
    target = tmp_path / "gcm-kg.nq"
    complete = subprocess.run(GCM_KG + ["export", "--format", "nq"], capture_output=True, timeout=120).stdout
    assert len(complete) > 100_000
    old = b"the previous dump\n"
    outcomes = set()
    for delay in (0.2, 0.5, 0.8, 1.2, 2.0):
        target.write_bytes(old)
        process = subprocess.Popen(GCM_KG + ["export", "--format", "nq", "--output", str(target)])
        time.sleep(delay)
        process.kill()
        process.wait(30)
        content = target.read_bytes()
        assert content in (old, complete), (delay, len(content))
        outcomes.add(content == complete)
        for leftover in tmp_path.glob(".gcm-kg.nq.*.part"):  # a killed process cannot clean up
            leftover.unlink()
    assert outcomes  # (at least one kill landed; which ones finished depends on the machine)


def test_sigterm_stops_a_store_backed_server_without_aborting_its_workers(serve, tmp_path):
    """Workers forked from a master that opened RocksDB must not run its C++ destructors on exit."""
    store_dir = tmp_path / "store"
    built = subprocess.run(GCM_KG + ["build", "--store", str(store_dir)], capture_output=True, text=True, timeout=180)
    assert built.returncode == 0, built.stderr
    served = serve("--workers", "2", "--store", str(store_dir))
    for _ in range(4):
        assert ask(served.url).json()["boolean"] is True
    assert served.stop() == 0
    log = served.log
    assert "Worker exiting" in log
    assert "SIGABRT" not in log and "terminate called" not in log and "system_error" not in log, log[-2000:]
