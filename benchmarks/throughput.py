"""End-to-end throughput against OCRmyPDF on the same rendered 300-dpi pages.

    python benchmarks/throughput.py [--pages 10] [--workers 2] [--dask] [--big]

Renders N pages (seeded, 4-6 columns, light and heavy degradation) with exact ground
truth, then times on the same pages:

- ``archive ingest`` with 1 worker and with W workers (and with ``--dask``, on a Dask
  LocalCluster of W workers): pages per minute, CER of each page's text in reading order,
  the share of the workers' time spent inside Tesseract (from ``pages.timings``), and
  peak memory (the largest single process, and the whole process tree);
- ``ocrmypdf -l chi_sim --jobs W`` on the pages as one PDF (OMP_THREAD_LIMIT=1, its
  fastest setting on these machines, NOTES.md): pages per minute, and the CER of its text
  layer read back with ``pdftotext`` (default and ``-raw``).

``--big`` also ingests one 400-dpi broadsheet (22 x 15 in) alone and prints its peak
memory per worker. Needs ``pip install -e '.[bench]'`` (OCRmyPDF, psutil).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent

from testkit import render
from testkit.scoring import cer, page_text, squeeze

SEED_TEXT = ROOT / "seeds" / "000_c24c6819f75a4cba.txt"


def truth_text(path: Path) -> str:
    return page_text(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")))


class PeakMemory:
    """Samples the resident memory of a process and its descendants every 0.1 s."""

    def __init__(self, pid: int):
        self.proc = psutil.Process(pid)
        self.largest = self.total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = []
                for p in procs:
                    try:
                        rss.append(p.memory_info().rss)
                    except psutil.Error:
                        pass
                self.largest = max(self.largest, max(rss, default=0))
                self.total = max(self.total, sum(rss))
            except psutil.Error:
                pass
            self._stop.wait(0.1)

    def stop(self):
        self._stop.set()
        self._thread.join()


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, PeakMemory]:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    mem = PeakMemory(proc.pid)
    _, err = proc.communicate()
    mem.stop()
    if proc.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return time.perf_counter() - t, mem


def ours(pages: list[Path], work: Path, label: str, workers: int, extra: tuple = ()) -> dict:
    db = work / f"{label}.db"
    for p in work.glob(f"{label}.db*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    wall, mem = timed([sys.executable, "-m", "archive", "ingest", *map(str, pages), "--db", str(db), "-q",
                       "--workers", str(workers), *extra])
    con = sqlite3.connect(db)
    cers, stages = [], {}
    for page_id, source, timings in con.execute("select id, source_path, timings from pages order by source_path"):
        text = "".join(t or "" for (t,) in con.execute(
            "select text from blocks where page_id = ? and kind not in ('photo', 'rule') order by reading_order",
            [page_id]))
        if Path(source).with_suffix(".json").exists():
            cers.append(cer(truth_text(Path(source)), squeeze(text)))
        for k, v in json.loads(timings or "{}").items():
            stages[k] = stages.get(k, 0.0) + v
    con.close()
    return {"label": label, "workers": workers, "wall": wall, "ppm": 60 * len(pages) / wall,
            "cer": sum(cers) / len(cers) if cers else float("nan"), "engine_share": stages.get("engine", 0.0) / (wall * workers),
            "stages": stages, "largest_mb": mem.largest / 2**20, "total_mb": mem.total / 2**20}


def ocrmypdf(pages: list[Path], work: Path, workers: int) -> dict:
    import img2pdf

    src, out = work / "pages.pdf", work / "pages.ocr.pdf"
    src.write_bytes(img2pdf.convert([str(p) for p in pages],
                                    layout_fun=img2pdf.get_fixed_dpi_layout_fun((300, 300))))
    exe = shutil.which("ocrmypdf", path=str(Path(sys.executable).parent)) or "ocrmypdf"
    wall, mem = timed([exe, "-q", "-l", "chi_sim", "--jobs", str(workers), "--output-type", "pdf",
                       str(src), str(out)], env={"OMP_THREAD_LIMIT": "1"})
    figures = {}
    for mode, flags in (("pdftotext", []), ("pdftotext -raw", ["-raw"])):
        cers = []
        for k, p in enumerate(pages, start=1):
            text = subprocess.run(["pdftotext", *flags, "-f", str(k), "-l", str(k), str(out), "-"],
                                  capture_output=True, text=True, check=True).stdout
            cers.append(cer(truth_text(p), squeeze(text)))
        figures[mode] = sum(cers) / len(cers)
    return {"label": f"ocrmypdf --jobs {workers}", "workers": workers, "wall": wall,
            "ppm": 60 * len(pages) / wall, "cer": figures["pdftotext"], "cer_raw": figures["pdftotext -raw"],
            "largest_mb": mem.largest / 2**20, "total_mb": mem.total / 2**20}


def broadsheet(work: Path) -> dict:
    """One 400-dpi broadsheet page (22 x 15 in, 8 columns): peak memory of one worker."""
    from PIL import Image

    arts = render.articles_from_text(SEED_TEXT)
    rng = random.Random(400)
    img, _ = render.render_page(rng.sample(arts, k=2), columns=8, dpi=400, seed=400, degrade="light")
    # the renderer sets A4; a broadsheet is 15 x 22.75 in: two pages side by side, then one below
    w, h = img.size
    sheet = Image.new("RGB", (int(15 * 400), int(22.75 * 400)), "white")
    for x, y in ((0, 0), (w, 0), (0, h), (w, h)):
        sheet.paste(img, (x, y))
    path = work / "broadsheet.png"
    sheet.save(path, dpi=(400, 400))
    r = ours([path], work, "broadsheet", 1)
    r.update(pixels=f"{sheet.size[0]}x{sheet.size[1]}")
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--dask", action="store_true", help="also run on a Dask LocalCluster of --workers")
    ap.add_argument("--big", action="store_true", help="also a 400-dpi broadsheet, for memory per worker")
    ap.add_argument("--keep", type=Path, default=None, help="work in this directory and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    pages = render.render_set(work, SEED_TEXT, args.pages, seed=11, columns=(4, 5, 6), prefix="page")
    print(f"rendered {len(pages)} pages at 300 dpi in {time.perf_counter() - t:.0f} s ({work})", flush=True)

    runs = [ours(pages, work, "ours-1", 1)]
    print(_row(runs[-1]), flush=True)
    runs.append(ours(pages, work, f"ours-{args.workers}", args.workers))
    print(_row(runs[-1]), flush=True)
    if args.dask:
        runs.append(ours(pages, work, f"dask-{args.workers}", args.workers, ("--executor", "dask")))
        print(_row(runs[-1]), flush=True)
    peer = ocrmypdf(pages, work, args.workers)
    print(_row(peer), flush=True)

    print()
    print(f"{'run':18s} {'pages/min':>9s} {'CER':>7s} {'in Tesseract':>12s} {'largest MB':>10s} {'tree MB':>8s}")
    for r in [*runs, peer]:
        print(_row(r))
    best = runs[1]
    print(f"\nours ({best['label']}) / OCRmyPDF pages per minute: {best['ppm'] / peer['ppm']:.2f}x; "
          f"CER {best['cer']:.4f} vs {peer['cer']:.4f} (pdftotext), {peer['cer_raw']:.4f} (pdftotext -raw)")
    print(f"scaling 1 -> {args.workers} workers: {runs[1]['ppm'] / runs[0]['ppm']:.2f}x"
          + (f"; LocalCluster of {args.workers}: {runs[2]['ppm'] / runs[0]['ppm']:.2f}x" if args.dask else ""))
    stages = best["stages"]
    total = sum(v for k, v in stages.items() if k != "engine")
    print("worker seconds by stage (" + best["label"] + "): " + ", ".join(
        f"{k} {v:.1f}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])) + f"; all stages {total:.1f}")
    print(f"everything but Tesseract: {1 - best['engine_share']:.1%} of the workers' wall time")
    if args.big:
        big = broadsheet(work)
        print(f"\n400-dpi broadsheet {big['pixels']}: {big['wall']:.0f} s, largest process "
              f"{big['largest_mb']:.0f} MB, process tree {big['total_mb']:.0f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


def _row(r: dict) -> str:
    share = f"{r['engine_share']:.1%}" if "engine_share" in r else "-"
    return (f"{r['label']:18s} {r['ppm']:9.2f} {r['cer']:7.4f} {share:>12s} "
            f"{r['largest_mb']:10.0f} {r['total_mb']:8.0f}")


if __name__ == "__main__":
    main()
