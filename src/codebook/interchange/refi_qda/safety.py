"""Untrusted input: a .qdpx is a zip and a .qde / .qdc is XML from anywhere.

No DTDs (so no entity expansion and no external entities), no network, no member paths that
leave the archive, and limits on member count and unpacked size, checked before inflating.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from codebook.model import CodebookError

MAX_MEMBERS = 10_000
MAX_UNPACKED = 200_000_000  # bytes, all members together
MAX_MEMBER = 50_000_000  # bytes, one member
MAX_RATIO = 200  # unpacked / packed, for members over 10 MB
MAX_XML = 100_000_000
MAX_FILE = 200_000_000  # bytes, the .qdpx itself


def parse_xml(data: bytes, where: str) -> etree._ElementTree:
    """Parse XML without DTDs, entities or network; refuse any DOCTYPE outright."""
    if len(data) > MAX_XML:
        raise CodebookError(f"{where}: XML is larger than {MAX_XML // 1_000_000} MB")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as e:
        raise CodebookError(f"{where}: not well-formed XML ({e.msg})") from None
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise CodebookError(
            f"{where}: has a DOCTYPE; DTDs and entities are not allowed in REFI-QDA files"
        )
    return tree


def _unsafe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in path.parts
        or "\x00" in name
    )


class SafeZip:
    """A checked zip: members are read by exact name only, each with a size cap."""

    def __init__(self, path: Path):
        self.path = path
        try:
            if path.stat().st_size > MAX_FILE:
                raise CodebookError(f"{path}: larger than {MAX_FILE // 1_000_000} MB")
            data = path.read_bytes()
        except OSError as e:
            raise CodebookError(f"{path}: cannot read ({e.strerror})") from None
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as e:
            raise CodebookError(f"{path}: not a readable .qdpx (zip) file ({e})") from None
        if len(infos) > MAX_MEMBERS:
            raise CodebookError(f"{path}: has {len(infos)} members (limit {MAX_MEMBERS})")
        total = 0
        for info in infos:
            if _unsafe(info.filename):
                raise CodebookError(
                    f"{path}: member '{info.filename}' has an absolute path or '..'; refused"
                )
            total += info.file_size
            if info.file_size > MAX_MEMBER or (
                info.file_size > 10_000_000
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            ):
                raise CodebookError(
                    f"{path}: member '{info.filename}' unpacks to {info.file_size:,} bytes "
                    "(too large or too compressed: refused as a possible zip bomb)"
                )
        if total > MAX_UNPACKED:
            raise CodebookError(
                f"{path}: unpacks to {total:,} bytes (limit {MAX_UNPACKED:,}): refused as a "
                "possible zip bomb"
            )
        self.names = {i.filename: i for i in infos if not i.is_dir()}

    def find(self, name: str) -> str | None:
        """The member called `name`, matched exactly, then case-insensitively."""
        name = name.replace("\\", "/")
        name = name[2:] if name.startswith("./") else name
        if name in self.names:
            return name
        lower = name.lower()
        for member in self.names:
            if member.lower() == lower:
                return member
        return None

    def read(self, member: str) -> bytes:
        info = self.names[member]
        try:
            with self.zip.open(info) as fh:
                data = fh.read(MAX_MEMBER + 1)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError) as e:
            raise CodebookError(f"{self.path}: member '{member}' is damaged ({e})") from None
        if len(data) > MAX_MEMBER:
            raise CodebookError(f"{self.path}: member '{member}' is too large")
        return data
