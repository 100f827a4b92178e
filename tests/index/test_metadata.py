"""Parsing core metadata and reading PKG-INFO out of sdists."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from universal_lock.errors import InvalidRequirementData
from universal_lock.index.errors import MalformedPage
from universal_lock.index.metadata import parse_core_metadata, pkg_info_is_static, sdist_pkg_info

FULL = b"""Metadata-Version: 2.4
Name: Demo_Pkg
Version: 1.0.post1
Requires-Python: >=3.9
Requires-Dist: b>=1
Requires-Dist: c; extra == "fast"
Provides-Extra: Fast
Dynamic: License

Long description here.
"""


def test_core_metadata_fields():
    metadata = parse_core_metadata(FULL, source="x")
    assert metadata.name == "demo-pkg"
    assert metadata.version == Version("1.0.post1")
    assert metadata.requires_python == SpecifierSet(">=3.9")
    assert [str(r) for r in metadata.requires_dist] == [
        str(Requirement("b>=1")),
        str(Requirement('c; extra == "fast"')),
    ]
    assert metadata.provides_extra == ("fast",)
    assert metadata.dynamic == ("license",)
    assert metadata.metadata_version == "2.4"


def test_invalid_requirement_names_the_package():
    data = b"Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Dist: b >>= 1\n"
    with pytest.raises(InvalidRequirementData) as caught:
        parse_core_metadata(data, source="x")
    assert caught.value.package == "demo 1.0"
    assert caught.value.value == "b >>= 1"


def test_missing_name_is_malformed():
    with pytest.raises(MalformedPage):
        parse_core_metadata(b"Metadata-Version: 2.1\nVersion: 1.0\n", source="x")


@pytest.mark.parametrize(
    ("header", "static"),
    [
        ("Metadata-Version: 2.2\n", True),
        ("Metadata-Version: 2.1\n", False),
        ("Metadata-Version: 2.3\nDynamic: Requires-Dist\n", False),
        ("Metadata-Version: 2.3\nDynamic: Provides-Extra\n", False),
        ("Metadata-Version: 2.3\nDynamic: License\n", True),
    ],
)
def test_pkg_info_is_static_only_from_2_2_without_dynamic_dependencies(header, static):
    data = f"{header}Name: demo\nVersion: 1.0\n".encode()
    assert pkg_info_is_static(parse_core_metadata(data, source="x")) is static


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_sdist_pkg_info_top_level_only(tmp_path):
    path = tmp_path / "demo-1.0.tar.gz"
    path.write_bytes(_tar({"demo-1.0/src/PKG-INFO": b"nested", "demo-1.0/PKG-INFO": b"top"}))
    assert sdist_pkg_info(path) == b"top"
    zipped = tmp_path / "demo-1.0.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("demo-1.0/PKG-INFO", b"zip top")
    assert sdist_pkg_info(zipped) == b"zip top"
    bare = tmp_path / "bare-1.0.tar.gz"
    bare.write_bytes(_tar({"bare-1.0/setup.py": b""}))
    assert sdist_pkg_info(bare) is None
    broken = tmp_path / "broken-1.0.tar.gz"
    broken.write_bytes(b"not an archive")
    with pytest.raises(MalformedPage):
        sdist_pkg_info(broken)
