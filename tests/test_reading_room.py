"""The reading room (issue 18 must-haves 3, 4 and 7), in headless Chromium against a
served archive: a search page for people (box first, thumbnails of the article's
region, facets, pages of results, the same results as JSON and CSV), and browsing
titles → a calendar of issues → an issue's pages → a zoomable page (OpenSeadragon,
shipped with the package) with the articles and the hits drawn on it. Screenshots go to
test-artifacts/."""

import csv
import io
import json
import re
import shutil
import urllib.parse
import urllib.request

import pytest

from .conftest import ROOT, SEED, run_archive, serving
from .test_browser import chromium, count_pixels, dom, screenshot  # noqa: F401  (fixture)
from .test_mets_alto import CHRONAM, ISSUE

# A second title, so that a common word has more than a page of results and the title
# facet has something to leave out.
OMAHA = CHRONAM / "batch_nbu_manyissues_ver01" / "data" / "sn99021999" / "0020653817A" / "1887030501"

SCAN = ROOT / "raw_pages" / "rendered_01_00.jpg"


@pytest.fixture(scope="module")
def room(tmp_path_factory, tesseract):
    if not ISSUE.is_dir():
        pytest.skip("../shared/data/chronam is not beside this checkout")
    d = tmp_path_factory.mktemp("room")
    for f in (SCAN, SCAN.with_name(SCAN.name + ".meta.json")):
        if f.exists():
            shutil.copy(f, d / f.name)
    db = d / "archive.db"
    run_archive("ingest", d / SCAN.name, SEED, ISSUE / "1870031501.xml", OMAHA / "1887030501.xml",
                "--db", db, "-q", check=True)
    with serving(db) as base:
        yield base


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read().decode("utf-8")


def test_search_page_for_people(room, chromium, tmp_path):
    html = dom(chromium, tmp_path, f"{room}/-/archive/search?q={urllib.parse.quote('新区')}")
    box = html.find('name="q"')
    assert 0 < box < html.find('class="archive-result"'), "the search box comes first"
    assert "<textarea" not in html and "articles_fts" not in html  # no SQL unless asked for
    assert "<mark>新区</mark>" in html
    thumbs = re.findall(r'src="(/-/iiif/\d+/\d+,\d+,\d+,\d+/!240,240/0/default\.jpg)"', html)
    assert thumbs, "results show the article's region"
    with urllib.request.urlopen(room + thumbs[0], timeout=60) as r:
        assert r.headers["Content-Type"] == "image/jpeg"
    assert re.search(r'archive-facets.*Title.*Year', html, re.S)
    n = int(re.search(r'id="result-count">(\d+)', html).group(1))
    # the same results for researchers
    href = re.search(r'href="([^"]+search\.json[^"]+)"', html).group(1).replace("&amp;", "&")
    rows = json.loads(get(room + href))
    assert len(rows) == n and sorted(r["id"] for r in rows) == sorted(
        int(i) for i in re.findall(r'href="/-/archive/article/(\d+)\?q=', html))
    href = re.search(r'href="([^"]+search\.csv[^"]+)"', html).group(1).replace("&amp;", "&")
    assert len(list(csv.DictReader(io.StringIO(get(room + href))))) == n
    img = screenshot(chromium, tmp_path, f"{room}/-/archive/search?q={urllib.parse.quote('新区')}",
                     "reading-room-search.png")
    assert count_pixels(img, lambda r, g, b: (r > 240) & (g > 200) & (b < 150)) > 200  # highlighted hits


def test_results_come_in_pages_and_facets_filter(room, chromium, tmp_path):
    first = dom(chromium, tmp_path, f"{room}/-/archive/search?q=the")
    total = int(re.search(r'id="result-count">(\d+)', first).group(1))
    assert total > 20 and 'rel="next"' in first
    nxt = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = dom(chromium, tmp_path, room + "/-/archive/search" + nxt)
    ids = lambda h: re.findall(r'href="/-/archive/article/(\d+)\?q=', h)  # noqa: E731
    assert ids(first) and ids(second) and not set(ids(first)) & set(ids(second))
    facet = re.search(r'href="(\?[^"]*title=The\+Evening\+star[^"]*)"', first).group(1).replace("&amp;", "&")
    only = dom(chromium, tmp_path, room + "/-/archive/search" + facet)
    assert int(re.search(r'id="result-count">(\d+)', only).group(1)) < total
    assert "in The Evening star" in only


def test_browse_titles_calendar_issue_and_zoomable_page(room, chromium, tmp_path):
    titles = dom(chromium, tmp_path, f"{room}/-/archive/titles")
    assert "The Evening star" in titles
    cal_href = re.search(r'href="(/-/archive/title\?t=The\+Evening\+star)"', titles).group(1)
    cal = dom(chromium, tmp_path, room + cal_href)
    assert "March 1870" in cal
    issue_href = re.search(r'class="archive-has-issue" href="(/-/archive/issue/\d+)">15<', cal).group(1)
    screenshot(chromium, tmp_path, room + cal_href, "reading-room-calendar.png")
    issue = dom(chromium, tmp_path, room + issue_href)
    viewer_href = re.search(r'href="(/-/archive/viewer/\d+)"', issue).group(1)
    assert re.search(r'src="/-/iiif/\d+/full/!300,300/0/default\.jpg"', issue)
    url = f"{room}{viewer_href}?q=congress"
    page = dom(chromium, tmp_path, url)
    assert 'data-ready="1"' in page, "the viewer opened the IIIF image"
    assert page.count("archive-overlay-article") >= 3 and page.count("archive-overlay-hit") >= 1
    img = screenshot(chromium, tmp_path, url, "reading-room-viewer.png", size="1400,1000")
    # the page is drawn (light paper in the viewer's dark frame) with yellow hits on it
    assert count_pixels(img, lambda r, g, b: (r > 150) & (g > 150) & (b > 150), (0, 100, 900, 900)) > 50000
