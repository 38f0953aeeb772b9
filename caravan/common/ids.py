"""Stable identifiers: the same content always gives the same id, across runs and machines."""

from __future__ import annotations

import hashlib
import json
import math
from json.encoder import encode_basestring
from pathlib import Path
from typing import Iterable


# One encoder for every id: json.dumps with options builds a new one at each call, which cost more than the hash.
_ID_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """Hash ``parts`` (JSON-encoded, so types and order matter) into ``prefix_<hex>``."""
    payload = _json_of_parts(parts)
    return f"{prefix}_{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:length]}"


def _json_of_parts(parts: tuple) -> str:
    """``_ID_ENCODER.encode(parts)``, written here where each part is a str, an int, a finite float or None, as the
    encoder writes them (its own call sets up an encoder anew each time: most of the cost of an id)."""
    try:
        return "[" + ",".join([_WRITERS[type(part)](part) for part in parts]) + "]"
    except (KeyError, ValueError):  # a part of another type, or a float the encoder writes otherwise
        return _ID_ENCODER.encode(parts)


def _finite_float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(value)
    return float.__repr__(value)


# The writers of the encoder (ensure_ascii off: encode_basestring) for the exact types of most parts.
_WRITERS = {str: encode_basestring, int: int.__repr__, float: _finite_float, type(None): lambda _: "null"}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def files_digest(files: Iterable[tuple[str, Path]]) -> str:
    """SHA-256 of named files, each as its name and its bytes: the version of the code and data they hold."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
