"""Bounded concurrent load on a served archive, over loopback (issue 13).

    python benchmarks/load.py archive.db [--clients 16] [--seconds 20] [--immutable]

Serves the archive with ``archive serve`` as users get it, then runs --clients clients
for --seconds, each sending its next request as soon as the last one answered: the
canned search (terms drawn from the archive's text), the reading room's search page,
article views, page thumbnails (w=400) and Datasette's /-/versions.json (which shows whether anything stalls the
event loop). Prints, per kind and overall, requests/s and p50/p95/p99 in ms, and every
error (0 expected); first, the IIIF image service's median for tiles cold and cached.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import sqlite_utils

from testkit.server import serving


def targets(db_path: Path, rng: random.Random) -> dict[str, list[str]]:
    db = sqlite_utils.Database(db_path)
    articles = [r["id"] for r in db.query("select id from articles")]
    pages = [r["id"] for r in db.query("select id from pages where image_path is not null and status = 'ok'")]
    bodies = [r["body"] for r in db.query("select body from articles where length(body) > 20 limit 500")]
    terms = []
    for _ in range(300):
        body = rng.choice(bodies).replace(" ", "")
        at = rng.randrange(max(1, len(body) - 4))
        terms.append(body[at:at + rng.randint(1, 4)])
    db.conn.close()  # serving --immutable leaves WAL mode, which no open connection may share
    name = db_path.stem
    return {
        "search": [f"/{name}/search.json?q={urllib.parse.quote(t)}" for t in terms if t.strip()],
        "article": [f"/-/archive/article/{i}" for i in articles],
        "thumbnail": [f"/-/archive/page-image/{i}?w=400" for i in pages],
        "room": [f"/-/archive/search?q={urllib.parse.quote(t)}" for t in terms if t.strip()],
        "versions": ["/-/versions.json"],
    }


def tiles_cold_and_cached(base: str, pages: list[int], rng: random.Random, n: int = 20) -> tuple[float, float]:
    """Median ms of IIIF tiles (512 px regions at half size) asked for the first time
    (cut from the page image) and asked again (from the cache on disk)."""
    urls = [f"{base}/-/iiif/{rng.choice(pages)}/{rng.randrange(0, 1500)},{rng.randrange(0, 2000)},512,512/256,/0/"
            f"default.jpg" for _ in range(n)]
    out = []
    for _ in range(2):
        times = []
        for u in urls:
            t = time.perf_counter()
            with urllib.request.urlopen(u, timeout=60) as r:
                r.read()
            times.append(time.perf_counter() - t)
        out.append(statistics.median(times) * 1000)
    return out[0], out[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--immutable", action="store_true", help="serve with --immutable")
    args = ap.parse_args()
    rng = random.Random(13)
    urls = targets(args.db, rng)
    kinds = [k for k in ("search", "room", "article", "thumbnail", "versions") if urls[k]]
    times: dict[str, list[float]] = {k: [] for k in kinds}
    errors: list[str] = []
    lock = threading.Lock()
    with serving(args.db, *(["--immutable"] if args.immutable else [])) as base:
        page_ids = [int(u.split("/")[-1].split("?")[0]) for u in urls["thumbnail"]]
        cold = cached = None
        if page_ids:
            cold, cached = tiles_cold_and_cached(base, page_ids, rng)
        stop = time.monotonic() + args.seconds

        def client(seed: int):
            r = random.Random(seed)
            while time.monotonic() < stop:
                kind = r.choice(kinds)
                url = base + r.choice(urls[kind])
                t = time.perf_counter()
                try:
                    with urllib.request.urlopen(url, timeout=60) as resp:
                        resp.read()
                        ok = resp.status == 200
                except (urllib.error.URLError, OSError) as e:
                    ok, resp = False, e
                dt = time.perf_counter() - t
                with lock:
                    times[kind].append(dt)
                    if not ok:
                        errors.append(f"{url}: {resp}")

        threads = [threading.Thread(target=client, args=(k,)) for k in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0

    def row(name: str, xs: list[float]) -> str:
        if not xs:
            return f"{name:10s} no requests"
        q = statistics.quantiles(xs, n=100) if len(xs) > 1 else [xs[0]] * 99
        return (f"{name:10s} {len(xs):6d} req  {len(xs) / elapsed:7.1f}/s  p50 {q[49] * 1000:7.1f} ms  "
                f"p95 {q[94] * 1000:7.1f} ms  p99 {q[98] * 1000:7.1f} ms")

    n_articles = len(urls["article"])
    print(f"{args.db} ({n_articles} articles), {args.clients} clients, {elapsed:.1f} s, "
          f"{'immutable' if args.immutable else 'following the file'}")
    for k in kinds:
        print(row(k, times[k]))
    print(row("all", [x for k in kinds for x in times[k]]))
    if cold is not None:
        print(f"IIIF tiles (512 px at half size), one client: median {cold:.1f} ms cold (cut from the image), "
              f"{cached:.1f} ms cached")
    print(f"errors: {len(errors)}")
    for e in errors[:10]:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
