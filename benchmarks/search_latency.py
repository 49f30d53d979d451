"""Search latency through Datasette's JSON API over HTTP, on an existing archive.

    python benchmarks/search_latency.py archive.db [ROUNDS]

Serves the archive with ``archive serve`` (as users get it), then times the canned
``search`` query (bm25, snippets) for 1- to 4-character Chinese terms, English words and
mixed queries drawn from the archive's own text, and prints p50/p95 per kind.
"""

import json
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import serving  # noqa: E402


def queries(db_path: Path, rng: random.Random, n: int) -> dict[str, list[str]]:
    db = sqlite_utils.Database(db_path)
    text = "".join(r["body"] or "" for r in db.query("select body from articles order by random() limit 2000"))
    han = re.findall(r"[\u4e00-\u9fff]{4,}", text)
    words = [w for w in re.findall(r"[A-Za-z]{4,}", text)]
    out = {f"zh{k}": [] for k in range(1, 5)}
    for k in range(1, 5):
        for _ in range(n if han else 0):
            run = rng.choice(han)
            i = rng.randrange(len(run) - k + 1)
            out[f"zh{k}"].append(run[i:i + k])
    out["en"] = [rng.choice(words) for _ in range(n)] if words else []
    out["mixed"] = [f"{rng.choice(han)[:2]} {rng.choice(words)}" for _ in range(n)] if han and words else []
    return {k: v for k, v in out.items() if v}


def main(db: str, rounds: int = 50) -> None:
    db_path = Path(db)
    qs = queries(db_path, random.Random(7), rounds)
    with serving(db_path) as base:
        urllib.request.urlopen(f"{base}/archive/search.json?q=a").read()  # warm up
        print(f"{'kind':6s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'hits/q':>7s}")
        for kind, terms in qs.items():
            times, hits = [], 0
            for q in terms:
                url = f"{base}/archive/search.json?_shape=array&q={urllib.parse.quote(q)}"
                t = time.perf_counter()
                with urllib.request.urlopen(url) as r:
                    hits += len(json.load(r))
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(f"{kind:6s} {len(times):4d} {statistics.median(times):8.1f} {p95:8.1f} {hits / len(times):7.1f}")


if __name__ == "__main__":
    main(sys.argv[1], *map(int, sys.argv[2:3]))
