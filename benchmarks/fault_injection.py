"""The writer killed at every SQL statement of a first ingest, in turn (issue 13).

    python benchmarks/fault_injection.py [--files 2]

For each statement N of a first run into a new archive (the seed and part of it, as
text pages), the run is killed (SIGKILL) as N starts, the ingest run again, and the
archive checked: integrity, every page once, both full-text indexes equal to a LIKE
scan. Prints the number of statements, of kills, and of failures (0 expected).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from testkit import faults

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c24c6819f75a4cba.txt"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="faults-"))
    src = work / "batch"
    src.mkdir()
    shutil.copy(SEED, src / "a.txt")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    (src / "b.txt").write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    faults.finish(src, work / "reference.db")
    want = faults.search_agrees(work / "reference.db")
    total = faults.statements(src, work / "t.db", ROOT)
    failures = []
    t = time.perf_counter()
    for at in range(1, total + 1):
        try:
            faults.kill_and_finish(src, work / f"k{at}.db", at, want, files=2, cwd=ROOT)
        except AssertionError as e:
            failures.append((at, str(e)[:200]))
            print(f"statement {at}: {str(e)[:200]}", flush=True)
        if at % 50 == 0:
            print(f"{at}/{total} statements, {len(failures)} failures, {time.perf_counter() - t:.0f} s", flush=True)
    print(f"{total} statements, {total} kills, {len(failures)} failures")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
