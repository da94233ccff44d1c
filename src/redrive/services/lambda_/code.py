"""Deployment packages: checking an uploaded zip, and unpacking it for execution environments.

A package is checked once, when it is uploaded (CreateFunction, UpdateFunctionCode):

* larger than 50 MB zipped: 413 ``RequestEntityTooLargeException`` ``Zipped size must be
  smaller than 52428800 bytes``;
* not a readable zip (bad structure, bad CRC, unsupported compression, encryption):
  ``Could not unzip uploaded file. Please check your file, then try to upload again.``;
* more than 250 MB once unzipped (counted while decompressing, so a lying header does not
  help): ``Unzipped size must be smaller than 262144000 bytes``;
* an entry that would land outside the package - an absolute path (``/x``), a ``..``
  component, or a symbolic link pointing out of the package: refused. AWS's handling of such
  entries is not documented; redrive refuses them at upload, loudly, rather than writing
  outside its directory or silently dropping files.

Entry names are read as on Linux, where Lambda unpacks them: ``/`` separates directories and a
backslash is part of a file name (a package zipped with Windows separators does not import on
AWS either).

Unpacking (:func:`unpack`) writes the package to ``<root>/<sha256 hex>`` once: identical code is
shared by every function that uploads it, and a directory that exists is complete (it is
written under a temporary name and renamed into place). File modes stored in the zip (Unix
``external_attr``) are kept, with owner-read added to files and owner-rwx to directories so the
worker (same user) can read them and redrive can remove them; entries without modes get 0644
(files) and 0755 (directories), as Lambda's documentation asks of packages.
"""

from __future__ import annotations

import base64
import hashlib
import io
import lzma
import os
import posixpath
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from redrive.errors import ServiceError
from redrive.services.lambda_ import constants as c
from redrive.services.lambda_ import errors

_CHUNK = 1 << 20
#: what reading a broken archive raises: bad structure or CRC (BadZipFile), bad compressed
#: data (zlib.error, LZMAError, OSError from bz2), encrypted entries (RuntimeError), unknown
#: compression methods (NotImplementedError)
_UNZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)
_UNIX = 3  # ZipInfo.create_system of archives made on Unix
_DEFAULT_FILE_MODE = 0o644
_DEFAULT_DIR_MODE = 0o755


@dataclass(frozen=True)
class CodeInfo:
    """What Lambda reports about a package."""

    #: base64 of the SHA-256 of the zip bytes, as ``CodeSha256`` shows it
    sha256: str
    #: the same digest in hex (names the unpacked directory)
    sha256_hex: str
    #: ``CodeSize``: the zip's size in bytes
    size: int
    unzipped_size: int


def inspect(data: bytes) -> CodeInfo:
    """Check an uploaded package (see the module docstring) and describe it."""
    if len(data) > c.CODE_SIZE_ZIPPED:
        raise errors.zipped_too_large(c.CODE_SIZE_ZIPPED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = _check_entries(archive)
    except ServiceError:
        raise
    except _UNZIP_ERRORS as exc:
        raise errors.cannot_unzip() from exc
    digest = hashlib.sha256(data)
    return CodeInfo(
        sha256=base64.b64encode(digest.digest()).decode(),
        sha256_hex=digest.hexdigest(),
        size=len(data),
        unzipped_size=unzipped,
    )


def _check_entries(archive: zipfile.ZipFile) -> int:
    total = 0
    for info in archive.infolist():
        _check_name(info.filename)
        if info.is_dir():
            continue
        if _is_symlink(info):
            _check_link(info.filename, archive.read(info).decode("utf-8", "replace"))
        with archive.open(info) as member:  # reading to the end checks the CRC
            while chunk := member.read(_CHUNK):
                total += len(chunk)
                if total >= c.CODE_SIZE_UNZIPPED:
                    raise errors.unzipped_too_large(c.CODE_SIZE_UNZIPPED)
    return total


def _check_name(name: str) -> None:
    if name.startswith("/") or ".." in name.split("/"):
        raise errors.unsafe_zip_entry(name)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == _UNIX and stat.S_ISLNK(info.external_attr >> 16)


def _check_link(name: str, target: str) -> None:
    if target.startswith("/") or not target:
        raise errors.unsafe_zip_entry(name)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if joined == ".." or joined.startswith("../"):
        raise errors.unsafe_zip_entry(name)


def unpack(data: bytes, sha256_hex: str, root: Path) -> Path:
    """The package unpacked under ``root/<sha256_hex>``, writing it if it is not there yet."""
    target = root / sha256_hex
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{sha256_hex}.", dir=root))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _extract(archive, staging)
        os.chmod(staging, _DEFAULT_DIR_MODE)
        try:
            staging.rename(target)
        except OSError:
            # another unpack of the same code finished first: its copy is complete
            if not target.is_dir():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _extract(archive: zipfile.ZipFile, dest: Path) -> None:
    modes: list[tuple[Path, int]] = []
    for info in archive.infolist():
        _check_name(info.filename)
        path = dest.joinpath(*[p for p in info.filename.split("/") if p not in ("", ".")])
        if path == dest:
            continue
        mode = (info.external_attr >> 16) & 0o7777 if info.create_system == _UNIX else 0
        if info.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            modes.append((path, (mode or _DEFAULT_DIR_MODE) | 0o700))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.exists():
            path.unlink()
        if _is_symlink(info):
            target = archive.read(info).decode("utf-8")
            _check_link(info.filename, target)
            path.symlink_to(target)
            continue
        with archive.open(info) as source, open(path, "wb") as sink:
            shutil.copyfileobj(source, sink, _CHUNK)
        os.chmod(path, (mode or _DEFAULT_FILE_MODE) | 0o400)
    # directory modes last, deepest first, so a read-only directory is filled before it closes
    for path, mode in sorted(modes, key=lambda item: len(item[0].parts), reverse=True):
        os.chmod(path, mode)
