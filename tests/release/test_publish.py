"""Publishing releases to object storage: against moto's S3 server on 127.0.0.1, and to a local folder."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from itertools import count
from pathlib import Path

import pytest
import s3fs

from caravan.release.publish import PublishError, publish_release
from tests.conftest import SampleBuild
from tests.services import free_port, s3_server

VERSION = "2024.04.01"
_buckets = count(1)


@pytest.fixture(scope="module")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory):
    """moto's S3 server in a subprocess for the module's tests, stopped at the end."""
    with s3_server(tmp_path_factory.mktemp("moto")) as s3:
        yield s3.endpoint_url


@pytest.fixture(scope="module")
def release(sample_build: SampleBuild) -> Path:
    """One real release of the sample corpus, the build the test process shares (read only)."""
    assert sample_build.release.name == VERSION
    return sample_build.release


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Dummy credentials, and nothing from the machine's own AWS set-up (files, profiles, instance metadata)."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_MAX_ATTEMPTS",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def bucket(moto_endpoint: str, aws_env: None) -> str:
    """A new empty bucket for each test, so tests do not see each other's releases."""
    name = f"caravan-test-{next(_buckets)}"
    _s3(moto_endpoint).mkdir(name)
    return name


def _s3(endpoint: str) -> s3fs.S3FileSystem:
    return s3fs.S3FileSystem(key="testing", secret="testing", client_kwargs={"endpoint_url": endpoint},
                             skip_instance_cache=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _variant(release: Path, dest: Path, version: str, note: str) -> Path:
    """A copy of ``release`` as release ``version`` whose data package differs (synthetic: not a real build)."""
    folder = dest / version
    shutil.copytree(release, folder)
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    package["version"] = version
    package["description"] += f" {note}"
    (folder / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n", encoding="utf-8")
    listed = [line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()]
    sums = "".join(f"{_sha256(folder / name)}  {name}\n" for name in listed)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return folder


def _release_files(release: Path) -> list[str]:
    """Every file of the release, as a path inside it (validation/ holds the Data Docs)."""
    return sorted(p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file())


# --- S3 (moto server) ---------------------------------------------------------------------------------------


def test_publish_to_s3_uploads_every_file_and_a_second_run_is_a_no_op(
        release: Path, moto_endpoint: str, bucket: str, monkeypatch: pytest.MonkeyPatch, caplog):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)  # settings from the environment only
    target = f"s3://{bucket}/caravan/releases"
    written = publish_release(release, target)

    prefix = f"{bucket}/caravan/releases"
    names = _release_files(release)
    assert written[:len(names)] == [f"{target}/{VERSION}/{n}" for n in names if n != "datapackage.json"] + \
        [f"{target}/{VERSION}/datapackage.json"]  # the data package, the mark of a complete release, comes last
    assert written[len(names):] == [f"{target}/index.json", f"{target}/latest.json"]

    fs = _s3(moto_endpoint)
    assert sorted(fs.find(bucket)) == sorted([f"{prefix}/{VERSION}/{n}" for n in names]
                                             + [f"{prefix}/index.json", f"{prefix}/latest.json"])
    for name in names:
        assert fs.cat_file(f"{prefix}/{VERSION}/{name}") == (release / name).read_bytes(), name
    assert json.loads(fs.cat_file(f"{prefix}/latest.json")) == {"version": VERSION}
    assert fs.info(f"{prefix}/latest.json", refresh=True)["ContentType"] == "application/json"
    index = json.loads(fs.cat_file(f"{prefix}/index.json"))
    local_index = json.loads((release.parent / "index.json").read_text(encoding="utf-8"))
    assert index == local_index  # same form as the local releases/index.json

    before = {p: fs.info(p)["LastModified"] for p in fs.find(bucket)}
    with caplog.at_level(logging.INFO, logger="caravan.release.publish"):
        assert publish_release(release.parent / "latest", target) == []
    assert "already published" in caplog.text
    fs.invalidate_cache()
    assert {p: fs.info(p)["LastModified"] for p in fs.find(bucket)} == before


def test_a_different_release_under_a_published_version_is_refused(
        release: Path, moto_endpoint: str, bucket: str, tmp_path: Path):
    options = {"client_kwargs": {"endpoint_url": moto_endpoint}}  # settings from storage_options
    target = f"s3://{bucket}/releases"
    publish_release(release, target, options)
    other = _variant(release, tmp_path, VERSION, "Rebuilt with other rules.")

    with pytest.raises(PublishError, match=rf"s3://{bucket}/releases/{VERSION}/ already holds .*immutable"):
        publish_release(other, target, options)
    fs = _s3(moto_endpoint)
    assert fs.cat_file(f"{bucket}/releases/{VERSION}/datapackage.json") == (release / "datapackage.json").read_bytes()
    assert fs.cat_file(f"{bucket}/releases/{VERSION}/SHA256SUMS") == (release / "SHA256SUMS").read_bytes()


def test_a_second_version_updates_index_and_latest(release: Path, moto_endpoint: str, bucket: str, tmp_path: Path):
    options = {"client_kwargs": {"endpoint_url": moto_endpoint}}
    target = f"s3://{bucket}/releases"
    fs = _s3(moto_endpoint)
    publish_release(release, target, options)
    second = _variant(release, tmp_path, "2024.04.08", "Second release.")

    written = publish_release(second, target, options)
    assert written[-2:] == [f"{target}/index.json", f"{target}/latest.json"]
    index = json.loads(fs.cat_file(f"{bucket}/releases/index.json"))
    assert index["latest"] == "2024.04.08"
    assert [e["version"] for e in index["releases"]] == ["2024.04.08", VERSION]
    assert [e["path"] for e in index["releases"]] == ["2024.04.08/", f"{VERSION}/"]
    assert json.loads(fs.cat_file(f"{bucket}/releases/latest.json")) == {"version": "2024.04.08"}

    # An older version published afterwards joins the index in its place but does not become latest.
    older = _variant(release, tmp_path, "2024.03.25", "An earlier release published late.")
    publish_release(older, target, options)
    index = json.loads(fs.cat_file(f"{bucket}/releases/index.json"))
    assert [e["version"] for e in index["releases"]] == ["2024.04.08", VERSION, "2024.03.25"]
    assert json.loads(fs.cat_file(f"{bucket}/releases/latest.json")) == {"version": "2024.04.08"}


def test_an_unreachable_endpoint_is_named_and_nothing_is_written(
        release: Path, moto_endpoint: str, bucket: str, monkeypatch: pytest.MonkeyPatch):
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there once the probe socket is closed
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # botocore would otherwise retry with back-off for seconds
    target = f"s3://{bucket}/releases"
    with pytest.raises(PublishError, match=rf"{target} \(endpoint {closed}\).*EndpointConnectionError"):
        publish_release(release, target, {"client_kwargs": {"endpoint_url": closed}})
    assert _s3(moto_endpoint).find(bucket) == []


def test_a_missing_bucket_or_missing_credentials_is_an_error_naming_the_target(
        release: Path, moto_endpoint: str, bucket: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    with pytest.raises(PublishError, match=r"s3://no-such-bucket/releases .*bucket 'no-such-bucket' does not exist"):
        publish_release(release, "s3://no-such-bucket/releases")

    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(PublishError, match=rf"s3://{bucket}/releases .*NoCredentialsError"):
        publish_release(release, f"s3://{bucket}/releases")
    assert _s3(moto_endpoint).find(bucket) == []


# --- A local folder -----------------------------------------------------------------------------------------


def test_publish_to_a_local_folder(release: Path, tmp_path: Path):
    target = tmp_path / "mirror"
    written = publish_release(release, str(target))
    assert written[-1] == f"file://{target}/latest.json"
    for name in _release_files(release):
        assert (target / VERSION / name).read_bytes() == (release / name).read_bytes(), name
    assert json.loads((target / "latest.json").read_text(encoding="utf-8")) == {"version": VERSION}
    assert json.loads((target / "index.json").read_text(encoding="utf-8"))["latest"] == VERSION
    assert sorted(p.name for p in target.iterdir()) == [VERSION, "index.json", "latest.json"]  # no temporary files left
    assert publish_release(release, f"file://{target}/") == []


def test_a_failed_upload_leaves_index_and_latest_on_the_previous_release(release: Path, tmp_path: Path):
    target = tmp_path / "mirror"
    publish_release(release, str(target))
    second = _variant(release, tmp_path / "build", "2024.04.08", "Second release.")
    (target / "2024.04.08" / "quotes.parquet").mkdir(parents=True)  # a disk fault: the file cannot be written

    with pytest.raises(PublishError, match=rf"uploading file://{target}/2024.04.08/quotes.parquet"):
        publish_release(second, str(target))
    assert not (target / "2024.04.08" / "datapackage.json").exists()
    assert json.loads((target / "latest.json").read_text(encoding="utf-8")) == {"version": VERSION}
    index = json.loads((target / "index.json").read_text(encoding="utf-8"))
    assert [e["version"] for e in index["releases"]] == [VERSION]

    (target / "2024.04.08" / "quotes.parquet").rmdir()  # fault repaired: running again completes the release
    publish_release(second, str(target))
    assert (target / "2024.04.08" / "quotes.parquet").read_bytes() == (second / "quotes.parquet").read_bytes()
    assert json.loads((target / "latest.json").read_text(encoding="utf-8")) == {"version": "2024.04.08"}


def test_a_release_that_disagrees_with_its_checksums_is_not_published(release: Path, tmp_path: Path):
    tampered = tmp_path / "releases" / VERSION
    shutil.copytree(release, tampered)
    with open(tampered / "quotes.parquet", "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(PublishError, match="quotes.parquet does not match its SHA-256"):
        publish_release(tampered, str(tmp_path / "mirror"))
    assert not (tmp_path / "mirror").exists()
