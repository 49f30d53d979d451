"""Exports in the archival formats (issue 17): PAGE 2019 and METS validate against the
official schemas, offline (tests/schemas); ALTO 4.4 is checked for what the schema and
its readers need, and by a round trip: exported ALTO ingested again gives the same
articles; hOCR carries every word with its box and confidence."""

import re
import sqlite3
from pathlib import Path

import pytest
from lxml import etree

from .conftest import ROOT, run_archive
from .test_mets_alto import ISSUE

SCHEMAS = Path(__file__).resolve().parent / "schemas"
SCAN = ROOT / "raw_pages" / "rendered_01_00.jpg"


def schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


@pytest.fixture(scope="module")
def archive(tmp_path_factory, tesseract):
    d = tmp_path_factory.mktemp("export")
    db = d / "archive.db"
    sources = [SCAN] + ([ISSUE / "1870031501.xml"] if ISSUE.is_dir() else [])
    run_archive("ingest", *sources, "--db", db, "-q", check=True)
    return db


def export(db, fmt, out):
    proc = run_archive("export", "--format", fmt, "--db", db, out)
    assert proc.returncode == 0, proc.stderr
    return [Path(p) for p in proc.stdout.split("\n") if p]


def words_in(db) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("select count(*) from lines, json_each(lines.words)").fetchone()[0]
    finally:
        con.close()


def test_page_xml_validates_and_records_the_joins(archive, tmp_path):
    files = export(archive, "page", tmp_path)
    xsd = schema("pagecontent-2019-07-15.xsd")
    relations = 0
    for f in files:
        doc = etree.parse(str(f))
        assert xsd.validate(doc), xsd.error_log.last_error
        relations += len(doc.findall(".//{*}Relation[@type='join']"))
        types = {r.get("type") for r in doc.iter("{*}TextRegion")}
        assert "heading" in types and "paragraph" in types, types
        ro = [r.get("regionRef") for r in doc.iter("{*}RegionRefIndexed")]
        ids = {r.get("id") for r in doc.iter("{*}TextRegion", "{*}TableRegion")}
        assert ro and set(ro) <= ids
    con = sqlite3.connect(archive)
    joins = con.execute("select count(*) from repairs where kind in ('join_word', 'join_paragraph')").fetchone()[0]
    assert joins == 0 or relations >= 1, (joins, relations)


def test_mets_validates_and_points_into_the_alto(archive, tmp_path):
    files = export(archive, "mets", tmp_path)
    xsd = schema("mets.xsd")
    issues = [f for f in files if f.name.endswith(".mets.xml")]
    assert issues
    for f in issues:
        doc = etree.parse(str(f))
        assert xsd.validate(doc), xsd.error_log.last_error
        logical = doc.find(".//{*}structMap[@TYPE='LOGICAL']")
        articles = logical.findall(".//{*}div[@TYPE='ARTICLE']")
        assert articles
        for area in logical.iter("{*}area"):
            loc = doc.find(f".//{{*}}file[@ID='{area.get('FILEID')}']/{{*}}FLocat")
            alto = etree.parse(str(tmp_path / loc.get("{http://www.w3.org/1999/xlink}href")))
            assert alto.find(f".//*[@ID='{area.get('BEGIN')}']") is not None, area.get("BEGIN")
    evening = [f for f in issues if "Evening" in f.name]
    if ISSUE.is_dir():
        assert evening and "1870-03-15" in etree.parse(str(evening[0])).getroot().get("LABEL")


def test_alto_is_well_formed_alto_4(archive, tmp_path):
    files = export(archive, "alto", tmp_path)
    total = 0
    for f in files:
        root = etree.parse(str(f)).getroot()
        assert root.tag == "{http://www.loc.gov/standards/alto/ns-v4#}alto" and root.get("SCHEMAVERSION") == "4.4"
        ids = [e.get("ID") for e in root.iter() if e.get("ID")]
        assert len(ids) == len(set(ids))
        for ref in root.iter("{*}ElementRef"):
            assert ref.get("REF") in ids
        for el in root.iter():
            for tag in (el.get("TAGREFS") or "").split():
                assert tag in ids
        strings = list(root.iter("{*}String"))
        assert all(s.get("CONTENT") and all(s.get(a) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT")) for s in strings)
        assert all(0 <= float(s.get("WC")) <= 1 for s in strings if s.get("WC"))
        total += len(strings)
    assert total == words_in(archive)


def test_hocr_has_every_word(archive, tmp_path):
    files = export(archive, "hocr", tmp_path)
    total = 0
    for f in files:
        root = etree.parse(str(f)).getroot()
        words = [e for e in root.iter() if e.get("class") == "ocrx_word"]
        assert all(re.match(r"bbox \d+ \d+ \d+ \d+", w.get("title")) for w in words)
        total += len(words)
    assert total == words_in(archive)


def test_alto_round_trip_gives_the_same_articles(archive, tmp_path):
    out = tmp_path / "alto"
    con = sqlite3.connect(archive)
    pid = con.execute("select id from pages where source_path like '%rendered_01_00.jpg'").fetchone()[0]
    before = [r for r in con.execute("select headline, body from articles where page_id = ? order by reading_order",
                                     [pid])]
    con.close()
    files = export(archive, "alto", out)
    again = tmp_path / "again.db"
    proc = run_archive("ingest", out / f"page-{pid}.alto.xml", "--db", again, "-q")
    assert proc.returncode == 0, proc.stderr
    con = sqlite3.connect(again)
    after = [r for r in con.execute("select headline, body from articles order by reading_order")]
    kind = con.execute("select source_kind from pages").fetchone()[0]
    con.close()
    assert kind == "alto" and files
    assert [h for h, _ in after] == [h for h, _ in before]
    norm = lambda t: re.sub(r"\s+", "", t or "")  # noqa: E731
    assert [norm(b) for _, b in after] == [norm(b) for _, b in before]


def test_boxes_past_the_page_edge_still_validate(archive, tmp_path):
    """Another engine's ALTO may put a box past the page's edge (ABBYY on Chronicling
    America: HPOS -287); PAGE's coordinates may not be negative, so they are clipped."""
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(archive, copy)
    con = sqlite3.connect(copy)
    con.execute("update blocks set x = -40, y = -5 where id = (select min(id) from blocks where kind = 'body')")
    con.execute("update lines set x = -40 where id = (select min(id) from lines)")
    con.commit()
    con.close()
    xsd = schema("pagecontent-2019-07-15.xsd")
    for f in export(copy, "page", tmp_path / "out"):
        assert xsd.validate(etree.parse(str(f))), xsd.error_log.last_error
