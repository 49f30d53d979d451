"""Crash safety by construction (issue 13): the writer killed (SIGKILL) as it starts a
given SQL statement, through the ARCHIVE_KILL_AT_STATEMENT test hook, at statements of
the schema's creation and of the pages' writes; the next run completes the archive,
which then holds what one built without a kill holds, and both full-text indexes find
exactly what a LIKE scan finds. ``benchmarks/fault_injection.py`` kills at every one."""

import shutil

import pytest

from testkit import faults

from .conftest import ROOT, SEED


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("crash")
    shutil.copy(SEED, d / "a.txt")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    (d / "b.txt").write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    return d


def test_a_kill_at_any_statement_is_completed_by_the_next_run(batch_dir, tmp_path):
    """Every third statement of the schema's creation, every 25th of the pages' writes."""
    reference = tmp_path / "reference.db"
    faults.finish(batch_dir, reference)
    want = faults.search_agrees(reference)
    assert want > 0
    empty = tmp_path / "empty"
    empty.mkdir()
    schema = faults.statements(empty, tmp_path / "s.db", ROOT)
    total = faults.statements(batch_dir, tmp_path / "t.db", ROOT)
    assert 20 < schema < total
    for at in list(range(1, schema + 1, 3)) + list(range(schema + 1, total + 1, 25)):
        faults.kill_and_finish(batch_dir, tmp_path / f"k{at}.db", at, want, files=2, cwd=ROOT)
