import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = ROOT / "seeds" / "000_c24c6819f75a4cba.txt"
GOLD = SHARED / "gold" / "000_c24c6819f75a4cba.json"
ARCHIVE = [sys.executable, "-m", "archive"]


def run_archive(*args, cwd=None, check=False):
    """The CLI as a user runs it: a subprocess, stdout and stderr kept apart."""
    proc = subprocess.run([*ARCHIVE, *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"archive {' '.join(map(str, args))} failed:\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def gold():
    if not GOLD.exists():
        pytest.skip("../shared/gold is not beside this checkout")
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tesseract():
    if shutil.which("tesseract") is None:
        pytest.fail("tesseract is not installed: run `make install`")
    return shutil.which("tesseract")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db_path, *extra):
    """``archive serve`` on a free port, as a user starts it; yields the base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--db", str(db_path),
                             "--port", str(port), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
            raise AssertionError(proc.stderr.read().decode())
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
