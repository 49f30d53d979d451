"""A long PDF streams (issue 13): pages per second, peak memory, and when a short file
given after it is done.

    python benchmarks/streaming.py [--pages 2000] [--workers 2]

Writes a text-layer PDF of --pages pages (testkit.pdfs), then ingests it followed by
one short text page into a new archive, in this process (the CLI's code path, without
the subprocess). Prints pages/s, the seconds until the short file was stored, the
seconds until the first page of the PDF was committed, and the peak resident memory of
the writer and of the largest worker.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from testkit.pdfs import write_text_pdf

from archive import batch
from archive.model import Options

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c24c6819f75a4cba.txt"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="streaming-"))
    pdf = write_text_pdf(work / "long.pdf", args.pages)
    short = work / "short.txt"
    short.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    db = work / "a.db"
    t0 = time.perf_counter()
    seen: dict[str, float] = {}
    first_commit = [None]

    def on_page(src, done, total):
        if first_commit[0] is None and src == pdf:
            first_commit[0] = time.perf_counter() - t0
        if done % 100 == 0 or done == total:
            print(f"  pages {done}/{total}  {time.perf_counter() - t0:.0f} s", flush=True)

    def on_file(outcome):
        seen[outcome.path.name] = time.perf_counter() - t0

    options = Options(image_dir=str(work / "images"))
    outcomes = batch.ingest([pdf, short], db, options, workers=args.workers, on_page=on_page, on_file=on_file)
    elapsed = time.perf_counter() - t0
    con = sqlite3.connect(db)
    stored = con.execute("select count(*) from pages where status = 'ok'").fetchone()[0]
    print(f"pages: {args.pages} + 1, stored ok: {stored}, statuses: {[o.status for o in outcomes]}")
    print(f"total: {elapsed:.1f} s, {args.pages / elapsed:.2f} pages/s with {args.workers} workers")
    print(f"first PDF page committed after {first_commit[0]:.1f} s; the short file stored after "
          f"{seen.get('short.txt', float('nan')):.1f} s; the PDF done after {seen.get('long.pdf', float('nan')):.1f} s")
    print(f"peak memory: writer {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB, "
          f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")
    return 0 if stored == args.pages + 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
