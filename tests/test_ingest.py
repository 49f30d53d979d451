"""archive ingest: real SQLite files, re-ingest, bad input (issue 2)."""

import shutil
import sqlite3

import sqlite_utils

from .conftest import SEED, run_archive


def counts(db_path):
    db = sqlite_utils.Database(db_path)
    return {t: db[t].count for t in ("pages", "articles", "captions", "blocks", "repairs")}


def test_ingest_text_stream(tmp_path):
    db_path = tmp_path / "a.db"
    proc = run_archive("ingest", SEED, "--db", db_path, "-q")
    assert proc.returncode == 0, proc.stderr
    c = counts(db_path)
    assert c["pages"] == 1 and c["articles"] >= 3 and c["captions"] >= 1 and c["repairs"] >= 1
    db = sqlite_utils.Database(db_path)
    page = next(db.query("select * from pages"))
    assert page["status"] == "ok" and page["source_kind"] == "text" and len(page["sha256"]) == 64
    # Text-only pages have no geometry.
    assert db.execute("select count(*) from articles where x is not null").fetchone()[0] == 0
    # Repairs point at the article they changed, where there is one.
    assert db.execute("select count(*) from repairs where kind = 'join_word' and article_id is not null").fetchone()[0] >= 1


def test_reingest_unchanged_does_nothing_and_changed_replaces(tmp_path):
    src = tmp_path / "page.txt"
    shutil.copy(SEED, src)
    db_path = tmp_path / "a.db"
    run_archive("ingest", src, "--db", db_path, "-q", check=True)
    first = counts(db_path)
    proc = run_archive("ingest", src, "--db", db_path, "-q", check=True)
    assert "1 unchanged" in proc.stderr
    assert counts(db_path) == first
    proc = run_archive("ingest", src, "--db", db_path, "-q", "--force", check=True)
    assert "1 ingested" in proc.stderr and counts(db_path) == first  # read again, replaced
    sha_before = sqlite3.connect(db_path).execute("select sha256 from pages").fetchall()
    src.write_text(src.read_text(encoding="utf-8") + "\n\n补充的一段新文字，用来检验替换是否完整。\n", encoding="utf-8")
    run_archive("ingest", src, "--db", db_path, "-q", check=True)
    after = counts(db_path)
    assert after["pages"] == 1  # replaced, not added
    conn = sqlite3.connect(db_path)
    assert conn.execute("select sha256 from pages").fetchall() != sha_before
    assert conn.execute("select count(*) from articles where body like '%补充的一段新文字%'").fetchone()[0] == 1
    assert conn.execute("pragma foreign_key_check").fetchall() == []


def test_bad_file_is_one_line_and_the_batch_goes_on(tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not an image")
    (batch / "empty.pdf").write_bytes(b"")
    shutil.copy(SEED, batch / "good.txt")
    db_path = tmp_path / "a.db"
    # Something already in the archive must survive a batch with failures.
    run_archive("ingest", SEED, "--db", db_path, "-q", check=True)
    before = counts(db_path)
    proc = run_archive("ingest", batch, "--db", db_path, "-q")
    assert proc.returncode == 2
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 2
    assert any("broken.png" in e and "cannot" in e for e in errors)
    assert any("empty.pdf" in e for e in errors)
    assert "Traceback" not in proc.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("select source_path, status, error from pages order by id").fetchall()
    assert sum(1 for r in rows if r[1] == "error") == 2
    assert all(r[2] for r in rows if r[1] == "error")
    assert counts(db_path)["articles"] == 2 * before["articles"]  # the good file went in


def test_every_command_has_help():
    for cmd in ("ingest", "clean", "serve"):
        proc = run_archive(cmd, "--help", check=True)
        assert "Example:" in proc.stdout
        assert "--" in proc.stdout


def test_missing_ocr_engine_is_a_clear_error():
    import pytest

    from archive.errors import MissingDependencyError
    from archive.model import Options
    from archive.plugins import get_ocr_engine

    with pytest.raises(MissingDependencyError, match="no OCR engine"):
        get_ocr_engine(Options(engine="no-such-engine"))
    assert get_ocr_engine(Options()).name == "tesseract"
