"""``archive serve`` started as a user starts it, on a free port (tests and benchmarks)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db_path, *extra, cwd=None):
    """``archive serve`` on a free port; yields the base URL."""
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and stops the server.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--db", str(db_path),
                             "--port", str(port), *map(str, extra)],
                            cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        else:
            raise AssertionError("archive serve did not answer")
        if proc.poll() is not None:
            log.seek(0)
            raise AssertionError(log.read().decode(errors="replace")[-3000:])
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
