"""Worker processes for a step's own work: how many, and a pool that keeps them busy batch after batch."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


def worker_count(requested: int | None = None) -> int:
    """``requested``, else one per core; one in a daemonic process (a Dask worker, say), which may not
    start processes of its own: there, the cluster's other workers are the parallelism."""
    if multiprocessing.current_process().daemon:
        return 1
    return requested or os.cpu_count() or 1


def map_batches(fn: Callable[[In], Out], batches: Iterable[list[In]], workers: int = 1,
                serial_below: int = 0) -> Iterator[tuple[list[In], Iterator[Out]]]:
    """Each batch with ``fn`` of its items, in order, batch after batch.

    One pool of forked workers (they inherit what the parent has loaded) serves every batch, and the
    next batch is handed to it before the last one's results go back to the caller: the workers go on
    while the caller stores, and only two batches are ever in flight. A batch smaller than
    ``serial_below`` is not worth sending: it is done here."""
    if workers <= 1:
        for batch in batches:
            yield batch, map(fn, batch)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        pending = None
        for batch in batches:
            if len(batch) < serial_below:
                running = iter([fn(item) for item in batch])
            else:
                running = pool.map(fn, batch, chunksize=max(1, len(batch) // (workers * 8)))
            if pending is not None:
                yield pending
            pending = (batch, running)
        if pending is not None:
            yield pending
