import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from testkit.server import free_port, serving  # noqa: F401  (re-exported for the tests)

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
