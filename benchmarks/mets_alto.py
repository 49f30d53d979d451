"""METS/ALTO in and out on Chronicling America (issue 17).

    python benchmarks/mets_alto.py [CHRONAM_DIR] [--ocr-pages 2]

Ingests every METS/ALTO page under CHRONAM_DIR (default ../shared/data/chronam) from the
batch and issue METS, then --ocr-pages of the same pages again with ``--ocr always``,
and prints: pages, seconds per page each way, pages whose stored lines hold the ALTO's
text character for character, the exports' sizes per page, and whether the PAGE and
METS exports validate against tests/schemas.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent


def archive(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "archive", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def alto_text(path: Path) -> str:
    out = [el.get("CONTENT") or ("-" if etree.QName(el).localname == "HYP" else "")
           for el in etree.parse(str(path)).getroot().iter("{*}String", "{*}HYP")]
    return re.sub(r"\s+", "", "".join(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("chronam", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "chronam")
    ap.add_argument("--ocr-pages", type=int, default=2)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mets-alto-"))
    batches = sorted(args.chronam.glob("batch_*/data/batch_1.xml"))
    db = work / "alto.db"
    t = time.perf_counter()
    proc = archive("ingest", *batches, "--db", db, "-q")
    alto_s = time.perf_counter() - t
    con = sqlite3.connect(db)
    pages = con.execute("select id, source_path from pages where status = 'ok' and source_kind = 'alto'").fetchall()
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    same = 0
    for pid, src in pages:
        lines = "".join(t or "" for (t,) in con.execute(
            "select text from lines where page_id = ? order by block_id, line_number", [pid]))
        same += re.sub(r"\s+", "", lines) == alto_text(Path(src))
    n_articles = con.execute("select count(*) from articles").fetchone()[0]
    con.close()
    print(f"METS/ALTO ingest: {len(pages)} pages from {len(batches)} batch files in {alto_s:.1f} s "
          f"({alto_s / max(1, len(pages)):.2f} s a page, start-up included), {n_articles} articles; "
          f"{len(errors)} error lines (files the batches name that are not in the snapshot)")
    print(f"text kept character for character: {same} of {len(pages)} pages")

    sample = [Path(src) for _, src in pages[: args.ocr_pages]]
    ocr_db = work / "ocr.db"
    t = time.perf_counter()
    archive("ingest", *sample, "--db", ocr_db, "-q", "--ocr", "always", "--lang", "eng")
    ocr_s = time.perf_counter() - t
    print(f"the same {len(sample)} pages OCR'd (--ocr always): {ocr_s / max(1, len(sample)):.1f} s a page; "
          f"METS/ALTO is {ocr_s / max(1, len(sample)) / max(alto_s / max(1, len(pages)), 1e-6):.0f}x faster")

    schemas = ROOT / "tests" / "schemas"
    page_xsd = etree.XMLSchema(etree.parse(str(schemas / "pagecontent-2019-07-15.xsd")))
    mets_xsd = etree.XMLSchema(etree.parse(str(schemas / "mets.xsd")))
    for fmt in ("alto", "page", "hocr", "mets"):
        out = work / f"out-{fmt}"
        archive("export", "--format", fmt, "--db", db, out)
        files = sorted(p for p in out.iterdir() if p.is_file())
        size = sum(p.stat().st_size for p in files)
        valid = ""
        if fmt in ("page", "mets"):
            xsd = page_xsd if fmt == "page" else mets_xsd
            targets = [p for p in files if fmt == "page" or p.name.endswith(".mets.xml")]
            ok = sum(xsd.validate(etree.parse(str(p))) for p in targets)
            valid = f", {ok} of {len(targets)} valid against the schema"
        print(f"export {fmt:5s}: {len(files)} files, {size / max(1, len(pages)) / 1024:.0f} KiB a page{valid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
