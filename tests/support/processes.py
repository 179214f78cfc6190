"""What a process is doing, read from Linux's /proc (for tests that watch a query process), and stopping the servers the tests start."""

import os
import subprocess
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process ``pid`` has used so far; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def stop_child(process: subprocess.Popen | None, grace: float = 10) -> None:
    """Stop a server the tests started: SIGTERM, then SIGKILL if it is still there after ``grace`` s."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
