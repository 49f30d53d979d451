"""Search latency through Datasette's JSON API over HTTP, on an existing archive.

    python benchmarks/search_latency.py archive.db [ROUNDS]

Serves the archive with ``archive serve`` (as users get it), then times the canned
``search`` query (bm25, snippets) and the reading room's search page (/-/archive/search)
for 1- to 4-character Chinese terms, English words and mixed queries drawn from the
archive's own text, and prints p50/p95 per kind.
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

from testkit.server import serving


def queries(db_path: Path, rng: random.Random, n: int) -> dict[str, list[str]]:
    db = sqlite_utils.Database(db_path)
    top = db.execute("select max(id) from articles").fetchone()[0] or 0
    ids = [rng.randint(1, top) for _ in range(2000)]
    bodies = [r["body"] or "" for r in db.query(
        f"select body from articles where id in ({','.join(map(str, ids))})")]
    text = "".join(bodies)
    han = re.findall(r"[\u4e00-\u9fff]{4,}", text)
    words = [w for w in re.findall(r"[A-Za-z]{4,}", text)]
    out = {f"zh{k}": [] for k in range(1, 5)}
    for k in range(1, 5):
        for _ in range(n if han else 0):
            run = rng.choice(han)
            i = rng.randrange(len(run) - k + 1)
            out[f"zh{k}"].append(run[i:i + k])
    out["en"] = [rng.choice(words) for _ in range(n)] if words else []
    # mixed: a Chinese word and a Latin or digit token (１９９８, APEC) of the same article
    pairs = [(h, w) for b in bodies
             if (h := re.findall(r"[\u4e00-\u9fff]{2,}", b)) and (w := re.findall(r"[^\W_\u4e00-\u9fff]{2,}", b))]
    out["mixed"] = []
    for _ in range(n if pairs else 0):
        h, w = rng.choice(pairs)
        out["mixed"].append(f"{rng.choice(h)[:2]} {rng.choice(w)}")
    return {k: v for k, v in out.items() if v}


def _p50_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def report(db_path: Path, rounds: int = 50) -> None:
    """p50/p95 per kind of query: the canned search's JSON (for researchers) and the
    reading room's search page (for people: 20 results, facets by title, year, month)."""
    qs = queries(db_path, random.Random(7), rounds)
    with serving(db_path) as base:
        urllib.request.urlopen(f"{base}/{db_path.stem}/search.json?q=a").read()  # warm up
        print(f"{'kind':6s} {'n':>4s} {'p50 ms':>8s} {'p95 ms':>8s} {'hits/q':>7s} {'page p50':>9s} {'page p95':>9s}")
        for kind, terms in qs.items():
            times, page_times, hits = [], [], 0
            for q in terms:
                url = f"{base}/{db_path.stem}/search.json?_shape=array&q={urllib.parse.quote(q)}"
                t = time.perf_counter()
                with urllib.request.urlopen(url) as r:
                    hits += len(json.load(r))
                times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                with urllib.request.urlopen(f"{base}/-/archive/search?q={urllib.parse.quote(q)}") as r:
                    r.read()
                page_times.append((time.perf_counter() - t) * 1000)
            (p50, p95), (q50, q95) = _p50_p95(times), _p50_p95(page_times)
            print(f"{kind:6s} {len(times):4d} {p50:8.1f} {p95:8.1f} {hits / len(times):7.1f} {q50:9.1f} {q95:9.1f}",
                  flush=True)


if __name__ == "__main__":
    report(Path(sys.argv[1]), *map(int, sys.argv[2:3]))
