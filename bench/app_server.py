"""The app as `streamlit run server.py` on a free local port, for the browser tests, the
two-server test and the load test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(
    database_url: str,
    *,
    log: Path,
    env: dict | None = None,
    timeout: float = 60,
    script: str = "server.py",
) -> Iterator[tuple[str, subprocess.Popen]]:
    """(base URL, process) of a healthy server on `database_url`, its output in `log`;
    RuntimeError with the log's end if it does not become healthy. Stopped on exit.
    `script` (relative to the project root) is what `streamlit run` serves: the app's
    server.py unless a benchmark compares it with another page."""
    port = free_port()
    with open(log, "w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env={**os.environ, **(env or {}), "DATABASE_URL": database_url},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    output.flush()
                    raise RuntimeError(
                        "the app server did not become healthy:\n" + Path(log).read_text()[-3000:]
                    )
                time.sleep(0.2)
            yield base, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
