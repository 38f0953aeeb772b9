"""Where the embedded default inputs live: in the project folder, whatever the working folder is."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CORPUS = PROJECT_ROOT / "data" / "corpus"
REFERENCE_FIGURES = PROJECT_ROOT / "data" / "statistics" / "reference_figures.csv"
WORLD_BANK_SNAPSHOTS = PROJECT_ROOT / "data" / "statistics" / "worldbank"
CURATION = PROJECT_ROOT / "curation"
