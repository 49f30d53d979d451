"""Resolution from 70 to 600 dpi (issue 15 must-have 3): the estimate follows the type
size (a page scaled 2x gets twice the estimate), small type is enlarged for OCR, and
the language chosen does not change with scale."""

import collections
import sqlite3

import cv2
import pytest

from archive import layout

from .conftest import ROOT, SHARED, run_archive

PAGES = [ROOT / "raw_pages" / "rendered_01_00.jpg",
         SHARED / "data" / "real" / "omnidocbench" / "docstructbench_dianzishu_zhongwenzaixian-o.O-60599898.pdf_30.jpg",
         SHARED / "data" / "devset" / "classic_00" / "page_scan200.jpg"]
SCALES = (0.35, 0.5, 1.0, 2.0, 3.0)


def scaled(gray, s):
    return cv2.resize(gray, None, fx=s, fy=s, interpolation=cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.parent.name)
def test_the_estimate_follows_the_type_size(path):
    if not path.exists():
        pytest.skip(f"{path} is not here")
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    heights = {}
    for s in SCALES:
        _, ink, _ = layout.preprocess(scaled(gray, s))
        heights[s] = layout.estimate_text_height(ink)
    for s in SCALES:
        ratio = heights[s] / heights[1.0]
        assert abs(ratio - s) <= 0.12 * s + 1 / heights[1.0], (s, heights)
    dpis = [layout.estimate_dpi(heights[s]) for s in SCALES]
    assert dpis == sorted(dpis) and dpis[0] < 130 and dpis[-1] > 550, dpis


def _bag_f1(a: str, b: str) -> float:
    A = collections.Counter(a.replace(" ", "").replace("\n", ""))
    B = collections.Counter(b.replace(" ", "").replace("\n", ""))
    return 2 * sum((A & B).values()) / max(1, sum(A.values()) + sum(B.values()))


def test_language_and_text_hold_from_70_to_600_dpi(tmp_path, tesseract):
    """A 300-dpi page written at a third, half, once and twice its size, with no
    resolution in the files: the same model is chosen for each and the text read is
    the same text."""
    gray = cv2.imread(str(PAGES[0]), cv2.IMREAD_GRAYSCALE)
    for s in (0.35, 0.5, 1.0, 2.0):
        cv2.imwrite(str(tmp_path / f"p{int(s * 100):03d}.png"), scaled(gray, s))
    db = tmp_path / "a.db"
    run_archive("ingest", tmp_path, "--db", db, "-q", "--lang", "chi_sim+eng", check=True)
    con = sqlite3.connect(db)
    rows = {p.rsplit("/", 1)[-1]: (engine, dpi, "".join(b or "" for (b,) in con.execute(
        "select body from articles where page_id = ? order by reading_order", [i])))
        for i, p, engine, dpi in con.execute("select id, source_path, ocr_engine, dpi from pages")}
    con.close()
    assert all("chi_sim" in e and "eng" not in e for e, _, _ in rows.values()), rows
    dpis = [rows[f"p{n:03d}.png"][1] for n in (35, 50, 100, 200)]
    assert dpis == sorted(dpis) and 1.8 < dpis[3] / dpis[2] < 2.2, dpis
    full = rows["p100.png"][2]
    assert len(full) > 500
    for name, (_, _, text) in rows.items():
        assert _bag_f1(text, full) >= 0.95, (name, _bag_f1(text, full))
