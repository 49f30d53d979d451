"""Jumps (issue 16 must-have 6): （下转第N版）, （上接第N版）, "Continued on page N" and
their kin are notes, and where both parts of a story are in the archive (one title and
date), they are linked: the article_links table, and "continued on / from" in the
article view."""

import json
import sqlite3

import pytest

from archive import patterns as P

from .conftest import run_archive, serving

PAGE_1 = """西部大开发取得新进展

◎本报记者 张三

国家发展改革委近日召开新闻发布会，介绍西部大开发的最新进展情况。今年以来，西部地区经济保持平稳增长，基础设施建设加快推进。

（下转第2版）

科技创新引领产业升级

◎本报记者 李四

记者从科技部获悉，今年我国科技创新能力持续提升，一批重大科技成果相继问世。
"""
PAGE_2 = """农业生产形势总体良好

◎本报记者 王五

农业农村部表示，今年粮食生产形势总体良好，夏粮丰收已成定局。

西部大开发取得新进展

（上接第1版）

与此同时，生态环境保护工作扎实推进，人民生活水平不断提高。
"""


@pytest.mark.parametrize("text,want", [
    ("（下转第2版）", ("to", 2)), ("（转第十二版）", ("to", 12)), ("（上接第1版）", ("from", 1)),
    ("(接第A3版)", ("from", 3)), ("Continued on page 4", ("to", 4)), ("(Continued from Page Two.)", ("from", 2)),
    ("See page 12.", ("to", 12)), ("作者系某大学教授", None), ("第2版", None),
])
def test_jump_lines(text, want):
    assert P.jump(text) == want
    if want:
        assert P.is_note(text)


def test_two_parts_of_a_story_are_linked_and_shown(tmp_path):
    src = tmp_path / "issue"
    src.mkdir()
    for n, text in ((1, PAGE_1), (2, PAGE_2)):
        (src / f"p{n}.txt").write_text(text, encoding="utf-8")
        (src / f"p{n}.txt.meta.json").write_text(json.dumps({"title": "测试日报", "date": "2020-05-01", "page": n}),
                                                encoding="utf-8")
    other = tmp_path / "other"  # the same page 2 of another day: never linked
    other.mkdir()
    (other / "p2.txt").write_text(PAGE_2, encoding="utf-8")
    (other / "p2.txt.meta.json").write_text(json.dumps({"title": "测试日报", "date": "2020-05-02", "page": 2}),
                                            encoding="utf-8")
    db = tmp_path / "archive.db"
    run_archive("ingest", src, other, "--db", db, "-q", check=True)
    con = sqlite3.connect(db)
    links = con.execute(
        "select a.headline, pa.page_label, b.headline, pb.page_label, pb.date, l.note from article_links l "
        "join articles a on a.id = l.from_article_id join pages pa on pa.id = a.page_id "
        "join articles b on b.id = l.to_article_id join pages pb on pb.id = b.page_id").fetchall()
    assert links == [("西部大开发取得新进展", "1", "西部大开发取得新进展", "2", "2020-05-01", "（下转第2版）")]
    first, second = con.execute("select from_article_id, to_article_id from article_links").fetchone()
    con.close()
    # ingesting again (a page replaced) keeps one link, not two
    run_archive("ingest", src, "--db", db, "-q", "--force", check=True)
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from article_links").fetchone()[0] == 1
    first, second = con.execute("select from_article_id, to_article_id from article_links").fetchone()
    con.close()
    with serving(db) as base:
        import urllib.request

        page = urllib.request.urlopen(f"{base}/-/archive/article/{first}", timeout=30).read().decode()
        assert "Continued on page 2" in page and f'href="/-/archive/article/{second}"' in page
        page = urllib.request.urlopen(f"{base}/-/archive/article/{second}", timeout=30).read().decode()
        assert "Continued from page 1" in page and f'href="/-/archive/article/{first}"' in page
