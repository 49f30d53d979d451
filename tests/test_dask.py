"""Ingest on a Dask distributed cluster (issue 6): a LocalCluster of 2 worker processes
started here, the CLI pointed at its scheduler, the archive compared with a process-pool
run of the same files."""

import logging
import random
import shutil
import sqlite3

import pytest

from .conftest import ROOT, run_archive
from testkit.reflow import reflow

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def sources(tmp_path_factory, gold, tesseract):
    d = tmp_path_factory.mktemp("dask-batch")
    for k in range(30):
        text, _ = reflow(gold["articles"], random.Random(100 + k), "zh")
        (d / f"page_{k:02d}.txt").write_text(text, encoding="utf-8")
    # one scanned page, so a worker runs layout and Tesseract too
    for name in ("rendered_01_01.jpg", "rendered_01_01.jpg.meta.json"):
        shutil.copy(ROOT / "raw_pages" / name, d / name)
    return d


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as c:
        yield c


def contents(db_path):
    con = sqlite3.connect(db_path)
    try:
        return {
            "pages": con.execute("select source_path, page_number, status, width, height, title, date "
                                 "from pages order by source_path, page_number").fetchall(),
            "articles": con.execute("select p.source_path, a.reading_order, a.headline, a.byline, a.body "
                                    "from articles a join pages p on p.id = a.page_id "
                                    "order by p.source_path, a.reading_order").fetchall(),
            "repairs": con.execute("select count(*) from repairs").fetchone()[0],
            "integrity": con.execute("PRAGMA integrity_check").fetchone()[0],
        }
    finally:
        con.close()


def test_dask_cluster_ingest_equals_process_pool(sources, cluster, tmp_path):
    local = tmp_path / "local.db"
    run_archive("ingest", sources, "--db", local, "-q", "--workers", "2", check=True)

    client = distributed.Client(cluster)
    try:
        with distributed.get_task_stream(client) as stream:
            on_dask = tmp_path / "dask.db"
            proc = run_archive("ingest", sources, "--db", on_dask, "-q", "--executor", "dask",
                               "--scheduler", cluster.scheduler_address)
            assert proc.returncode == 0, proc.stderr
        workers = {t["worker"] for t in stream.data}
    finally:
        client.close()

    pages = 31
    assert len(stream.data) == pages, "every page is one task on the cluster"
    assert workers == set(cluster.scheduler_info["workers"]), "both workers ran pages"
    got, want = contents(on_dask), contents(local)
    assert got["integrity"] == "ok"
    assert len(got["pages"]) == pages and all(p[2] == "ok" for p in got["pages"])
    assert got == want
    # the scanned page really went through OCR on a worker
    assert any(p[3] and p[3] > 1000 for p in got["pages"])


def test_unreachable_scheduler_is_one_clear_error(sources, tmp_path):
    db = tmp_path / "a.db"
    proc = run_archive("ingest", sources, "--db", db, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 5
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "tcp://127.0.0.1:9" in lines[0], proc.stderr


def test_scheduler_without_dask_executor_is_a_usage_error(sources, tmp_path):
    proc = run_archive("ingest", sources, "--db", tmp_path / "a.db", "--scheduler", "tcp://127.0.0.1:9")
    assert proc.returncode == 1 and "--executor dask" in proc.stderr
