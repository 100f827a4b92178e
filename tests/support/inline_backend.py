"""The source of a tiny in-tree PEP 517 backend's wheel writer, for tests that need a project
whose build does something observable (record what its build environment held, install a
`.pth` for an editable build).

`WHEEL_WRITER` defines `_wheel(directory, members)`: a `py3-none-any` wheel of `NAME` and
`VERSION` (which the including module defines first) holding `members` (path -> bytes) plus
METADATA, WHEEL and RECORD. A test writes `PREAMBLE + WHEEL_WRITER + its hooks` to
`_backend/<module>.py` and names it in `build-backend` with `backend-path = ["_backend"]`.
"""

PREAMBLE = "import base64, hashlib, os, zipfile\n"

WHEEL_WRITER = r"""

def _wheel(directory, members):
    filename = NAME + "-" + VERSION + "-py3-none-any.whl"
    dist_info = NAME + "-" + VERSION + ".dist-info"
    members = dict(members)
    members[dist_info + "/METADATA"] = (
        "Metadata-Version: 2.1\nName: " + NAME + "\nVersion: " + VERSION + "\n"
    ).encode()
    members[dist_info + "/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    lines = []
    for path, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        lines.append(path + ",sha256=" + digest + "," + str(len(data)) + "\n")
    members[dist_info + "/RECORD"] = ("".join(lines) + dist_info + "/RECORD,,\n").encode()
    with zipfile.ZipFile(os.path.join(directory, filename), "w") as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return filename
"""
