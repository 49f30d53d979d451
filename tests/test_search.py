"""Chinese full-text search through a real Datasette over HTTP (issue 2)."""

import json
import re
import urllib.parse
import urllib.request

import pytest
import sqlite_utils

from .conftest import SEED, run_archive, serving


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("search") / "archive.db"
    run_archive("ingest", SEED, "--db", db_path, "-q", check=True)
    with serving(db_path) as base:
        yield base, sqlite_utils.Database(db_path)


def get_json(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def expected_ids(db, query):
    """Articles whose text holds every term of the query (what search must return)."""
    out = set()
    for row in db.query("select id, coalesce(headline,'') || coalesce(kicker,'') || coalesce(byline,'') || body "
                        "|| coalesce(notes,'') as t from articles"):
        caps = "".join(r["text"] for r in db.query("select text from captions where article_id = ?", [row["id"]]))
        if all(term in row["t"] + caps for term in query.split()):
            out.add(row["id"])
    return out


def queries(db):
    """1- to 4-character Chinese queries and mixed ones, drawn from the stored text."""
    bodies = [r["body"] for r in db.query("select body from articles order by id")]
    text = "".join(bodies)
    han = re.findall(r"[\u4e00-\u9fff]{4,}", text)
    qs = set()
    for n in (1, 2, 3, 4):
        for run in han[:: max(1, len(han) // 6)]:
            qs.add(run[:n])
    mixed = re.findall(r"[A-Za-z0-9]+[\u4e00-\u9fff]{2}", text)
    qs.update(mixed[:3])
    qs.add(han[0][:2] + " " + han[-1][:2])  # two terms: both must match
    return sorted(qs)


def test_two_character_query_from_the_search_box(server):
    base, db = server
    q = "重庆"
    rows = get_json(f"{base}/archive/articles.json?_search={urllib.parse.quote(q)}&_shape=array&_col=id&_size=max")
    assert {r["id"] for r in rows} == expected_ids(db, q) != set()


def test_search_is_exact_for_1_to_4_characters_and_mixed(server):
    base, db = server
    checked = 0
    for q in queries(db):
        rows = get_json(f"{base}/archive/articles.json?_search={urllib.parse.quote(q)}&_shape=array&_col=id&_size=max")
        assert {r["id"] for r in rows} == expected_ids(db, q), q
        checked += 1
    assert checked >= 10


def test_canned_search_ranks_and_highlights(server):
    base, db = server
    rows = get_json(f"{base}/archive/search.json?q={urllib.parse.quote('重庆')}&_shape=array")
    assert rows and {r["id"] for r in rows} == expected_ids(db, "重庆")
    for r in rows:
        assert "<mark>" in r["snippet"] and "\u200b" not in r["snippet"]
    html = urllib.request.urlopen(f"{base}/archive/search?q={urllib.parse.quote('重庆')}").read().decode()
    assert "<mark>重庆</mark>" in html or "<mark>重</mark>" in html


def test_ocr_text_is_never_html(tmp_path):
    src = tmp_path / "evil.txt"
    src.write_text("标题\n\n<script>alert(1)</script>这是正文，重庆。\n", encoding="utf-8")
    db_path = tmp_path / "archive.db"
    run_archive("ingest", src, "--db", db_path, "-q", check=True)
    proc = run_archive("serve", "--db", db_path, "--get", "/archive/search?q=%E9%87%8D%E5%BA%86", check=True)
    assert "<script>alert(1)</script>" not in proc.stdout
    assert "&lt;script&gt;" in proc.stdout


def test_canned_search_finds_and_marks_every_kind_of_query(server):
    base, db = server
    for q in queries(db):
        rows = get_json(f"{base}/archive/search.json?q={urllib.parse.quote(q)}&_shape=array")
        assert {r["id"] for r in rows} == expected_ids(db, q), q
        for r in rows:
            marked = re.findall(r"<mark>(.*?)</mark>", r["snippet"])
            assert marked and all(m in q.replace(" ", "") for m in marked), (q, r["snippet"])


@pytest.fixture(scope="module")
def big_archive(tmp_path_factory):
    """Over 10,000 articles share one character; 30 also hold a rarer word, one of them
    many times: built through the project's loader, as search_scale.py does at 1M."""
    from archive import store
    from archive.model import Article, Page, PageResult, Paragraph

    db_path = tmp_path_factory.mktemp("big") / "archive.db"
    db = store.open_db(db_path)
    n = 10_050
    for s in range(0, n, 150):
        arts = []
        for i in range(s, min(n, s + 150)):
            body = f"第{i}号文章的正文。" + ("长江大桥" * (12 if i == 4321 else 1) if i % 335 == 1 or i == 4321 else "")
            arts.append(Article(headline=f"标题{i}", blocks=[Paragraph("paragraph", body)], reading_order=i - s))
        page = Page(source_path=f"big/{s}.txt", page_number=1, source_kind="text")
        store.write_source(db, f"big/{s}.txt", f"{s:064x}", [PageResult(page=page, articles=arts, repairs=[])])
    db.conn.close()
    store.prepare_for_publishing(db_path)
    return db_path


def test_search_over_the_ranking_cap_lists_newest_first(big_archive):
    proc = run_archive("serve", "--db", big_archive, "--get",
                       "/archive/search.json?_shape=array&q=" + urllib.parse.quote("文章"), check=True)
    rows = json.loads(proc.stdout)
    assert len(rows) == 100 and {r["matches"] for r in rows} == {"over 10000"}
    ids = [r["id"] for r in rows]
    assert ids == sorted(ids, reverse=True) and ids[0] == 10_050
    assert all("<mark>文章</mark>" in r["snippet"] for r in rows)


def test_search_under_the_cap_is_ranked_by_bm25(big_archive):
    proc = run_archive("serve", "--db", big_archive, "--get",
                       "/archive/search.json?_shape=array&q=" + urllib.parse.quote("长江大桥"), check=True)
    rows = json.loads(proc.stdout)
    assert len(rows) == 31 and {r["matches"] for r in rows} == {31}
    assert rows[0]["headline"] == "标题4321", "the article saying it twelve times ranks first"


def test_the_search_page_for_people_holds_past_the_cap_as_the_canned_search_does(big_archive):
    """The reading room's search page: past the cap, newest first and the count capped
    (ranking and counting every match of a common word cost seconds at a million
    articles); under it, ranked by bm25 and counted exactly."""
    def page(q):
        return run_archive("serve", "--db", big_archive, "--get",
                           "/-/archive/search?q=" + urllib.parse.quote(q), check=True).stdout

    common = page("文章")
    assert re.search(r'id="result-count">over 10,000 articles, newest first', common)
    headlines = re.findall(r'href="/-/archive/article/\d+\?q=[^"]*">([^<]+)<', common)
    assert headlines[:3] == ["标题10049", "标题10048", "标题10047"] and len(headlines) == 20
    assert "counts of the newest 10,000" in common
    rare = page("长江大桥")
    assert re.search(r'id="result-count">31 articles', rare)
    assert re.findall(r'href="/-/archive/article/\d+\?q=[^"]*">([^<]+)<', rare)[0] == "标题4321"


def test_pair_index_forgets_replaced_text_and_is_built_for_old_archives(tmp_path):
    from archive import store
    from archive.search import bigram_query

    src = tmp_path / "page.txt"
    src.write_text("旧标题\n\n长江大桥今天通车，市民欢迎。\n", encoding="utf-8")
    db_path = tmp_path / "archive.db"
    run_archive("ingest", src, "--db", db_path, "-q", check=True)
    src.write_text("新标题\n\n黄河大桥今天通车，市民欢迎。\n", encoding="utf-8")
    run_archive("ingest", src, "--db", db_path, "-q", check=True)

    def pair_hits(db, q):
        return db.execute("select count(*) from articles_bigrams where articles_bigrams match ?",
                          [bigram_query(q)]).fetchone()[0]

    db = sqlite_utils.Database(db_path)
    assert pair_hits(db, "长江大桥") == 0 and pair_hits(db, "黄河大桥") == 1 and pair_hits(db, "大桥") == 1
    db.execute("insert into articles_bigrams(articles_bigrams) values ('integrity-check')")

    # An archive of schema 2 has no pair index: opening it builds one from its articles.
    db.execute("drop table articles_bigrams")
    db.execute("PRAGMA user_version = 2")
    db.conn.commit()
    db.conn.close()
    db = store.open_db(db_path)
    assert pair_hits(db, "黄河大桥") == 1 and db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


def test_canned_search_filters_by_title_and_date(tmp_path):
    import shutil

    for name, title, date in (("a", "晨报", "1998-01-05"), ("b", "晚报", "1998-02-10"), ("c", "晨报", "1998-03-01")):
        src = tmp_path / f"{name}.txt"
        src.write_text(f"{name}标题\n\n长江大桥今天通车，市民欢迎{name}。\n", encoding="utf-8")
        (tmp_path / f"{name}.txt.meta.json").write_text(json.dumps({"title": title, "date": date}), encoding="utf-8")
    shutil.copy(SEED, tmp_path / "seed.txt")
    db_path = tmp_path / "archive.db"
    run_archive("ingest", tmp_path, "--db", db_path, "-q", check=True)

    def search(**params):
        query = urllib.parse.urlencode({"q": "长江大桥", "_shape": "array", **params})
        proc = run_archive("serve", "--db", db_path, "--get", f"/archive/search.json?{query}", check=True)
        return sorted(r["headline"] for r in json.loads(proc.stdout))

    assert search() == ["a标题", "b标题", "c标题"]
    assert search(title="晨报") == ["a标题", "c标题"]
    assert search(date_from="1998-02", date_to="1998-02") == ["b标题"]
    assert search(title="晨报", date_to="1998-01") == ["a标题"]
    # a one-character query takes the other index through the same filters
    proc = run_archive("serve", "--db", db_path, "--get",
                       "/archive/search.json?" + urllib.parse.urlencode({"q": "桥", "title": "晚报", "_shape": "array"}),
                       check=True)
    assert [r["headline"] for r in json.loads(proc.stdout)] == ["b标题"]


TRADITIONAL = "臺灣經濟發展迅速\n\n◎本報記者 陳明\n\n臺灣地區今年的對外貿易額創下新高，電子產業表現尤其突出。\n"
SIMPLIFIED = "台湾农业喜获丰收\n\n◎本报记者 李华\n\n台湾南部今年的水稻产量再创新高，农民收入稳步增加。\n"


def test_a_term_written_either_way_finds_both(tmp_path):
    """臺灣 finds 台湾 and 台湾 finds 臺灣 (OpenCC's t2s, character for character, in the
    index and the query); snippets show the text as printed."""
    for name, text in (("trad.txt", TRADITIONAL), ("simp.txt", SIMPLIFIED)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    db_path = tmp_path / "archive.db"
    run_archive("ingest", tmp_path / "trad.txt", tmp_path / "simp.txt", "--db", db_path, "-q", check=True)
    with serving(db_path) as base:
        def heads(q):
            rows = get_json(f"{base}/archive/search.json?_shape=array&q={urllib.parse.quote(q)}")
            return sorted(r["headline"] for r in rows), rows

        both = sorted(["臺灣經濟發展迅速", "台湾农业喜获丰收"])
        for q in ("臺灣", "台湾", "台灣", "灣", "臺"):
            assert heads(q)[0] == both, q
        assert heads("經濟")[0] == ["臺灣經濟發展迅速"] and heads("经济")[0] == ["臺灣經濟發展迅速"]
        assert heads("水稻产量")[0] == ["台湾农业喜获丰收"] and heads("水稻產量")[0] == ["台湾农业喜获丰收"]
        _, rows = heads("台湾")
        snip = next(r["snippet"] for r in rows if r["headline"].startswith("臺灣"))
        assert "<mark>臺灣</mark>" in snip  # shown as printed, found as folded
        # the table's own search box folds too
        table = get_json(f"{base}/archive/articles.json?_shape=array&_search={urllib.parse.quote('台湾')}")
        assert len(table) == 2


def test_an_older_archive_is_folded_when_opened(tmp_path):
    """Archives of schema 3 held search text unfolded: opening one folds it, in both indexes."""
    from archive import store

    (tmp_path / "trad.txt").write_text(TRADITIONAL, encoding="utf-8")
    db_path = tmp_path / "archive.db"
    run_archive("ingest", tmp_path / "trad.txt", "--db", db_path, "-q", check=True)
    db = sqlite_utils.Database(db_path)
    row = next(db.query("select id, search_text from articles"))
    old = row["search_text"].replace("台", "臺").replace("湾", "灣")  # as version 3 stored it
    from archive.search import index_bigrams

    with db.conn:
        index_bigrams(db, row["id"], row["search_text"], delete=True)
        db.execute("update articles set search_text = ? where id = ?", [old, row["id"]])
        index_bigrams(db, row["id"], old)
        db.execute("pragma user_version = 3")
    db.conn.close()
    db = store.open_db(db_path)
    assert db.execute("pragma user_version").fetchone()[0] == store.SCHEMA_VERSION
    for q in ("台湾", "台湾地区"):
        from archive.search import fts_query, match_for

        assert db.execute("select count(*) from articles_fts where articles_fts match ?",
                          [fts_query(q)]).fetchone()[0] == 1
        pairs = match_for(q, "pairs")
        assert db.execute("select count(*) from articles_bigrams where articles_bigrams match ?",
                          [pairs]).fetchone()[0] == 1
