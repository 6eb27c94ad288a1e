"""Builds the pure-Python wheel of pricinglab that the pages install into Pyodide.

Under CPython the package is built by maturin with its native engine (pyproject.toml); in
Pyodide the engine is the WebAssembly build, so the browser needs only the Python files:
``pricinglab-<version>-py3-none-any.whl`` with every ``pricinglab/*.py`` (and ``py.typed``),
never the extension module. A wheel is a zip with a dist-info folder (PEP 427); this writes one
with the standard library, reproducibly (fixed timestamps, sorted entries).

    python scripts/pyodide_wheel.py OUT_DIR
"""

from __future__ import annotations

import base64
import hashlib
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# 1980-01-01, the earliest time a zip entry can carry: the same bytes on every build.
EPOCH = (1980, 1, 1, 0, 0, 0)


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build(out_dir: Path) -> Path:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    name, version = project["name"], project["version"]
    files = sorted(
        p
        for p in (ROOT / "pricinglab").iterdir()
        if p.is_file() and (p.suffix in (".py", ".pyi") or p.name == "py.typed")
    )
    dist_info = f"{name}-{version}.dist-info"
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            f"Name: {name}",
            f"Version: {version}",
            f"Summary: {project['description']}",
            f"Requires-Python: {project['requires-python']}",
            "",
        ]
    )
    wheel = "\n".join(
        ["Wheel-Version: 1.0", "Generator: pricinglab scripts/pyodide_wheel.py",
         "Root-Is-Purelib: true", "Tag: py3-none-any", ""]
    )  # fmt: skip
    entries = [(f"pricinglab/{p.name}", p.read_bytes()) for p in files]
    entries += [
        (f"{dist_info}/METADATA", metadata.encode()),
        (f"{dist_info}/WHEEL", wheel.encode()),
    ]
    record = [_record_line(n, d) for n, d in entries] + [f"{dist_info}/RECORD,,"]
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for entry_name, data in entries:
            info = zipfile.ZipInfo(entry_name, EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
