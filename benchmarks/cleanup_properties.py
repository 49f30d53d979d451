"""The cleanup properties of tests/test_cleanup_properties.py at scale (issue 16).

    python benchmarks/cleanup_properties.py [--examples 3000]

Runs the property tests with --examples examples each (a cut word or a cut before
punctuation with a caption dropped into it, the same without a caption, an English word
hyphenated at a column end) and prints how many variants ran and whether all held.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=3000)
    args = ap.parse_args()
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_cleanup_properties.py"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "HYPOTHESIS_EXAMPLES": str(args.examples)})
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:]
    print(f"{3 * args.examples} variants asked for (3 properties x {args.examples}), "
          f"{time.perf_counter() - t:.0f} s: {summary}")
    if proc.returncode:
        print("\n".join(ln for ln in proc.stdout.splitlines() if ln.startswith(("E ", "FAILED")))[:4000])
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
