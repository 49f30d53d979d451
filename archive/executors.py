"""Where pages are processed: in this process, in a local process pool, or on Dask.

Every executor only runs ``batch.safe_process`` on picklable ``PageContext`` objects
and hands back plain results; the one SQLite writer stays in the parent process whatever
runs the pages. An executor is ``submit(fn, arg) -> future`` (``future.result()``) plus
``workers`` and ``close()``: the shape ``concurrent.futures`` and ``distributed.Client``
share. For a worker that dies under a page, ``lost(exc)`` tells a lost worker from
any other failure, ``shared_fate`` says whether the other pages in flight were lost
with it (a process pool breaks for good), and ``restart()`` makes a new pool.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool

from .errors import ArchiveError, ClusterError, MissingDependencyError

EXECUTORS = ("processes", "dask")
CONNECT_TIMEOUT = "10s"  # a scheduler that does not answer by then is reported, not waited for


def one_thread() -> None:
    """A pool worker's OpenCV runs on one thread, as its Tesseract does: the pool is
    the parallelism, and threads on top of it only fight over the same cores. Ctrl-C
    reaches the whole process group: the parent alone answers it (a worker would print
    a traceback of its own)."""
    import signal

    import cv2

    cv2.setNumThreads(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Inline:
    """Runs each page when it is submitted: one worker, no pickling, easiest to debug."""

    workers = 1
    shared_fate = False

    def lost(self, exc: BaseException) -> bool:
        return False

    def submit(self, fn, arg):
        fut = cf.Future()
        fut.set_result(fn(arg))
        return fut

    def restart(self):
        pass

    def close(self):
        pass


class Processes:
    """A local process pool. Fork keeps start-up cheap; each worker loads its OCR engine once."""

    shared_fate = True

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = self._new_pool()

    def lost(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def _new_pool(self):
        return cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                      initializer=one_thread)

    def submit(self, fn, arg):
        return self._pool.submit(fn, arg)

    def restart(self):
        """A worker died and the pool is broken for good: start a new one."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self):
        self._pool.shutdown(cancel_futures=True)


class Dask:
    """Pages sent to a Dask distributed cluster. Workers need this package installed and
    the source files at the same (absolute) paths; results come back to the caller, which
    stays the only writer. Without a scheduler address a LocalCluster of ``workers``
    single-threaded worker processes is started (and stopped on close)."""

    def __init__(self, scheduler: str | None, workers: int):
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:
            raise MissingDependencyError("--executor dask needs Dask: pip install 'newspaper-archive[dask]'") from e
        self._cluster = None
        if not logging.getLogger().isEnabledFor(logging.DEBUG):
            # Dask logs a worker's death with a traceback, on stderr of this process;
            # the batch reports the page in one line instead (-v shows Dask's own).
            for name in ("distributed", "tornado"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if scheduler:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            else:
                import dask

                # A task on a worker that died is suspected: with one task a worker at a
                # time (saturation 1), it is the page that killed it, and once is enough
                # to fail it (Dask's default, 3, lets one page kill three workers).
                with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                                      "distributed.scheduler.worker-saturation": 1.0}):
                    self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                 dashboard_address=":0", silence_logs=logging.ERROR)
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as e:
            raise ClusterError(f"cannot reach the Dask scheduler {scheduler}: {e}") from e
        self.workers = max(1, sum(w.get("nthreads", 1) for w in
                                  self._client.scheduler_info()["workers"].values()))
        self._client.run(one_thread)

    shared_fate = False  # Dask reschedules the other tasks of a dead worker itself

    def lost(self, exc: BaseException) -> bool:
        from distributed import KilledWorker

        return isinstance(exc, KilledWorker)

    def submit(self, fn, arg):
        # pure=False: two pages with equal contexts are still two tasks
        return self._client.submit(fn, arg, pure=False)

    def restart(self):
        pass  # the nanny replaces a dead worker

    def close(self):
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str = "processes", *, workers: int | None = None, scheduler: str | None = None,
                  pages: int | None = None):
    """The executor a run asked for. ``pages`` lets a run with nothing to do, or one
    page, skip the pool (and the cluster)."""
    if pages == 0:
        return Inline()
    if kind == "dask":
        return Dask(scheduler, workers or os.cpu_count() or 1)
    if kind != "processes":
        raise ArchiveError(f"unknown executor {kind!r}: choose one of {', '.join(EXECUTORS)}")
    workers = workers or os.cpu_count() or 1
    if workers == 1 or (pages is not None and pages <= 1):
        return Inline()
    return Processes(workers)
