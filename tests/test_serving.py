"""The served archive under the faults and abuse of issue 13 (must-have 7): an ingest
into the archive while it is served, bad ids, long arguments to the project's SQL
functions, security headers, cached derived images, and no download unless asked."""

import json
import random
import shutil
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from testkit.reflow import reflow

from .conftest import ARCHIVE, ROOT, SEED, run_archive, serving

IMAGE_SEED = Path(__file__).resolve().parent.parent / "raw_pages"


def fetch(url):
    """(status, headers, body) for a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def count_articles(base):
    status, _, body = fetch(base + "/archive.json?sql=" + urllib.parse.quote("select count(*) n from articles")
                            + "&_shape=array")
    assert status == 200, body
    return json.loads(body)[0]["n"]


def test_an_ingest_while_served_breaks_nothing_and_shows_at_once(tmp_path, gold):
    db = tmp_path / "archive.db"
    run_archive("ingest", SEED, "--db", db, "-q", check=True)
    batch = tmp_path / "more"
    batch.mkdir()
    for k in range(40):
        text, _ = reflow(gold["articles"], random.Random(k), "zh")
        (batch / f"p{k:02d}.txt").write_text(text, encoding="utf-8")
    with serving(db) as base:
        before = count_articles(base)
        failures, answered = [], [0]
        stop = threading.Event()

        def reader():
            urls = [base + "/archive/search.json?q=" + urllib.parse.quote("北斗"),
                    base + "/archive/articles.json?_size=5&_sort_desc=id",
                    base + "/-/archive/article/1", base + "/"]
            k = 0
            while not stop.is_set():
                status, _, body = fetch(urls[k % len(urls)])
                answered[0] += 1
                if status != 200:
                    failures.append((urls[k % len(urls)], status, body[:200]))
                k += 1

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            ingest = subprocess.run([*ARCHIVE, "ingest", batch, "--db", db, "-q"], cwd=ROOT,
                                    capture_output=True, text=True)
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert ingest.returncode == 0, ingest.stderr
        assert answered[0] > 20 and not failures, (answered, failures[:3])
        after = count_articles(base)
        assert after > before
        status, _, body = fetch(f"{base}/-/archive/article/{after}")  # a new article, no restart
        assert status == 200, body[:300]


@pytest.fixture(scope="module")
def served(tmp_path_factory, tesseract):
    db = tmp_path_factory.mktemp("served") / "archive.db"
    images = sorted(p for p in IMAGE_SEED.iterdir() if p.suffix.lower() in (".png", ".jpg", ".tif", ".tiff"))[:1]
    run_archive("ingest", SEED, *images, "--db", db, "-q", check=True)
    with serving(db) as base:
        yield base, db


@pytest.mark.parametrize("path", [
    "/-/archive/article/99999999999999999999999", "/-/archive/page/99999999999999999999999",
    "/-/archive/page-image/99999999999999999999999", "/-/archive/article/0",
    "/archive/articles/99999999999999999999999", "/archive/pages/99999999999999999999999.json",
])
def test_a_bad_id_is_404_never_500(served, path):
    base, _ = served
    status, _, body = fetch(base + path)
    assert status == 404, (path, status, body[:200])


def test_security_headers_on_every_page(served):
    base, _ = served
    for path in ["/", "/archive", "/archive/articles", "/-/archive/article/1", "/-/archive/page/1",
                 "/-/archive/article/99999999999999999999999", "/robots.txt"]:
        _, headers, _ = fetch(base + path)
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path


@pytest.mark.parametrize("sql", [
    "select escape_fts(:q)", "select archive_snippet(body, :q) from articles limit 1",
    "select archive_match(:q, 'chars')",
])
def test_sql_functions_refuse_what_no_one_types(served, sql):
    base, _ = served
    q = "北 " * 5000
    status, _, body = fetch(f"{base}/archive.json?sql={urllib.parse.quote(sql)}&q={urllib.parse.quote(q)}")
    assert status == 400, (status, body[:300])
    # an ordinary query still answers
    status, _, body = fetch(f"{base}/archive.json?sql={urllib.parse.quote(sql)}&q={urllib.parse.quote('北斗')}")
    assert status == 200, body[:300]


def test_fts3_tokenizer_gives_no_pointer(served):
    base, _ = served
    sql = urllib.parse.quote("select fts3_tokenizer('simple') as p")
    status, _, body = fetch(f"{base}/archive.json?sql={sql}&_shape=array")
    assert status == 200 and json.loads(body) == [{"p": None}], body[:300]


def test_thumbnails_are_made_once_and_kept_on_disk(served):
    base, db = served
    cache = db.with_name(db.name + ".cache")
    status, headers, first = fetch(base + "/-/archive/page-image/2?w=300")
    assert status == 200 and headers["Content-Type"] == "image/jpeg", (status, first[:200])
    made = list(cache.rglob("*.jpg"))
    assert len(made) == 1
    stamp = made[0].stat().st_mtime_ns
    status, _, again = fetch(base + "/-/archive/page-image/2?w=300")
    assert status == 200 and again == first and made[0].stat().st_mtime_ns == stamp


def test_the_database_is_not_offered_for_download_unless_asked(served, tmp_path):
    base, db = served
    status, _, _ = fetch(base + "/archive.db")
    assert status in (403, 404)
    copy = tmp_path / "archive.db"  # a finished archive, that no other server has open
    shutil.copy(db, copy)
    with serving(copy, "--download") as other:
        status, _, body = fetch(other + "/archive.db")
        assert status == 200 and body[:16] == b"SQLite format 3\x00"


def test_the_page_view_offers_its_exports(served):
    base, _ = served
    status, _, page = fetch(base + "/-/archive/page/2")
    assert status == 200
    for fmt, root in (("alto", b"<alto"), ("page", b"<PcGts"), ("hocr", b"ocr_page"), ("mets", b"<mets")):
        assert f'href="/-/archive/page/2/{fmt}"'.encode() in page
        status, headers, body = fetch(f"{base}/-/archive/page/2/{fmt}")
        assert status == 200 and root in body[:2000], (fmt, status, body[:300])
    status, _, _ = fetch(base + "/-/archive/page/999999/alto")
    assert status == 404


def test_any_archive_name_gets_the_queries_and_descriptions_without_a_copy(tmp_path):
    """The canned queries and descriptions come from the plugin (package data), for an
    archive file of any name, with no metadata file beside it."""
    db = tmp_path / "zeitung.db"
    run_archive("ingest", SEED, "--db", db, "-q", check=True)
    with serving(db, "--metadata", ROOT / "metadata.yml") as base:
        status, _, body = fetch(base + "/zeitung/search.json?q=" + urllib.parse.quote("北斗") + "&_shape=array")
        assert status == 200 and json.loads(body), body[:300]
        status, _, body = fetch(base + "/zeitung/articles")
        assert status == 200 and b"Articles in reading order on their page" in body
    assert not list(tmp_path.glob("*.metadata.json"))


PUBLIC_URLS = ["/", "/archive", "/archive/pages", "/archive/pages.json?_shape=array", "/archive/pages.csv",
               "/archive/pages/1", "/archive/pages/1.json", "/archive/issues.json?_shape=array",
               "/archive/search.json?_shape=array&q=" + urllib.parse.quote("北斗"),
               "/archive/search?q=" + urllib.parse.quote("北斗"), "/-/archive/page/1", "/-/archive/article/1",
               "/-/archive/page/1/mets", "/-/archive/page/1/alto", "/-/iiif/issue/1/manifest.json",
               "/-/databases.json", "/archive.json?sql=" + urllib.parse.quote("select source_path, error from pages"),
               "/archive/pages.csv?_stream=on&_size=max", "/archive/articles.csv?_stream=on&_labels=on"]


def test_public_shows_no_server_path(tmp_path):
    """--public: no page or JSON names a folder of the server (sources kept in a folder
    with a Chinese name, which JSON writes escaped); without it the paths are there, so
    this test can tell."""
    src = tmp_path / "扫描件" / "1998"
    src.mkdir(parents=True)
    shutil.copy(SEED, src / "page.txt")
    (src / "broken.png").write_bytes(b"not an image")
    home = tmp_path / "archive"
    home.mkdir()
    db = home / "archive.db"
    run_archive("ingest", src, "--db", db, "-q")
    secrets = [str(tmp_path), json.dumps(str(src))[1:-1], str(home)]

    def leaks(base):
        found = []
        for url in PUBLIC_URLS:
            status, _, body = fetch(base + url)
            text = body.decode("utf-8", "replace")
            found += [(url, s) for s in secrets if s in text]
        return found

    with serving(db) as base:
        assert leaks(base)  # the paths are there to hide
    with serving(db, "--public") as base:
        assert leaks(base) == []
        status, _, body = fetch(base + "/archive/pages.json?_shape=array")
        rows = json.loads(body)
        assert sorted(r["source_path"] for r in rows) == ["broken.png", "page.txt"]
        # a streamed CSV (scrubbed chunk by chunk, never held whole) keeps every row
        status, _, body = fetch(base + "/archive/pages.csv?_stream=on&_size=max")
        assert status == 200 and len(body.decode().strip().splitlines()) == 3, body[:300]


def test_an_archive_from_an_older_version_is_served_whole(tmp_path):
    """An archive made before the issues and article_links tables: serving brings it up
    to today's schema first (the views expect those tables), so nothing answers 500."""
    import sqlite3

    db = tmp_path / "archive.db"
    run_archive("ingest", SEED, "--db", db, "-q", check=True)
    con = sqlite3.connect(db)
    con.executescript("drop table article_links; drop table issues; drop index if exists idx_pages_issue_id; "
                      "alter table pages drop column issue_id; pragma user_version = 3;")
    con.close()
    with serving(db) as base:
        for path in ("/-/archive/article/1", "/-/archive/page/1", "/-/archive/titles",
                     "/-/archive/search?q=" + urllib.parse.quote("北斗"), "/-/iiif/issue/1/manifest.json"):
            status, _, body = fetch(base + path)
            assert status == 200, (path, status, body[:300])


@pytest.mark.parametrize("cuts", [(5, 9, 25), (3, 4, 6, 12, 13, 30), (1,), (36,)])
def test_a_streamed_body_is_scrubbed_across_chunks(cuts):
    """A folder's name split between two chunks of a streamed response is still cut."""
    import asyncio
    import re
    import time

    from archive.datasette_plugin import PathScrubber

    class Site:
        databases = {}

    scrubber = PathScrubber(Site())
    folder = "/srv/扫描/".encode()
    scrubber.pattern, scrubber.longest, scrubber.read_at = re.compile(re.escape(folder)), len(folder), time.monotonic()
    body = "a,/srv/扫描/x.tif\nb,/srv/扫描/y.tif\n".encode()
    bounds = [0, *cuts, len(body)]
    chunks = [body[a:b] for a, b in zip(bounds, bounds[1:])]

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        for i, c in enumerate(chunks):
            await send({"type": "http.response.body", "body": c, "more_body": i < len(chunks) - 1})

    sent = []

    async def send(event):
        sent.append(event)

    asyncio.run(scrubber(app, {"type": "http"}, None, send))
    text = b"".join(e.get("body", b"") for e in sent if e["type"] == "http.response.body").decode()
    assert text == "a,x.tif\nb,y.tif\n"
    assert not sent[-1].get("more_body")
