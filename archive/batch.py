"""A batch: the sources under the given paths, their pages sent to an executor a few
at a time, and the one writer that stores each file's pages as they come back.

Only this process writes SQLite. A page that fails comes back as an error (a typed
``ArchiveError``, which pickles), so one bad page fails only itself. A worker that dies
under a page (SIGKILL, out of memory) breaks a process pool and with it every page in
flight; the pool is rebuilt, and the pages that were in flight run again one at a
time, so the one that kills its worker is known and fails alone.
"""

from __future__ import annotations

import logging
import pickle
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import read, store
from .errors import ArchiveError, ExitCode, InputFileError, PageFailed
from .executors import make_executor
from .model import Options, PageContext, PageResult
from .pipeline import process_page

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    path: Path
    status: str  # ingested | unchanged | failed | partial
    pages: int = 0
    errors: list[ArchiveError] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return max((e.exit_code for e in self.errors), default=ExitCode.ok)


def safe_process(ctx: PageContext) -> PageResult | ArchiveError:
    """Worker entry: a page that fails comes back as its error, never as a crash, and
    the error is one that pickles (anything else is turned into a ``PageFailed``)."""
    try:
        return process_page(ctx)
    except ArchiveError as e:
        err = e
    except Exception as e:  # a bug in a stage must fail this page, not the batch
        log.debug("page failed", exc_info=True)
        err = PageFailed(ctx.source, f"page {ctx.page_number}: {type(e).__name__}: {e}")
    try:
        pickle.loads(pickle.dumps(err))
    except Exception:
        err = PageFailed(ctx.source, f"page {ctx.page_number}: {type(err).__name__}: {err}")
    return err


def ingest(paths: Iterable, db_path, options: Options, *, workers: int | None = None,
           executor: str = "processes", scheduler: str | None = None,
           on_page: Callable[[Path, int, int], None] | None = None,
           on_file: Callable[[Outcome], None] | None = None, force: bool = False,
           process: Callable = safe_process, on_wait: Callable[[], None] | None = None) -> list[Outcome]:
    """Ingest every source under ``paths`` into the archive at ``db_path``; files
    ingested before unchanged are skipped unless ``force``. Another ingest into the
    same archive is waited for (``on_wait`` is told)."""
    # The lock first: opening an archive may create or migrate its schema, a write that
    # would meet the other writer's (in WAL mode SQLite answers "locked" at once there,
    # without waiting).
    with store.writer_lock(db_path, on_wait):
        db = store.open_db(db_path)
        return _ingest(db, paths, db_path, options, workers, executor, scheduler, on_page, on_file, force, process)


def _ingest(db, paths, db_path, options, workers, executor, scheduler, on_page, on_file, force,
            process) -> list[Outcome]:
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)

    files: list[_File] = []
    for src in read.iter_sources(paths):
        if isinstance(src, InputFileError):  # nothing there to store an error row for
            done(Outcome(Path(src.path), "failed", errors=[src]))
            continue
        key = str(src.resolve())
        try:
            sha = read.sha256(src)
            if not force and store.unchanged(db, key, sha):
                done(Outcome(src, "unchanged"))
                continue
            n = read.page_count(src)
        except (ArchiveError, OSError) as e:
            err = e if isinstance(e, ArchiveError) else InputFileError(src, e.strerror or str(e))
            sha = _sha_or_none(src)
            store.pages_to_do(db, key, sha, 1)
            store.write_page(db, key, sha, (1, _reason(err)))
            done(Outcome(src, "failed", errors=[err]))
            continue
        numbers = store.pages_to_do(db, key, sha, n)
        if force:
            numbers = list(range(1, n + 1))
        if not numbers:
            done(Outcome(src, "unchanged"))
            continue
        # absolute paths: a Dask worker may run in another directory (or on another host)
        files.append(_File(src, key, sha, {**read.source_metadata(src), "source_pages": n}, n, len(numbers),
                           [PageContext(src.resolve(), i, options, sha256=sha) for i in numbers]))

    total = sum(len(f.ctxs) for f in files)
    touched: set[tuple] = set()  # issues with a page written: their jumps are linked again
    runner = None
    try:
        runner = make_executor(executor, workers=workers, scheduler=scheduler, pages=total)
        ctxs = _interleaved(files)
        owner = {id(c): f for f in files for c in f.ctxs}
        for count, (ctx, res) in enumerate(zip(ctxs, run_pages(runner, ctxs, process)), 1):
            f = owner[id(ctx)]
            # Each page is committed as it comes back: a kill loses only pages in flight,
            # and the next run reads only what is missing.
            if isinstance(res, ArchiveError):
                f.errors.append(res)
                store.write_page(db, f.key, f.sha, (ctx.page_number, _reason(res)), f.meta)
            else:
                store.write_page(db, f.key, f.sha, res, f.meta)
                if f.meta.get("title") and f.meta.get("date"):
                    touched.add((f.meta["title"], f.meta["date"], f.meta.get("edition") or "1"))
            f.left -= 1
            if on_page:
                on_page(f.path, count, total)
            if not f.left:
                status = ("ingested" if not f.errors else
                          "failed" if len(f.errors) == f.count else "partial")
                done(Outcome(f.path, status, pages=f.count - len(f.errors), errors=f.errors))
        if touched:
            store.link_jumps(db, touched)
    finally:
        if runner is not None:
            runner.close()
        db.conn.close()
    store.checkpoint(db_path)
    return outcomes


@dataclass(eq=False)
class _File:
    path: Path
    key: str
    sha: str
    meta: dict
    pages: int
    left: int
    ctxs: list[PageContext]
    errors: list[ArchiveError] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ctxs)


def _interleaved(files: list[_File]) -> list[PageContext]:
    """Pages taken from every file in turn, so that a 2,000-page PDF does not hold back
    the single pages behind it: each file is done after about (its pages x files) pages."""
    out: list[PageContext] = []
    for k in range(max((len(f.ctxs) for f in files), default=0)):
        out.extend(f.ctxs[k] for f in files if k < len(f.ctxs))
    return out


def run_pages(runner, ctxs: list[PageContext], process: Callable = safe_process) -> Iterator:
    """Each page's result (a ``PageResult`` or an ``ArchiveError``), in order, while the
    executor works ahead. At most a few pages per worker are in flight, so a batch of
    millions of pages holds neither all its futures nor all its results in memory."""
    window = max(2, 4 * runner.workers)
    pending: deque = deque()
    nxt = 0
    while nxt < len(ctxs) or pending:
        while nxt < len(ctxs) and len(pending) < window:
            pending.append((ctxs[nxt], _submit(runner, process, ctxs[nxt])))
            nxt += 1
        ctx, fut = pending.popleft()
        try:
            yield fut.result()
            continue
        except Exception as e:
            if not runner.lost(e):  # a cluster error, or a result that could not be unpickled
                yield PageFailed(ctx.source, f"page {ctx.page_number}: worker failed: {type(e).__name__}: {e}")
                continue
        # A worker died under a page. In a process pool every page in flight went down
        # with it, though one of them took it down.
        redo = [ctx]
        if runner.shared_fate:
            redo += [c for c, _ in pending]
            pending.clear()
            runner.restart()
        log.info("a worker died; %d page(s) run again one at a time", len(redo))
        for c in redo:
            yield _alone(runner, c, process)


def _submit(runner, process: Callable, ctx: PageContext):
    """A future for the page; a pool that broke since the last page refuses new work,
    and that refusal is this page's result, met when its turn comes."""
    try:
        return runner.submit(process, ctx)
    except Exception as e:
        fut: Future = Future()
        fut.set_exception(e)
        return fut


def _alone(runner, ctx: PageContext, process: Callable):
    """A page run with nothing else in flight (in a pool): if its worker dies now, the
    page is the cause."""
    try:
        return runner.submit(process, ctx).result()
    except Exception as e:
        if not runner.lost(e):
            return PageFailed(ctx.source, f"page {ctx.page_number}: worker failed: {type(e).__name__}: {e}")
        if runner.shared_fate:
            runner.restart()
        return PageFailed(ctx.source, f"page {ctx.page_number}: the worker process died reading it "
                                      "(killed, or out of memory)")


def _reason(err: ArchiveError) -> str:
    return err.reason if isinstance(err, InputFileError) else str(err)


def _sha_or_none(path: Path) -> str | None:
    try:
        return read.sha256(path)
    except OSError:
        return None
