"""What archivists see, in a real headless Chromium against a real served archive (issue 5).

Search 重庆 → highlighted snippets → open the article → its page image with the
article's region outlined and the hits marked. Screenshots go to test-artifacts/.
"""

import csv
import io
import json
import re
import shutil
import subprocess
import urllib.parse
import urllib.request

import numpy as np
import pytest
from PIL import Image

from archive.datasette_plugin import image_file

from .conftest import ROOT, SEED, run_archive, serving

ARTIFACTS = ROOT / "test-artifacts"
PAGE = ROOT / "raw_pages" / "rendered_01_00.jpg"  # a rendered page whose text mentions 重庆


@pytest.fixture(scope="module")
def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed: run `make install`")
    return exe


@pytest.fixture(scope="module")
def site(tmp_path_factory, tesseract):
    db_path = tmp_path_factory.mktemp("browser") / "archive.db"
    run_archive("ingest", PAGE, SEED, "--db", db_path, "-q", "--workers", "2", check=True)
    with serving(db_path) as base:
        yield base


def browse(chromium, tmp_path, *args):
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=8000", *args],
        capture_output=True, text=True, timeout=120,
    )
    return proc.stdout


def dom(chromium, tmp_path, url):
    return browse(chromium, tmp_path, "--dump-dom", url)


def screenshot(chromium, tmp_path, url, name, size="1400,1000"):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    browse(chromium, tmp_path, f"--screenshot={path}", f"--window-size={size}", url)
    assert path.exists(), f"no screenshot of {url}"
    return Image.open(path).convert("RGB")


def count_pixels(img, predicate, box=None):
    a = np.asarray(img.crop(box) if box else img).astype(int)
    return int(predicate(a[..., 0], a[..., 1], a[..., 2]).sum())


def test_search_open_article_see_outline(site, chromium, tmp_path):
    q = "重庆"
    search_url = f"{site}/archive/search?q={urllib.parse.quote(q)}"
    html = dom(chromium, tmp_path, search_url)
    assert f"<mark>{q}</mark>" in html, "snippets are not highlighted"
    links = re.findall(r'href="(/-/archive/article/\d+\?q=[^"]+)"', html)
    assert links, "search results do not link to the article view"
    screenshot(chromium, tmp_path, search_url, "search.png")

    # The first hit on a scanned page (the seed is a text source without an image).
    for link in links:
        url = site + link.replace("&amp;", "&")
        page = dom(chromium, tmp_path, url)
        if 'class="region"' in page:
            break
    else:
        raise AssertionError("no search hit has a page image with its region")
    assert re.search(r'<rect class="hit"', page), "the hits are not marked on the image"
    assert "<h1>" in page and q in page
    shot = screenshot(chromium, tmp_path, url, "article.png", size="1400,1400")
    # The outline is drawn in red over the scan, which is on the right of the text.
    red = count_pixels(shot, lambda r, g, b: (r > 170) & (g < 80) & (b < 80),
                       box=(shot.width // 2, 0, shot.width, shot.height))
    assert red > 500, f"no red outline visible on the page image ({red} red pixels)"
    yellow = count_pixels(shot, lambda r, g, b: (r > 200) & (g > 170) & (b < 140),
                          box=(shot.width // 2, 0, shot.width, shot.height))
    assert yellow > 100, "no search hit highlighted on the page image"


def test_chinese_renders_in_a_cjk_font(site, chromium, tmp_path):
    match = subprocess.run(["fc-match", "-f", "%{family}|%{lang}", "Noto Sans CJK SC"],
                           capture_output=True, text=True).stdout
    assert "CJK" in match and "zh-cn" in match, f"no CJK font for the pages' font stack: {match[:80]}"
    shot = screenshot(chromium, tmp_path, f"{site}/-/archive/page/1", "page.png", size="1400,1400")
    # Page view: the scan on the left with article regions, the headlines on the right.
    ink = count_pixels(shot, lambda r, g, b: r + g + b < 200, box=(shot.width * 2 // 3, 0, shot.width, 500))
    assert ink > 300, "the article list shows no text"
    red = count_pixels(shot, lambda r, g, b: (r > 170) & (g < 80) & (b < 80))
    assert red > 500, "no article regions on the page view"


def test_page_view_links_every_article(site, chromium, tmp_path):
    html = dom(chromium, tmp_path, f"{site}/-/archive/page/1")
    with urllib.request.urlopen(f"{site}/archive/articles.json?page_id=1&_shape=array") as r:
        ids = {a["id"] for a in json.load(r)}
    linked = set(map(int, re.findall(r'<a href="/-/archive/article/(\d+)"><title>', html)))
    assert ids and linked == ids


def test_json_and_csv_of_search_and_articles(site):
    q = urllib.parse.quote("重庆")
    with urllib.request.urlopen(f"{site}/archive/search.csv?q={q}") as r:
        rows = list(csv.DictReader(io.StringIO(r.read().decode("utf-8"))))
    assert rows and {"id", "headline", "snippet", "open"} <= set(rows[0])
    with urllib.request.urlopen(f"{site}/archive/search.json?q={q}&_shape=array") as r:
        hits = json.load(r)
    assert [h["id"] for h in hits] == [int(r["id"]) for r in rows]
    with urllib.request.urlopen(f"{site}/archive/articles/{hits[0]['id']}.json?_shape=array") as r:
        assert json.load(r)[0]["headline"] == hits[0]["headline"]


def test_thumbnails_and_robots(site):
    with urllib.request.urlopen(f"{site}/-/archive/page-image/1?w=200") as r:
        thumb = Image.open(io.BytesIO(r.read()))
    assert thumb.width == 200
    with urllib.request.urlopen(f"{site}/robots.txt") as r:
        assert "Disallow: /" in r.read().decode()
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"{site}/sitemap.xml")
    assert e.value.code == 404


def test_public_archive_has_a_sitemap(tmp_path):
    db_path = tmp_path / "archive.db"
    run_archive("ingest", SEED, "--db", db_path, "-q", check=True)
    with serving(db_path, "--public") as base:
        with urllib.request.urlopen(f"{base}/sitemap.xml") as r:
            xml = r.read().decode()
        with urllib.request.urlopen(f"{base}/robots.txt") as r:
            assert "Sitemap:" in r.read().decode()
    assert xml.count("/-/archive/article/") == 5


def test_page_images_only_inside_the_archive(tmp_path):
    (tmp_path / "archive.db.images").mkdir()
    (tmp_path / "archive.db.images" / "p1.jpg").write_bytes(b"x")
    (tmp_path.parent / "secret.jpg").write_bytes(b"x")
    db = tmp_path / "archive.db"
    assert image_file(str(db), "archive.db.images/p1.jpg") == (tmp_path / "archive.db.images" / "p1.jpg").resolve()
    for bad in ("../secret.jpg", "archive.db.images/../../secret.jpg", str(tmp_path.parent / "secret.jpg"),
                "/etc/passwd", "archive.db.images/missing.jpg", ""):
        assert image_file(str(db), bad) is None, bad
