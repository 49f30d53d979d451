"""METS/ALTO in (issue 17): a Chronicling America issue ingests from its METS, its ALTO
text kept character for character, title, date and edition from the METS/MODS, and no
OCR run."""

import re
import sqlite3
import time
from pathlib import Path

import pytest
from lxml import etree

from .conftest import SHARED, run_archive

CHRONAM = SHARED / "data" / "chronam"
ISSUE = CHRONAM / "batch_dlc_manyyears_ver01" / "data" / "sn83045462" / "00280654334" / "1870031501"


def alto_text(path: Path) -> str:
    """Every String's CONTENT (and a HYP's hyphen) in file order, no whitespace."""
    out = []
    for el in etree.parse(str(path)).getroot().iter("{*}String", "{*}HYP"):
        out.append(el.get("CONTENT") or ("-" if etree.QName(el).localname == "HYP" else ""))
    return re.sub(r"\s+", "", "".join(out))


@pytest.fixture(scope="module")
def issue():
    if not ISSUE.is_dir():
        pytest.skip("../shared/data/chronam is not beside this checkout")
    return ISSUE


def test_an_issue_mets_ingests_as_its_alto_says(issue, tmp_path):
    db = tmp_path / "a.db"
    t = time.perf_counter()
    proc = run_archive("ingest", issue / "1870031501.xml", "--db", db)
    seconds = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(db)
    pages = con.execute("select id, source_path, source_kind, title, date, edition, page_label, ocr_engine, "
                        "image_path from pages").fetchall()
    assert len(pages) == 1, pages
    pid, source, kind, title, date, edition, label, engine, image = pages[0]
    assert source.endswith("0772.xml") and kind == "alto" and engine.startswith("ALTO")
    assert (title, date, edition, label) == ("The Evening star", "1870-03-15", "1", "1")
    assert image  # the PDF beside it, rasterised for the page view
    # the ALTO's text, character for character, in the lines as read
    lines = "".join(t for (t,) in con.execute("select text from lines where page_id = ? order by block_id, "
                                              "line_number", [pid]))
    assert re.sub(r"\s+", "", lines) == alto_text(issue / "0772.xml")
    assert con.execute("select count(*) from articles").fetchone()[0] >= 3
    # no OCR: the whole run (start-up included) well under what OCR of a broadsheet takes
    print(f"METS/ALTO ingest of one broadsheet page: {seconds:.1f} s")


def test_a_folder_holding_alto_and_its_pdf_is_one_page_each(issue, tmp_path):
    db = tmp_path / "a.db"
    proc = run_archive("ingest", issue, "--db", db, "-q")
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(db)
    assert con.execute("select count(*), min(source_kind) from pages").fetchone() == (1, "alto")


def test_xml_that_is_not_alto_is_one_error_line(tmp_path):
    bad = tmp_path / "notes.xml"
    bad.write_text("<notes><n>hello</n></notes>", encoding="utf-8")
    proc = run_archive("ingest", bad, "--db", tmp_path / "a.db", "-q")
    assert proc.returncode == 2 and proc.stderr.count("error:") == 1 and "notes.xml" in proc.stderr, proc.stderr
