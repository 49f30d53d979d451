"""Search at archive scale: build an archive of N articles (default 1,000,000) from real
news text through the project's own loader, then time searches over HTTP.

    python benchmarks/search_scale.py [--articles 1000000] [--db .cache/scale.db] [--rounds 50]

Chinese articles are recombined from the People's Daily January 1998 corpus (consecutive
paragraphs, corpus titles, bylines of corpus names, captions), English ones from the clean
prose of the Chronicling America ALTO pages in ../shared; one in five is English. Eight
pages of ten articles make one source file, written by ``store.write_source`` in one
transaction as ``archive ingest`` does. Prints build time, file size, and p50/p95 of the
canned ``search`` query (bm25 or newest-first, snippets) through Datasette's JSON API for
1- to 4-character Chinese queries, English words and mixed queries
(benchmarks/search_latency.py). ``--reuse`` times an archive built before.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from testkit import corpora as C
from archive import store
from archive.model import Article, Caption, Page, PageResult, Paragraph
from benchmarks.search_latency import report

SHARED = ROOT.parent / "shared"
ARTICLES_PER_PAGE = 10
PAGES_PER_SOURCE = 8
ENGLISH_SHARE = 0.2


def to_article(d: dict, order: int) -> Article:
    return Article(
        headline=d["headline"], kicker=d["kicker"], byline=d["byline"], authors=d["authors"],
        blocks=[Paragraph(b["kind"], b["text"]) for b in d["blocks"]],
        captions=[Caption(c["text"], c["credit"]) for c in d["captions"]],
        notes=d["notes"], advertisement=d["advertisement"], reading_order=order,
    )


def page_result(source: str, number: int, articles: list[dict]) -> PageResult:
    arts = [to_article(d, i) for i, d in enumerate(articles)]
    page = Page(source_path=source, page_number=number, source_kind="text")
    from archive.model import Block

    for i, a in enumerate(arts):
        for p in a.blocks:
            page.blocks.append(Block(kind="body" if p.kind == "paragraph" else p.kind, text=p.text, article=i))
    return PageResult(page=page, articles=arts, repairs=[])


def build(db_path: Path, n: int, seed: int = 1998) -> None:
    rng = random.Random(seed)
    t0 = time.perf_counter()
    zh = C.chinese_material(C.peoples_daily_lines())
    en_paras, en_titles = C.english_material(C.chronam_alto_files(SHARED / "data" / "chronam"))
    print(f"material: {len(zh.bodies)} Chinese paragraphs, {len(en_paras)} English paragraphs "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)
    db = store.open_db(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    per_source = ARTICLES_PER_PAGE * PAGES_PER_SOURCE
    written, source_no, t0 = 0, 0, time.perf_counter()
    day0 = dt.date(1998, 1, 1)
    while written < n:
        english = rng.random() < ENGLISH_SHARE
        k = min(per_source, n - written)
        arts = (C.english_articles(en_paras, en_titles, rng, k) if english
                else C.chinese_articles(zh, rng, k))
        source = f"scale/{'en' if english else 'zh'}/{source_no:07d}.pdf"
        results = [page_result(source, p + 1, arts[i:i + ARTICLES_PER_PAGE])
                   for p, i in enumerate(range(0, k, ARTICLES_PER_PAGE))]
        date = (dt.date(1887, 3, 3) if english else day0) + dt.timedelta(days=source_no % 3650)
        meta = {"title": "Evening Star" if english else "人民日报", "date": date.isoformat()}
        store.write_source(db, source, f"{source_no:064x}", results, meta)
        written += k
        source_no += 1
        if source_no % 500 == 0:
            rate = written / (time.perf_counter() - t0)
            print(f"  {written:>9,d} articles  {rate:,.0f}/s", flush=True)
    db.conn.close()
    t = time.perf_counter() - t0
    print(f"built {written:,d} articles in {source_no:,d} files: {t:.0f} s ({written / t:,.0f} articles/s)", flush=True)
    t0 = time.perf_counter()
    store.prepare_for_publishing(db_path)
    print(f"checkpoint and leave WAL: {time.perf_counter() - t0:.0f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=ROOT / ".cache" / "scale.db")
    ap.add_argument("--rounds", type=int, default=50, help="queries per kind")
    ap.add_argument("--reuse", action="store_true", help="time an existing archive, do not rebuild")
    args = ap.parse_args()
    if not args.reuse:
        for suffix in ("", "-wal", "-shm", ".inspect.json"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        args.db.parent.mkdir(parents=True, exist_ok=True)
        build(args.db, args.articles)
    size = args.db.stat().st_size
    print(f"archive: {args.db} {size / 2**30:.2f} GiB", flush=True)
    t0 = time.perf_counter()
    store.write_inspect_file(args.db)  # what `archive serve` does first: hash and count once
    print(f"inspect file for serving: {time.perf_counter() - t0:.0f} s", flush=True)
    report(args.db, args.rounds)


if __name__ == "__main__":
    main()
