"""Fault injection: the archive's writer killed (SIGKILL) at a chosen SQL statement
through the ARCHIVE_KILL_AT_STATEMENT hook, and the checks a finished archive must
pass (integrity, both full-text indexes equal to a LIKE scan)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from archive import batch, search, store
from archive.model import Options

TERMS = ["汽车", "重庆", "科技", "广"]


def ingest_killed(src: Path, db: Path, at, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, store.FAULT_ENV: str(at)}
    return subprocess.run([sys.executable, "-m", "archive", "ingest", str(src), "--db", str(db), "-q",
                           "--workers", "1"], cwd=cwd, env=env, capture_output=True, text=True)


def statements(src: Path, db: Path, cwd: Path | None = None) -> int:
    """How many statements a first run into a new archive makes."""
    err = ingest_killed(src, db, "count", cwd).stderr
    db.unlink()
    return int(re.search(store.FAULT_ENV + r": (\d+) statements", err).group(1))


def finish(src: Path, db: Path) -> None:
    outcomes = batch.ingest([src], db, Options(), workers=1)
    assert all(o.status in ("ingested", "unchanged") for o in outcomes), outcomes


def search_agrees(db: Path) -> int:
    """The archive is sound and its two indexes find what a LIKE scan finds; returns
    its article count."""
    con = sqlite3.connect(db)
    con.create_function("escape_fts", 1, search.fts_query)
    try:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        for term in TERMS:
            like = {r[0] for r in con.execute(
                "select id from articles where replace(search_text, char(8203), '') like ?", [f"%{term}%"])}
            chars = {r[0] for r in con.execute(
                "select rowid from articles_fts where articles_fts match escape_fts(?)", [term])}
            assert chars == like, (term, len(chars), len(like))
            q = search.match_for(term, "pairs")
            if q != search.NO_MATCH:
                pairs = {r[0] for r in con.execute(
                    "select rowid from articles_bigrams where articles_bigrams match ?", [q])}
                assert pairs == like, (term, len(pairs), len(like))
        return con.execute("select count(*) from articles").fetchone()[0]
    finally:
        con.close()


def kill_and_finish(src: Path, db: Path, at: int, want: int, files: int, cwd: Path | None = None) -> None:
    """Kill a first run at statement ``at``, run again, and check the result."""
    rc = ingest_killed(src, db, at, cwd).returncode
    assert rc in (-9, 137), (at, rc)
    finish(src, db)
    assert search_agrees(db) == want, at
    con = sqlite3.connect(db)
    try:
        assert con.execute("select count(*) from pages where status = 'ok'").fetchone()[0] == files
        assert con.execute("select count(distinct source_path) from pages").fetchone()[0] == files
    finally:
        con.close()
    db.unlink()
