"""Interrupted ingest: kill -9 at random moments, re-run, and nothing is lost,
duplicated or half-written (issue 6)."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, run_archive
from testkit.reflow import reflow

N_PAGES = 600


@pytest.fixture(scope="module")
def sources(tmp_path_factory, gold):
    """Pages of OCR text (re-flowed seed articles): quick pages, so kills land between,
    during and after many files' transactions."""
    d = tmp_path_factory.mktemp("batch")
    for k in range(N_PAGES):
        text, _ = reflow(gold["articles"], random.Random(k), "zh")
        (d / f"page_{k:02d}.txt").write_text(text, encoding="utf-8")
    return d


def snapshot(db_path):
    con = sqlite3.connect(db_path)
    try:
        return {
            "integrity": con.execute("PRAGMA integrity_check").fetchone()[0],
            "fk": con.execute("PRAGMA foreign_key_check").fetchall(),
            "pages": con.execute("select source_path, count(*) from pages group by source_path").fetchall(),
            "articles": con.execute("select p.source_path, count(a.id) from pages p left join articles a "
                                    "on a.page_id = p.id group by p.source_path").fetchall(),
            "orphans": con.execute("select count(*) from articles where page_id not in (select id from pages)")
                          .fetchone()[0],
            "fts": con.execute("select (select count(*) from articles_fts) - (select count(*) from articles)")
                      .fetchone()[0],
        }
    finally:
        con.close()


def test_kill_minus_nine_then_rerun(sources, tmp_path):
    reference = tmp_path / "reference.db"
    run_archive("ingest", sources, "--db", reference, "-q", "--workers", "2", check=True)
    want = snapshot(reference)
    assert len(want["pages"]) == N_PAGES

    db_path = tmp_path / "killed.db"
    rng = random.Random(6)
    kills = 0
    for _ in range(12):
        proc = subprocess.Popen([sys.executable, "-m", "archive", "ingest", str(sources), "--db", str(db_path),
                                 "-q", "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.4, 2.0))
        finished = proc.poll() is not None
        if not finished:
            # The whole process group: the writer and its workers, as a crash takes them.
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        if db_path.exists():
            s = snapshot(db_path)
            assert s["integrity"] == "ok" and not s["fk"] and s["orphans"] == 0 and s["fts"] == 0
            # A page is either wholly there or not there at all.
            assert all(n == 1 for _, n in s["pages"])
            assert set(s["articles"]) <= set(want["articles"])
        if finished:
            break
    assert kills >= 3, "the runs finished before they could be interrupted"
    proc = run_archive("ingest", sources, "--db", db_path, "-q", "--workers", "2", check=True)
    got = snapshot(db_path)
    assert got == want
    # A further run has nothing left to do.
    proc = run_archive("ingest", sources, "--db", db_path, "-q")
    assert f"{N_PAGES} unchanged" in proc.stderr, proc.stderr
