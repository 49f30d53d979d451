"""A failure in one page fails that page only (issue 13): every error type pickles, and
a bug, an unpicklable error or a killed worker under one page leaves the rest of the
batch stored, with two pool workers and on a Dask LocalCluster."""

import pickle
import random
import shutil
import sqlite3

import pytest

from archive.errors import InputFileError, all_error_types

from .conftest import ROOT, run_archive
from testkit.reflow import reflow

PLUGIN = ROOT / "tests" / "plugins" / "faulty_engines.py"
N_TEXT = 12


def test_every_error_type_survives_pickling():
    types = all_error_types()
    assert len(types) >= 6
    for cls in types:
        args = ("scans/p 1.png", "truncated") if issubclass(cls, InputFileError) else ("some reason",)
        err = cls(*args)
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is cls and str(back) == str(err) and back.args == err.args
        assert back.exit_code == err.exit_code
        if isinstance(err, InputFileError):
            assert (back.path, back.reason) == ("scans/p 1.png", "truncated")


@pytest.fixture(scope="module")
def batch(tmp_path_factory, gold):
    """Text pages (no OCR engine runs on them) around one scanned page (the engine runs)."""
    d = tmp_path_factory.mktemp("faults")
    for k in range(N_TEXT):
        text, _ = reflow(gold["articles"], random.Random(300 + k), "zh")
        (d / f"page_{k:02d}.txt").write_text(text, encoding="utf-8")
    shutil.copy(ROOT / "raw_pages" / "rendered_01_00.jpg", d / "page_05_scan.jpg")
    return d


def _check(proc, db_path, reason):
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "page_05_scan.jpg" in errors[0] and reason in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenProcessPool" not in proc.stderr
    con = sqlite3.connect(db_path)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    rows = con.execute("select source_path, status from pages").fetchall()
    assert sorted(s for _, s in rows) == ["error"] + ["ok"] * N_TEXT
    assert con.execute("select count(*) from articles").fetchone()[0] >= 3 * N_TEXT


@pytest.mark.parametrize("engine,code,reason", [
    ("sigkill", 15, "worker process died"),
    ("bug", 15, "RuntimeError: injected bug"),
    ("unpicklable", 15, "cannot be unpickled"),
])
def test_one_failing_page_fails_alone_in_a_process_pool(batch, tmp_path, engine, code, reason):
    db_path = tmp_path / "a.db"
    proc = run_archive("ingest", batch, "--db", db_path, "-q", "--workers", "2",
                       "--plugin", PLUGIN, "--engine", engine)
    assert proc.returncode == code, proc.stderr
    _check(proc, db_path, reason)


def test_a_killed_dask_worker_fails_only_its_page(batch, tmp_path):
    pytest.importorskip("distributed")
    db_path = tmp_path / "a.db"
    proc = run_archive("ingest", batch, "--db", db_path, "-q", "--executor", "dask", "--workers", "2",
                       "--plugin", PLUGIN, "--engine", "sigkill")
    assert proc.returncode == 15, proc.stderr
    _check(proc, db_path, "worker process died")


def test_unknown_engine_is_a_usage_error(tmp_path):
    proc = run_archive("ingest", ROOT / "seeds", "--db", tmp_path / "a.db", "--engine", "nope")
    assert proc.returncode == 1 and "nope" in proc.stderr and "tesseract" in proc.stderr
    assert not (tmp_path / "a.db").exists()
