"""Layout, reading order and OCR quality on rendered pages, against whole-page Tesseract.

    python benchmarks/ocr_quality.py [--pages 20] [--seed 4] [--dpi 300] [--chronam 3]

Renders N pages with exact ground truth (seeded; 4 to 8 columns; light and heavy
degradation; ``--dpi 200,300`` mixes resolutions), ingests them with ``archive ingest``
and prints per page and on average (archive.scoring.score_layout):

- art CER: each article's headline, byline and body in reading order;
- page CER: all of the page's text in our reading order; ``--psm 3`` is the same for
  Tesseract on the whole page (the baseline, same pages, same run);
- kinds: block-kind accuracy; capt: captions attached to the right article;
- F1: article assignment pairwise F1; order: reading-order edit distance;
- s/page: wall seconds per page with 2 workers.

``--pictures DIR`` draws our blocks on every page that misses a target (kinds by colour,
reading order and article numbered).

``--devset [DIR]`` scores the pages of a renderer this project did not write
(``../shared/data/devset``) at 300 and 200 dpi with the same measures, plus "kept": the
share of true articles stored as exactly one article.

Then, on K Chronicling America pages in ../shared (taken in turn from each batch), the
CER between our text (from the PDF's text layer, and from our own OCR with ``--ocr
always``) and the ABBYY ALTO text: agreement with a peer, not accuracy (the ALTO is
machine OCR). Its order is ALTO's block order, so the word-bag F1 beside it shows
agreement without order. The ALTO has no articles: beside it, how many articles we
found and the largest one's share of the page's text (a page read as one article shows
100%); ``--pictures`` tints each article region found on these pages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from testkit import corpora as C
from testkit import render
from testkit.scoring import cer, page_text, score_layout, squeeze, word_bag_f1

SEED_TEXT = ROOT / "seeds" / "000_c24c6819f75a4cba.txt"
CHRONAM = ROOT.parent / "shared" / "data" / "chronam"
DEVSET = ROOT.parent / "shared" / "data" / "devset"
COLUMNS = ["art CER", "page CER", "psm3 CER", "kinds", "capt", "F1", "order"]


def ingest(paths: list[Path], db: Path, *extra: str) -> float:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "archive", "ingest", *map(str, paths), "--db", str(db), "-q",
                           "--workers", "2", *extra], cwd=ROOT, capture_output=True, text=True)
    if proc.returncode not in (0, 2):
        raise SystemExit(proc.stderr)
    return time.perf_counter() - t


def our_page(con: sqlite3.Connection, source: Path) -> tuple[list[dict], list[dict]]:
    page_id = con.execute("select id from pages where source_path = ?", [str(source.resolve())]).fetchone()[0]
    blocks = [{"kind": k, "bbox": (x, y, x + w, y + h) if x is not None else None, "text": t, "article": a}
              for k, x, y, w, h, t, a in con.execute(
                  "select kind, x, y, w, h, text, article_id from blocks where page_id = ? order by reading_order",
                  [page_id])]
    # the subtitle is printed text of the article (under its headline), stored in a column of its own
    articles = [dict(zip(("id", "kicker", "headline", "subtitle", "byline", "body"), r)) for r in con.execute(
        "select id, kicker, headline, subtitle, byline, body from articles where page_id = ? order by reading_order",
        [page_id])]
    return blocks, articles


KIND_COLOURS = {"headline": (0, 0, 220), "subhead": (0, 140, 255), "byline": (160, 0, 160),
                "caption": (0, 160, 0), "photo": (120, 120, 120), "furniture": (140, 140, 0)}


def picture(path: Path, blocks: list[dict], out: Path) -> None:
    """The page with our blocks outlined by kind and numbered in reading order, the
    article id beside each number: what a failing layout looks like."""
    import cv2

    img = cv2.imread(str(path))
    n = 0
    for b in blocks:
        if not b["bbox"] or b["kind"] == "rule":
            continue
        x0, y0, x1, y1 = map(int, b["bbox"])
        colour = KIND_COLOURS.get(b["kind"], (200, 60, 0))
        cv2.rectangle(img, (x0, y0), (x1, y1), colour, 4)
        if b["kind"] != "photo":
            n += 1
            label = f"{n}" + (f"/a{b['article']}" if b["article"] is not None else "")
            cv2.putText(img, label, (x0 + 6, y0 + 40), cv2.FONT_HERSHEY_SIMPLEX, 1.3, colour, 3)
    _write_small(img, out, 800, 70)


def _write_small(img, out: Path, width: int, quality: int) -> None:
    """A picture for docs/: ``width`` pixels wide, as a JPEG."""
    import cv2

    scale = width / img.shape[1]
    cv2.imwrite(str(out), cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
                [cv2.IMWRITE_JPEG_QUALITY, quality])


def whole_page_tesseract(path: Path, dpi: int, lang: str = "chi_sim") -> str:
    return subprocess.run(["tesseract", str(path), "-", "-l", lang, "--psm", "3", "--dpi", str(dpi)],
                          capture_output=True, text=True, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
                          check=True).stdout


def rendered(pages: int, seed: int, dpis: tuple[int, ...], work: Path, pictures: Path | None = None) -> None:
    t = time.perf_counter()
    paths = render.render_set(work, SEED_TEXT, pages, seed=seed, dpis=dpis, columns=(4, 5, 6, 7, 8), prefix="page")
    print(f"rendered {len(paths)} pages in {time.perf_counter() - t:.0f} s", flush=True)
    db = work / "ours.db"
    wall = ingest(paths, db)
    con = sqlite3.connect(db)
    print(f"{'page':14s} {'cols':>4s} {'dpi':>4s} {'degr':>5s} " + " ".join(f"{c:>8s}" for c in COLUMNS), flush=True)
    rows = []
    for k, path in enumerate(paths):
        truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        blocks, articles = our_page(con, path)
        s = score_layout(truth, blocks, articles)
        s["psm3"] = cer(page_text(truth), squeeze(whole_page_tesseract(path, truth["dpi"])))
        rows.append(s)
        failing = (s["article_cer"] > 0.05 or s["order_distance"] > 0.05 or s["pairwise_f1"] < 0.95
                   or s["captions_attached"] < s["captions"])
        if pictures and failing:
            pictures.mkdir(parents=True, exist_ok=True)
            picture(path, blocks, pictures / f"{path.stem}.jpg")
        capt = f"{s['captions_attached']}/{s['captions']}"
        print(f"{path.stem:14s} {truth['columns']:4d} {truth['dpi']:4d} {'heavy' if k % 3 == 2 else 'light':>5s} "
              f"{s['article_cer']:8.4f} {s['page_cer']:8.4f} {s['psm3']:8.4f} {s['kind_accuracy']:8.3f} "
              f"{capt:>8s} {s['pairwise_f1']:8.3f} {s['order_distance']:8.3f}", flush=True)
    con.close()
    n = len(rows)

    def mean(k):
        return sum(r[k] for r in rows) / n

    capt = f"{sum(r['captions_attached'] for r in rows)}/{sum(r['captions'] for r in rows)}"
    print(f"{'mean':14s} {'':4s} {'':4s} {'':5s} {mean('article_cer'):8.4f} {mean('page_cer'):8.4f} "
          f"{mean('psm3'):8.4f} {mean('kind_accuracy'):8.3f} {capt:>8s} {mean('pairwise_f1'):8.3f} "
          f"{mean('order_distance'):8.3f}")
    print(f"wall {wall:.0f} s for {n} pages with 2 workers: {wall / n:.1f} s/page")


def region_picture(path: Path, blocks: list[dict], out: Path) -> None:
    """The page with each article region's blocks tinted in a colour of its own."""
    import cv2
    import numpy as np

    img = cv2.imread(str(path))
    tint = img.copy()
    palette = [(230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180),
               (70, 240, 240), (240, 50, 230), (210, 245, 60), (0, 128, 128), (170, 110, 40)]
    for b in blocks:
        if b["bbox"] and b.get("region") is not None:
            x0, y0, x1, y1 = map(int, b["bbox"])
            cv2.rectangle(tint, (x0, y0), (x1, y1), palette[b["region"] % len(palette)], -1)
    img = cv2.addWeighted(img, 0.55, tint, 0.45, 0).astype(np.uint8)
    _write_small(img, out, 1100, 75)


def chronam_pages(k: int) -> list[Path]:
    """K pages taken in turn from each batch (papers of 1859-1920, Nebraska 1887, German 1878)."""
    batches = [sorted(b.rglob("*.pdf")) for b in sorted(CHRONAM.glob("batch_*"))]
    picked = []
    for i in range(max(map(len, batches), default=0)):
        picked += [b[i] for b in batches if i < len(b)]
    return picked[:k]


def chronam(k: int, work: Path, pictures: Path | None = None, modes=("auto", "always")) -> None:
    pdfs = chronam_pages(k)
    if not pdfs:
        print("no Chronicling America pages in ../shared/data/chronam")
        return
    print(f"\nChronicling America, {len(pdfs)} pages: agreement with the ABBYY ALTO; our articles and regions")
    print("(psm 3: whole-page tesseract -l eng on the image our OCR read, only with --ocr always)")
    print(f"{'page':52s} {'mode':>6s} {'CER':>7s} {'bag F1':>7s} {'psm3 F1':>7s} {'articles':>8s} {'largest':>7s}")
    for mode in modes:
        db = work / f"chronam-{mode}.db"
        wall = ingest(pdfs, db, "--lang", "eng", "--ocr", mode)
        con = sqlite3.connect(db)
        cers, f1s, psm3s = [], [], []
        for pdf in pdfs:
            alto = " ".join(b.text for b in C.alto_blocks(pdf.with_suffix(".xml")))
            row = con.execute("select id, image_path, dpi from pages where source_path = ?",
                              [str(pdf.resolve())]).fetchone()
            ours = " ".join(t or "" for (t,) in con.execute(
                "select text from blocks where page_id = ? order by reading_order", [row[0]])) if row else ""
            n, largest, total = con.execute(
                "select count(*), max(length(body)), sum(length(body)) from articles where page_id = ?",
                [row[0] if row else None]).fetchone()
            c = cer(squeeze(alto), squeeze(ours))
            cers.append(c)
            f1s.append(word_bag_f1(alto, ours))
            psm3 = ""
            if mode == "always" and row and row[1]:
                psm3s.append(word_bag_f1(alto, whole_page_tesseract(db.parent / row[1], row[2] or 300, "eng")))
                psm3 = f"{psm3s[-1]:7.3f}"
            print(f"{str(pdf.relative_to(CHRONAM))[-52:]:52s} {mode:>6s} {c:7.4f} {f1s[-1]:7.3f} {psm3:>7s} "
                  f"{n:8d} {(largest or 0) / max(1, total or 0):7.0%}", flush=True)
            if pictures and row and mode == "auto":
                pictures.mkdir(parents=True, exist_ok=True)
                blocks = [{"bbox": (x, y, x + w, y + h) if x is not None else None, "region": r}
                          for x, y, w, h, r in con.execute(
                              "select x, y, w, h, region from blocks where page_id = ?", [row[0]])]
                region_picture(db.parent / row[1], blocks, pictures / f"chronam_{pdf.parent.name}_{pdf.stem}.jpg")
        con.close()
        below = sum(f < p for f, p in zip(f1s, psm3s))
        print(f"{'mean':52s} {mode:>6s} {sum(cers) / len(cers):7.4f} {sum(f1s) / len(f1s):7.3f} "
              + (f"{sum(psm3s) / len(psm3s):7.3f}  ({below} pages below psm 3)" if psm3s else "")
              + f"  ({wall / len(pdfs):.1f} s/page)")


def devset(root: Path, dpis: tuple[int, ...], work: Path, pictures: Path | None = None) -> None:
    """Pages of a renderer this project did not write, at each resolution."""
    from testkit import devset as D

    dirs = D.pages(root)
    if not dirs:
        print(f"no devset pages in {root}")
        return
    for dpi in dpis:
        scans = {}
        for d in dirs:
            image, t = D.truth(d, dpi)
            link = work / f"devset{dpi}" / f"{d.name}.jpg"  # one name per page in the archive
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                link.symlink_to(image.resolve())
            scans[d.name] = (link, t)
        db = work / f"devset{dpi}.db"
        wall = ingest([p for p, _ in scans.values()], db)
        con = sqlite3.connect(db)
        print(f"\ndevset ({root}) at {dpi} dpi")
        print(f"{'page':14s} {'art CER':>8s} {'page CER':>8s} {'kinds':>6s} {'capt':>5s} {'F1':>6s} "
              f"{'kept':>5s} {'order':>6s} {'#art':>5s}", flush=True)
        rows = []
        for name, (path, t) in scans.items():
            blocks, articles = our_page(con, path)
            skew, w, h = con.execute("select skew_degrees, width, height from pages where source_path = ?",
                                     [str(path.resolve())]).fetchone()
            _, t = D.truth(dirs[[d.name for d in dirs].index(name)], dpi, skew or 0.0, (w, h))
            s = D.score(t, blocks, articles)
            rows.append(s)
            if pictures and (s["article_cer"] > 0.02 or s["kept"] < s["articles"]):
                pictures.mkdir(parents=True, exist_ok=True)
                picture(path, blocks, pictures / f"devset{dpi}_{name}.jpg")
            print(f"{name:14s} {s['article_cer']:8.4f} {s['page_cer']:8.4f} {s['kind_accuracy']:6.3f} "
                  f"{s['captions_attached']:>2d}/{s['captions']:<2d} {s['pairwise_f1']:6.3f} "
                  f"{s['kept']:>2d}/{s['articles']:<2d} {s['order_distance']:6.3f} {len(articles):5d}", flush=True)
        con.close()
        n = len(rows)
        mean = lambda k: sum(r[k] for r in rows) / n  # noqa: E731
        kept = sum(r["kept"] for r in rows) / max(1, sum(r["articles"] for r in rows))
        print(f"{'mean':14s} {mean('article_cer'):8.4f} {mean('page_cer'):8.4f} {mean('kind_accuracy'):6.3f} "
              f"{sum(r['captions_attached'] for r in rows):>2d}/{sum(r['captions'] for r in rows):<2d} "
              f"{mean('pairwise_f1'):6.3f} {kept:5.0%} {mean('order_distance'):6.3f}")
        print(f"wall {wall:.0f} s for {n} pages with 2 workers: {wall / n:.1f} s/page")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--dpi", default="300", help="resolutions to draw from, comma-separated: 200,300")
    ap.add_argument("--chronam", type=int, default=3, help="Chronicling America pages to compare (0: none)")
    ap.add_argument("--chronam-modes", default="auto,always",
                    help="--ocr modes to ingest the Chronicling America pages with, comma-separated")
    ap.add_argument("--devset", type=Path, nargs="?", const=DEVSET, default=None,
                    help=f"also score the pages of another renderer (default folder: {DEVSET})")
    ap.add_argument("--devset-dpi", default="300,200", help="resolutions of the devset scans to score")
    ap.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    ap.add_argument("--pictures", type=Path, default=None,
                    help="write our blocks drawn on each failing page (kinds, reading order, article) here")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ocr-quality-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.pages:
        rendered(args.pages, args.seed, tuple(int(x) for x in args.dpi.split(",")), work, args.pictures)
    if args.devset:
        devset(args.devset, tuple(int(x) for x in args.devset_dpi.split(",")), work, args.pictures)
    if args.chronam:
        chronam(args.chronam, work, args.pictures, tuple(args.chronam_modes.split(",")))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
