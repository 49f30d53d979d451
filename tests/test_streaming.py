"""Long inputs stream (issue 13 must-have 6): the pages of a long PDF are committed as
they finish, a kill loses only the pages in flight and the next run reads only what is
missing, and a short file given after the long one is not held back until its end."""

import os
import signal
import sqlite3
import subprocess
import time

from testkit.pdfs import write_text_pdf

from .conftest import ARCHIVE, ROOT, SEED, run_archive

PAGES = 120  # long enough that no run ends before the test stops it, on a busy machine too


def stored(db):
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute("select page_number, count(*) from pages where status = 'ok' "
                           "and source_path like '%long.pdf' group by page_number").fetchall()
    except sqlite3.OperationalError:  # the ingest has made the file, not yet its tables
        return []
    finally:
        con.close()


def test_a_long_pdf_is_committed_page_by_page_and_resumed(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    write_text_pdf(src / "long.pdf", PAGES)
    (src / "short.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "a.db"

    proc = subprocess.Popen([*ARCHIVE, "ingest", src / "long.pdf", src / "short.txt", "--db", db],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists() and len(stored(db)) >= 10:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "ingest ended before the kill: " + proc.stderr.read()
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stderr.close()

    kept = stored(db)
    assert len(kept) >= 10 and all(n == 1 for _, n in kept)
    con = sqlite3.connect(db)
    # the short file, given second, was done long before the long one would have been
    assert con.execute("select count(*) from pages where source_path like '%short.txt' "
                       "and status = 'ok'").fetchone()[0] == 1
    con.close()

    again = run_archive("ingest", src, "--db", db)
    assert again.returncode == 0, again.stderr
    progress = [ln for ln in again.stderr.splitlines() if ln.startswith("pages ")]
    # only the pages the kill lost are read again
    assert progress and progress[-1] == f"pages {PAGES - len(kept)}/{PAGES - len(kept)}", again.stderr
    assert "1 ingested, 1 unchanged" in again.stderr
    final = stored(db)
    assert [n for n, _ in final] == list(range(1, PAGES + 1)) and all(c == 1 for _, c in final)
    con = sqlite3.connect(db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    heads = [h for (h,) in con.execute(
        "select a.headline from articles a join pages p on p.id = a.page_id "
        "where p.source_path like '%long.pdf' order by p.page_number")]
    assert len(heads) == PAGES and heads[7] == "Page 8 of the test gazette", heads[:10]

    unchanged = run_archive("ingest", src, "--db", db)
    assert "2 unchanged" in unchanged.stderr and "pages " not in unchanged.stderr, unchanged.stderr


def test_ctrl_c_stops_with_130_and_keeps_what_was_committed(tmp_path, tesseract):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it): exit 130, one
    line, no traceback; the pages committed stay and the next run finishes the file."""
    pdf = write_text_pdf(tmp_path / "long.pdf", PAGES)
    db = tmp_path / "a.db"
    # As from a terminal: SIGINT at its default, even when this test runs where it is
    # ignored (a CI job started in the background inherits SIG_IGN, and Python keeps it).
    proc = subprocess.Popen([*ARCHIVE, "ingest", pdf, "--db", db], cwd=ROOT, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and not (db.exists() and len(stored(db)) >= 5):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, err
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("interrupted"), err
    kept = len(stored(db))
    assert 5 <= kept < PAGES
    again = run_archive("ingest", pdf, "--db", db)
    assert again.returncode == 0 and len(stored(db)) == PAGES, again.stderr


def test_missing_tesseract_language_exits_3(tmp_path, tesseract):
    image = ROOT / "raw_pages" / "rendered_01_00.jpg"
    proc = run_archive("ingest", image, "--db", tmp_path / "a.db", "--lang", "nosuchlang", "-q")
    assert proc.returncode == 3, proc.stderr
    assert "nosuchlang" in proc.stderr and "apt-get install" in proc.stderr
