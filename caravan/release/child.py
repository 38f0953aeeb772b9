"""A step of the release run by a child process of its own: the memory the step takes (DuckDB's buffers, Arrow's
pools, Python objects) goes with the child, and the build's long-lived process does not carry it.

The child is ``python -m <module> <request as JSON> <result file>``; the module's ``__main__`` calls ``serve``, which
pickles the step's result into the result file (pickled, not JSON: dates and tuples come back as they were), or
exits with the error's message."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
from typing import Any, Callable


class ChildProcess:
    """``python -m module`` with ``request``, started when this is made, so that the parent works meanwhile.
    ``result`` waits for it and returns what it served, or raises ``error(message)`` with the end of what it wrote
    on its standard error. Leaving the ``with`` block first (an error elsewhere, an interrupt) ends the child: no
    process is left writing into a release folder that is being removed."""

    def __init__(self, module: str, request: dict, error: Callable[[str], Exception],
                 env: dict[str, str] | None = None):
        self._error = error
        # A file, not a pipe: a child that filled a pipe nobody reads until it ends would wait forever.
        self._stderr = tempfile.TemporaryFile()
        handle, self._result = tempfile.mkstemp(prefix="caravan-child-", suffix=".pickle")
        os.close(handle)
        try:
            self._child = subprocess.Popen([sys.executable, "-m", module, json.dumps(request), self._result],
                                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
                                           env={**os.environ, **(env or {})})
        except BaseException:
            self._stderr.close()
            os.unlink(self._result)
            raise

    def result(self) -> Any:
        if self._child.wait() != 0:
            self._stderr.seek(0)
            raise self._error(self._stderr.read().decode("utf-8", errors="replace").strip()[-2000:])
        with open(self._result, "rb") as fh:
            return pickle.load(fh)

    def stop(self) -> None:
        """End the child now if it still runs: its work is not wanted."""
        if self._child.poll() is None:
            self._child.kill()
            self._child.wait()

    def __enter__(self) -> ChildProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
        self._stderr.close()
        os.unlink(self._result)


def serve(step: Callable[[dict], Any]) -> None:
    """The child's side: run ``step`` on the request and pickle its result into the result file; on an error, exit
    with its message alone (for the parent's error)."""
    try:
        result = step(json.loads(sys.argv[1]))
    except Exception as exc:
        sys.exit(f"{type(exc).__name__}: {exc}")
    with open(sys.argv[2], "wb") as fh:
        pickle.dump(result, fh)
