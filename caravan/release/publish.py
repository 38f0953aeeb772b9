"""Publishing a finished release to object storage (``s3://bucket/prefix``) or a folder, through fsspec.

Layout under the target: ``<target>/<version>/<file>`` for every file of the release, ``<target>/index.json``
(every published version, newest first, in the same form as the local ``releases/index.json``) and
``<target>/latest.json`` (``{"version": ...}``).

A published release is immutable: a version whose remote ``datapackage.json`` differs from the local one is
refused, and publishing the same release again writes nothing. The order of writes is what keeps readers
safe: the data files, then ``datapackage.json`` (the mark of a complete release), each checked by size and
by SHA-256 read back against ``SHA256SUMS``; only then ``index.json`` and last ``latest.json``. An upload
that fails part-way leaves the previous index and latest untouched, and running it again completes it.

S3 settings come from ``storage_options`` (s3fs's arguments, e.g. ``{"client_kwargs": {"endpoint_url": ...}}``)
or from the usual variables: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, AWS_REGION.
s3:// targets need the optional extra ``caravan[s3]`` (s3fs).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import fsspec
from fsspec.implementations.local import LocalFileSystem

from caravan.release.writer import VERSION_FORM
from caravan.store.tables import TABLES

log = logging.getLogger(__name__)

PACKAGE = "datapackage.json"
CHECKSUMS = "SHA256SUMS"
S3_PROTOCOLS = ("s3", "s3a")


class PublishError(RuntimeError):
    """Publishing did not complete; the message names the target and the cause."""

    def __init__(self, target: str, problem: str):
        super().__init__(f"publishing to {target}: {problem}")
        self.target, self.problem = target, problem


def _version_key(version: str) -> list[int]:
    return [int(x) for x in version.split(".")]


# --- The local release ---------------------------------------------------------------------------------------


def _read_release(release_dir: Path) -> tuple[dict, bytes, dict[str, tuple[int, str]]]:
    """The release's data package (parsed and raw) and, per file, its size and SHA-256, checked on disk.

    A release whose files disagree with its own SHA256SUMS is refused before anything is uploaded. Files the
    sums do not list (SHA256SUMS itself, the index.html page rendered after it) are published too, and
    checked after upload against the SHA-256 of the local file.
    """
    where = str(release_dir)
    try:
        package_bytes = (release_dir / PACKAGE).read_bytes()
        sums_text = (release_dir / CHECKSUMS).read_text(encoding="utf-8")
        package = json.loads(package_bytes)
        version = package["version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishError(where, f"not a release folder ({type(exc).__name__}: {exc})") from exc
    if not isinstance(version, str) or not VERSION_FORM.match(version) or release_dir.name != version:
        raise PublishError(where, f"release version {version!r} does not name its folder {release_dir.name!r}")

    expected = {}
    for line in sums_text.splitlines():
        digest, _, name = line.partition("  ")
        # Names are paths inside the release (validation/… holds the Data Docs); never outside it.
        if not name or name.startswith(("/", ".")) or ".." in name.split("/"):
            raise PublishError(where, f"{CHECKSUMS}: unexpected line {line!r}")
        expected[name] = digest
    on_disk = {p.relative_to(release_dir).as_posix() for p in release_dir.rglob("*")
               if p.is_file() and not p.name.startswith(".")}
    if missing := sorted(set(expected) - on_disk):
        raise PublishError(where, f"files listed in {CHECKSUMS} are missing: {missing}")

    files = {}
    for name in sorted(on_disk):
        with open(release_dir / name, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
        if name in expected and digest != expected[name]:
            raise PublishError(where, f"{name} does not match its SHA-256 in {CHECKSUMS}")
        files[name] = ((release_dir / name).stat().st_size, digest)
    return package, package_bytes, files


def _index_entry(package: dict) -> dict:
    """One release in index.json, as ``caravan.release.writer.write_index`` writes it locally."""
    return {"version": package["version"], "path": f"{package['version']}/",
            "rows": {r["name"]: r["rows"] for r in package["resources"] if r["name"] in TABLES}}


# --- The target ----------------------------------------------------------------------------------------------


def _s3_options(storage_options: dict) -> dict:
    """s3fs options with endpoint and region filled from AWS_ENDPOINT_URL / AWS_REGION when not given.

    botocore reads the keys by itself, and AWS_ENDPOINT_URL too, but not AWS_REGION; setting both here
    also lets error messages name the endpoint that failed.
    """
    options = dict(storage_options)
    client_kwargs = dict(options.get("client_kwargs") or {})
    if "endpoint_url" not in client_kwargs and "endpoint_url" not in options and os.environ.get("AWS_ENDPOINT_URL"):
        client_kwargs["endpoint_url"] = os.environ["AWS_ENDPOINT_URL"]
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if "region_name" not in client_kwargs and region:
        client_kwargs["region_name"] = region
    options["client_kwargs"] = client_kwargs
    return options


def _describe(target: str, options: dict) -> str:
    endpoint = options.get("endpoint_url") or (options.get("client_kwargs") or {}).get("endpoint_url")
    return f"{target} (endpoint {endpoint})" if endpoint else target


@contextmanager
def _remote(where: str, doing: str) -> Iterator[None]:
    """Any failure of the storage layer becomes a PublishError saying what was being done where."""
    try:
        yield
    except PublishError:
        raise
    except Exception as exc:  # s3fs and botocore raise their own types; the message keeps the type's name
        raise PublishError(where, f"{doing}: {type(exc).__name__}: {exc}") from exc


def _open_target(target: str, storage_options: dict | None) -> tuple[fsspec.AbstractFileSystem, str, str]:
    protocol = fsspec.core.split_protocol(target)[0]
    options = dict(storage_options or {})
    if protocol in S3_PROTOCOLS:
        options = _s3_options(options)
    where = _describe(target, options)
    # A fresh instance: fsspec's cache would otherwise keep one made with earlier credentials or variables.
    with _remote(where, "opening the target"):
        try:
            fs, root = fsspec.core.url_to_fs(target, skip_instance_cache=True, **options)
        except ImportError as exc:
            raise PublishError(where, f"{exc} (install the optional extra: pip install 'caravan[s3]')") from exc
    root = root.rstrip("/")
    with _remote(where, "checking the target"):
        if isinstance(fs, LocalFileSystem):
            fs.makedirs(root, exist_ok=True)
        else:
            # Checked first because writing into a missing bucket fails only after the first upload,
            # and because s3fs's makedirs would create the bucket instead of reporting it.
            bucket = root.split("/", 1)[0]
            try:
                fs.info(bucket)
            except FileNotFoundError as exc:
                raise PublishError(where, f"bucket {bucket!r} does not exist") from exc
    return fs, root, where


def _read_remote(fs: fsspec.AbstractFileSystem, path: str) -> bytes | None:
    try:
        return fs.cat_file(path)
    except FileNotFoundError:
        return None


def _write_json(fs: fsspec.AbstractFileSystem, path: str, data: bytes) -> None:
    """One object PUT is atomic on object storage; on a local disk, write beside it and rename."""
    if isinstance(fs, LocalFileSystem):
        fs.pipe_file(path + ".tmp", data)
        fs.mv(path + ".tmp", path)
    else:
        # Served as JSON to browsers and HTTP clients (put_file guesses the type for release files; pipe_file doesn't).
        fs.pipe_file(path, data, **({"ContentType": "application/json"} if "s3" in fs.protocol else {}))


def _verify(fs: fsspec.AbstractFileSystem, path: str, size: int, digest: str) -> str | None:
    """Why the object at ``path`` is not the expected file, or None when it is (size, then SHA-256 read back)."""
    remote_size = fs.info(path)["size"]
    if remote_size != size:
        return f"size {remote_size}, expected {size}"
    with fs.open(path, "rb") as fh:
        remote_digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return None if remote_digest == digest else f"SHA-256 {remote_digest}, expected {digest}"


def _merged_index(fs: fsspec.AbstractFileSystem, root: str, where: str, package: dict) -> tuple[dict, bytes | None]:
    """The remote index with this release added (newest first), and the remote index's bytes as they were."""
    current = _read_remote(fs, f"{root}/index.json")
    entries = []
    if current is not None:
        try:
            entries = json.loads(current)["releases"]
            malformed = [e["version"] for e in entries if not VERSION_FORM.match(e["version"])]
        except (ValueError, KeyError, TypeError) as exc:
            raise PublishError(where, f"{fs.unstrip_protocol(root)}/index.json is not a release index ({exc})") from exc
        if malformed:
            raise PublishError(where, f"index.json lists versions that are not calendar versions: {malformed}")
    entries = [e for e in entries if e["version"] != package["version"]] + [_index_entry(package)]
    entries.sort(key=lambda e: _version_key(e["version"]), reverse=True)
    return {"latest": entries[0]["version"], "releases": entries}, current


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- Publishing ----------------------------------------------------------------------------------------------


def publish_release(release_dir: Path, target: str, storage_options: dict | None = None) -> list[str]:
    """Upload ``release_dir`` to ``<target>/<version>/`` and update ``<target>/index.json`` and ``latest.json``.

    Returns the URLs written, in the order written; an empty list means the release was already published
    there, complete and identical, and the index already listed it. Raises PublishError otherwise.
    """
    release_dir = Path(release_dir).resolve()  # releases/latest is a link to the version's folder
    package, package_bytes, files = _read_release(release_dir)
    version = package["version"]
    fs, root, where = _open_target(target, storage_options)
    base = f"{root}/{version}"
    url = fs.unstrip_protocol
    written: list[str] = []

    with _remote(where, f"reading {url(base)}/{PACKAGE}"):
        remote_package = _read_remote(fs, f"{base}/{PACKAGE}")
    if remote_package is not None and remote_package != package_bytes:
        raise PublishError(where, f"{url(base)}/ already holds release {version} with a different {PACKAGE}; "
                                  "published releases are immutable: build and publish a new version")
    if remote_package is None:
        todo = [n for n in sorted(files) if n != PACKAGE]
    else:
        # The same release was published before: datapackage.json is written last, so the files should all
        # be there; re-upload only any that are missing or cut short.
        with _remote(where, f"listing {url(base)}/"):
            fs.invalidate_cache()
            prefix = fs._strip_protocol(base).rstrip("/") + "/"
            sizes = {name.removeprefix(prefix): info["size"] for name, info in fs.find(base, detail=True).items()}
        todo = [n for n in sorted(files) if n != PACKAGE and sizes.get(n) != files[n][0]]

    if isinstance(fs, LocalFileSystem):
        with _remote(where, f"creating {url(base)}/"):
            fs.makedirs(base, exist_ok=True)
    for name in todo + ([PACKAGE] if remote_package is None else []):
        path = f"{base}/{name}"
        with _remote(where, f"uploading {url(path)}"):
            if "/" in name and isinstance(fs, LocalFileSystem):
                fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(release_dir / name), path)
        with _remote(where, f"checking {url(path)}"):
            problem = _verify(fs, path, *files[name])
        if problem:
            raise PublishError(where, f"{url(path)} does not match the release after upload: {problem}")
        written.append(url(path))

    # Only now, with every file of the release in place and checked, do readers get to see it.
    with _remote(where, f"updating {url(root)}/index.json"):
        index, current_index = _merged_index(fs, root, where, package)
        if _json_bytes(index) != current_index:
            _write_json(fs, f"{root}/index.json", _json_bytes(index))
            written.append(url(f"{root}/index.json"))
    latest = _json_bytes({"version": index["latest"]})
    with _remote(where, f"updating {url(root)}/latest.json"):
        if _read_remote(fs, f"{root}/latest.json") != latest:
            _write_json(fs, f"{root}/latest.json", latest)
            written.append(url(f"{root}/latest.json"))

    if written:
        log.info("release %s published to %s: %d objects written", version, url(base), len(written))
    else:
        log.info("release %s is already published at %s, identical; nothing to do", version, url(base))
    return written
