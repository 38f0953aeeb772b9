"""Stable identifiers: the same content always gives the same id, across runs and machines."""

from __future__ import annotations

import hashlib
import json


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """Hash ``parts`` (JSON-encoded, so types and order matter) into ``prefix_<hex>``."""
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return f"{prefix}_{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:length]}"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
