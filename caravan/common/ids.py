"""Stable identifiers: the same content always gives the same id, across runs and machines."""

from __future__ import annotations

import hashlib
import json
from json.encoder import c_make_encoder, encode_basestring
from pathlib import Path
from typing import Iterable


# One encoder for every id: json.dumps with options builds a new one at each call, which cost more than the hash.
_ID_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
# Its C function, made once with its options (``encode`` makes it anew at each call, which cost more than the hash);
# no check for circular parts: an id's parts are strings, numbers and None.
_ENCODE = c_make_encoder and c_make_encoder(None, str, encode_basestring, None, ":", ",", True, False, True)


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """Hash ``parts`` (JSON-encoded, so types and order matter) into ``prefix_<hex>``."""
    payload = "".join(_ENCODE(parts, 0)) if _ENCODE else _ID_ENCODER.encode(parts)
    return f"{prefix}_{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:length]}"


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
