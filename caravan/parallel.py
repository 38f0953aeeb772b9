"""How many worker processes a step may start for its own work."""

from __future__ import annotations

import multiprocessing
import os


def worker_count(requested: int | None = None) -> int:
    """``requested``, else one per core; one in a daemonic process (a Dask worker, say), which may not
    start processes of its own: there, the cluster's other workers are the parallelism."""
    if multiprocessing.current_process().daemon:
        return 1
    return requested or os.cpu_count() or 1
