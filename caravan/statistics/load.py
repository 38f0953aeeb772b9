"""The official figures a build uses: the recorded reference figures, plus the newest World Bank snapshot."""

from __future__ import annotations

from pathlib import Path

from caravan.statistics.official_figures import read_reference_csv
from caravan.statistics.worldbank import latest_snapshot, read_snapshot


def load_official_figures(reference_csv: Path, snapshots_folder: Path) -> tuple[list[dict], Path | None]:
    """Every official row, and the snapshot used (None when no snapshot was recorded yet)."""
    rows = read_reference_csv(Path(reference_csv))
    snapshot = latest_snapshot(Path(snapshots_folder))
    if snapshot is not None:
        rows += read_snapshot(snapshot)
    return rows, snapshot
