"""Deployment packages: checks at upload and unpacking (no HTTP)."""

from __future__ import annotations

import base64
import hashlib
import io
import stat
import zipfile
from pathlib import Path

import pytest

from redrive.errors import ServiceError
from redrive.services.lambda_ import code
from tests.services.lambda_.conftest import HANDLER_SOURCE, ZIP_TIME, make_zip


def zip_with_symlink(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("handler.py", ZIP_TIME), HANDLER_SOURCE)
        link = zipfile.ZipInfo(name, ZIP_TIME)
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, target)
    return buffer.getvalue()


def test_inspect_describes_the_package() -> None:
    package = make_zip({"handler.py": HANDLER_SOURCE, "lib/util.py": "X = 1\n"})
    info = code.inspect(package)
    digest = hashlib.sha256(package).digest()
    assert info.sha256 == base64.b64encode(digest).decode()
    assert info.sha256_hex == digest.hex()
    assert info.size == len(package)
    assert info.unzipped_size == len(HANDLER_SOURCE) + len("X = 1\n")


def test_an_empty_archive_is_a_package() -> None:
    buffer = io.BytesIO()
    zipfile.ZipFile(buffer, "w").close()
    assert code.inspect(buffer.getvalue()).unzipped_size == 0


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04broken", b"plain text"])
def test_inspect_refuses_what_is_not_a_zip(data: bytes) -> None:
    with pytest.raises(ServiceError) as exc:
        code.inspect(data)
    assert exc.value.message == (
        "Could not unzip uploaded file. Please check your file, then try to upload again."
    )


@pytest.mark.parametrize("entry", ["/abs.py", "../up.py", "a/../../up.py", "a/.."])
def test_inspect_refuses_entries_outside_the_package(entry: str) -> None:
    with pytest.raises(ServiceError) as exc:
        code.inspect(make_zip({entry: "x = 1\n"}))
    assert exc.value.code == "InvalidParameterValueException"
    assert repr(entry) in exc.value.message


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside", ""])
def test_inspect_refuses_links_out_of_the_package(target: str) -> None:
    with pytest.raises(ServiceError):
        code.inspect(zip_with_symlink("lib/link", target))


def test_links_inside_the_package_are_kept(tmp_path: Path) -> None:
    package = zip_with_symlink("alias.py", "handler.py")
    info = code.inspect(package)
    unpacked = code.unpack(package, info.sha256_hex, tmp_path)
    assert (unpacked / "alias.py").is_symlink()
    assert (unpacked / "alias.py").read_text() == HANDLER_SOURCE


def test_inspect_refuses_more_than_250_mb_unzipped() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        big = zipfile.ZipInfo("big.bin", ZIP_TIME)
        big.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(big, "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(250):
                member.write(chunk)
    with pytest.raises(ServiceError) as exc:
        code.inspect(buffer.getvalue())
    assert exc.value.message == "Unzipped size must be smaller than 262144000 bytes"


def test_inspect_refuses_more_than_50_mb_zipped() -> None:
    with pytest.raises(ServiceError) as exc:
        code.inspect(b"\0" * (52_428_800 + 1))
    assert (exc.value.code, exc.value.status) == ("RequestEntityTooLargeException", 413)
    assert exc.value.message == "Zipped size must be smaller than 52428800 bytes"


def test_backslashes_are_part_of_file_names(tmp_path: Path) -> None:
    package = make_zip({"lib\\util.py": "x = 1\n", "..\\x": "", "./handler.py": HANDLER_SOURCE})
    info = code.inspect(package)
    unpacked = code.unpack(package, info.sha256_hex, tmp_path)
    assert sorted(p.name for p in unpacked.iterdir()) == ["..\\x", "handler.py", "lib\\util.py"]


def test_unpack_is_idempotent(tmp_path: Path) -> None:
    package = make_zip({"handler.py": HANDLER_SOURCE, "data/x.json": "{}"})
    info = code.inspect(package)
    first = code.unpack(package, info.sha256_hex, tmp_path)
    assert first == tmp_path / info.sha256_hex
    assert (first / "data" / "x.json").read_text() == "{}"
    (first / "marker").write_text("kept")
    assert code.unpack(package, info.sha256_hex, tmp_path) == first
    assert (first / "marker").read_text() == "kept"
    # no staging directories are left behind
    assert [p.name for p in tmp_path.iterdir()] == [info.sha256_hex]


def test_unpack_keeps_modes_and_defaults_missing_ones(tmp_path: Path) -> None:
    package = make_zip(
        {"run.sh": "#!/bin/sh\n", "ro.txt": "r", "plain.py": "p = 1\n"},
        modes={"run.sh": 0o755, "ro.txt": 0o444},
    )
    info = code.inspect(package)
    unpacked = code.unpack(package, info.sha256_hex, tmp_path)
    assert stat.S_IMODE((unpacked / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((unpacked / "ro.txt").stat().st_mode) == 0o444
    assert stat.S_IMODE((unpacked / "plain.py").stat().st_mode) == 0o644
