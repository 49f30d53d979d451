"""Issues, IIIF Presentation 3 manifests and Content Search 2 (issue 18 must-haves 0
and 2): every page belongs to an issue (title, date, edition; else its source file);
an issue's manifest has a canvas per page with its image service, a range per article
and the page's lines as annotations; its search service answers hits with word boxes."""

import json
import shutil
import sqlite3
import urllib.parse
import urllib.request

import iiif_prezi3
import pytest

from .conftest import ROOT, run_archive, serving
from .test_mets_alto import ISSUE

SCAN = ROOT / "raw_pages" / "rendered_01_00.jpg"


def get_json(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        return json.loads(r.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory, tesseract):
    if not ISSUE.is_dir():
        pytest.skip("../shared/data/chronam is not beside this checkout")
    d = tmp_path_factory.mktemp("prezi")
    scan = d / "scan.jpg"  # without its sidecar: a page with no title or date
    shutil.copy(SCAN, scan)
    db = d / "archive.db"
    run_archive("ingest", scan, ISSUE / "1870031501.xml", "--db", db, "-q", check=True)
    with serving(db) as base:
        yield base, db


def test_every_page_has_its_issue(served):
    _, db = served
    con = sqlite3.connect(db)
    rows = con.execute("select i.key, i.title, i.date, p.source_path from pages p join issues i on i.id = p.issue_id "
                       "order by p.id").fetchall()
    assert len(rows) == 2
    assert rows[0][0] == f"source:{rows[0][3]}" and rows[0][3].endswith("scan.jpg") and rows[0][1] is None
    assert rows[1][1:3] == ("The Evening star", "1870-03-15")


def test_the_manifest_has_canvases_ranges_and_lines(served):
    base, db = served
    con = sqlite3.connect(db)
    iid, pid = con.execute("select issue_id, id from pages where title = 'The Evening star'").fetchone()
    n_articles = con.execute("select count(*) from articles where page_id = ?", [pid]).fetchone()[0]
    n_lines = con.execute("select count(*) from lines where page_id = ? and x is not null", [pid]).fetchone()[0]
    con.close()
    data = get_json(f"{base}/-/iiif/issue/{iid}/manifest.json")
    manifest = iiif_prezi3.Manifest(**data)  # the library's model of Presentation 3 accepts it
    assert manifest.id and data["label"]["none"] == ["The Evening star, 1870-03-15"]
    assert len(data["items"]) == 1 and len(data["structures"]) == n_articles >= 3
    canvas = data["items"][0]
    body = canvas["items"][0]["items"][0]["body"]
    service = get_json(body["service"][0]["id"] + "/info.json")
    assert (service["width"], service["height"]) == (canvas["width"], canvas["height"])
    assert data["service"][0]["type"] == "SearchService2"
    lines = get_json(canvas["annotations"][0]["id"])
    assert len(lines["items"]) == n_lines
    assert all(a["target"].startswith(canvas["id"] + "#xywh=") for a in lines["items"])


def test_search_inside_an_issue_gives_word_boxes(served):
    base, db = served
    con = sqlite3.connect(db)
    iid, pid = con.execute("select issue_id, id from pages where title = 'The Evening star'").fetchone()
    words = [w for (t,) in con.execute("select words from lines where page_id = ?", [pid]) for w in json.loads(t)]
    con.close()
    word = next(w for w in words if w["text"].isalpha() and len(w["text"]) >= 6 and w["conf"] > 90)
    want = sum(1 for w in words if word["text"].lower() in w["text"].lower())
    hits = get_json(f"{base}/-/iiif/issue/{iid}/search?q={word['text']}")
    assert hits["type"] == "AnnotationPage" and len(hits["items"]) >= want >= 1
    boxes = [tuple(map(int, h["target"].split("#xywh=")[1].split(","))) for h in hits["items"]]
    assert (round(word["x0"]), round(word["top"])) in [(x, y) for x, y, _, _ in boxes]


def test_search_finds_a_chinese_phrase_across_words(served):
    base, db = served
    con = sqlite3.connect(db)
    iid, pid = con.execute("select issue_id, id from pages where source_path like '%scan.jpg'").fetchone()
    line = next(json.loads(t) for (t,) in con.execute("select words from lines where page_id = ? order by id", [pid])
                if len(json.loads(t)) >= 4)
    con.close()
    phrase = "".join(w["text"] for w in line[1:3])  # two of Tesseract's words, side by side
    hits = get_json(f"{base}/-/iiif/issue/{iid}/search?q={urllib.parse.quote(phrase)}")
    boxes = [tuple(map(int, h["target"].split("#xywh=")[1].split(","))) for h in hits["items"]]
    x0 = round(min(w["x0"] for w in line[1:3]))
    assert any(abs(b[0] - x0) <= 1 for b in boxes), (phrase, boxes[:5])


def test_the_page_view_links_the_services(served):
    base, db = served
    con = sqlite3.connect(db)
    pid, iid = con.execute("select id, issue_id from pages where title = 'The Evening star'").fetchone()
    con.close()
    html = urllib.request.urlopen(f"{base}/-/archive/page/{pid}", timeout=30).read().decode()
    for link in (f"/-/iiif/{pid}/info.json", f"/-/iiif/issue/{iid}/manifest.json", f"/-/iiif/issue/{iid}/search"):
        assert link in html
