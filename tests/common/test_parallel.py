"""Worker processes: one per core, but none started from a daemonic process (a Dask worker)."""

from __future__ import annotations

import multiprocessing
import os

from caravan.common.parallel import worker_count


def _count_in_daemon(queue) -> None:
    queue.put(worker_count())


def test_one_per_core_unless_asked_otherwise():
    assert worker_count() == (os.cpu_count() or 1)
    assert worker_count(3) == 3


def test_a_daemonic_process_does_its_work_itself():
    queue = multiprocessing.get_context("fork").Queue()
    proc = multiprocessing.get_context("fork").Process(target=_count_in_daemon, args=(queue,), daemon=True)
    proc.start()
    proc.join(30)
    assert queue.get(timeout=5) == 1
