"""Write the API's OpenAPI schema to docs/openapi.json (``make openapi``).

The schema is what ``GET /api/v1/openapi.json`` serves. It depends on the code only (routes,
row models made from each measure's Ibis schema over the canonical tables), not on what a
warehouse holds, so it is made here from an empty warehouse, and
``tests/web/test_openapi_published.py`` fails when the committed file differs from what the
app serves on the test warehouse.

``python tools/openapi_schema.py [OUT]`` writes OUT (default docs/openapi.json);
``--check`` only says whether OUT is up to date (exit 1 when not).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "docs" / "openapi.json"


def served_schema(db: Path | None = None) -> dict[str, Any]:
    """The schema the app serves over warehouse ``db`` (an empty new one by default)."""
    from tribu.warehouse.store import open_warehouse
    from tribu.web.app import create_app
    from tribu.web.auth import TokenStore

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if db is None:
            db = folder / "empty.duckdb"
            open_warehouse(db).close()
        app = create_app(
            db,
            tokens=TokenStore(folder / "tokens.json"),
            watch=False,
            snapshot_folder=folder / "snapshots",
        )
        try:
            schema: dict[str, Any] = app.openapi()
        finally:
            app.state.snapshots.close()
    return schema


def render(schema: dict[str, Any]) -> str:
    """The file's text: indented JSON, keys in the app's order, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=PUBLISHED)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    text = render(served_schema())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run 'make openapi'.")
            return 1
        print(f"{args.out} is up to date.")
        return 0
    args.out.write_text(text, encoding="utf-8")
    schema = json.loads(text)
    print(
        f"wrote {args.out}: OpenAPI {schema['openapi']}, {len(schema['paths'])} paths, "
        f"{len(schema['components']['schemas'])} schemas"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
