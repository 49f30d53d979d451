"""Are two archives the same? Every table's rows compared, ids and run-dependent columns
(ingest time, stage timings) left out and files compared by name: a refactoring that keeps behaviour must build the
same archive from the same files.

    python benchmarks/compare_archives.py BEFORE.db AFTER.db

Prints, per table, the rows only one archive holds (at most five of each), and exits 1
when they differ.
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter

SKIP = {"id", "ingested_at", "timings", "page_id", "article_id", "block_id"}
FILES = {"source_path", "image_path"}  # compared by file name: the two archives may live apart
TABLES = ("pages", "articles", "captions", "blocks", "lines", "repairs")


def rows(path: str, table: str) -> Counter:
    con = sqlite3.connect(path)
    try:
        cols = [r[1] for r in con.execute(f"pragma table_info([{table}])") if r[1] not in SKIP]
        picked = ", ".join(f"replace([{c}], rtrim([{c}], replace([{c}], '/', '')), '')" if c in FILES else f"[{c}]"
                           for c in cols)
        return Counter(tuple(r) for r in con.execute(f"select {picked} from [{table}]"))
    finally:
        con.close()


def main() -> int:
    before, after = sys.argv[1], sys.argv[2]
    same = True
    for t in TABLES:
        a, b = rows(before, t), rows(after, t)
        only_a, only_b = a - b, b - a
        print(f"{t:10s} {sum(a.values()):6d} rows before, {sum(b.values()):6d} after: "
              + ("same" if not only_a and not only_b else f"{sum(only_a.values())} only before, "
                                                          f"{sum(only_b.values())} only after"))
        for label, extra in (("-", only_a), ("+", only_b)):
            for r in list(extra)[:5]:
                print(f"  {label} {str(r)[:200]}")
        same &= not only_a and not only_b
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
