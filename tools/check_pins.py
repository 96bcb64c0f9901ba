"""Check that every pin is a plain ``name==version`` requirement the package registry resolves.

Used by ``make constraints`` (after freezing a throw-away environment) and by the test suite
(``tests/test_pins.py``). A pin by direct URL, ``file:`` path, path on a disk or VCS URL only
installs on the machine that wrote it, so it is refused, naming the file and the line.

Run as ``python tools/check_pins.py FILE...`` (``constraints.txt`` and ``pyproject.toml`` by
default): exit status 0 when every requirement is plain, 1 with one line per bad requirement.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

__all__ = ["bad_pins", "pyproject_requirements", "requirement_problem"]

# name==version, optionally with extras and an environment marker after ';'.
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_PLAIN = re.compile(
    rf"^{_NAME}(?:\[{_NAME}(?:\s*,\s*{_NAME})*\])?\s*==\s*[A-Za-z0-9][A-Za-z0-9.+!_-]*"
    r"\s*(?:;.*)?$"
)


def requirement_problem(requirement: str) -> str | None:
    """Say what is wrong with one requirement string, or ``None`` when it is a plain pin."""
    text = requirement.strip()
    marker_free = text.split(";", 1)[0]
    if "@" in marker_free or "://" in marker_free:
        return "is a direct reference (URL, file: or VCS); pin it as name==version"
    if marker_free.startswith((".", "/", "~")) or "\\" in marker_free:
        return "is a path on a disk; pin it as name==version"
    if not _PLAIN.match(text):
        return "is not a plain name==version pin"
    return None


def _constraint_lines(path: Path) -> list[tuple[int, str]]:
    lines = []
    for number, raw in enumerate(
        path.read_text(encoding="utf-8").splitlines(), start=1
    ):
        text = raw.split(" #", 1)[0].strip()
        if text and not text.startswith("#"):
            lines.append((number, text))
    return lines


def pyproject_requirements(path: Path) -> list[tuple[int, str]]:
    """Every dependency string of ``[project]`` (runtime and extras) with its line number."""
    text = path.read_text(encoding="utf-8")
    project = tomllib.loads(text).get("project", {})
    requirements = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        requirements.extend(extra)
    source_lines = text.splitlines()
    located = []
    for requirement in requirements:
        quoted = (f'"{requirement}"', f"'{requirement}'")
        number = next(
            (
                i
                for i, line in enumerate(source_lines, 1)
                if any(q in line for q in quoted)
            ),
            0,
        )
        located.append((number, requirement))
    return located


def bad_pins(path: Path) -> list[str]:
    """One message per requirement of ``path`` that is not a plain pin (``file:line: ...``)."""
    entries = (
        pyproject_requirements(path)
        if path.name == "pyproject.toml"
        else _constraint_lines(path)
    )
    messages = []
    for number, requirement in entries:
        problem = requirement_problem(requirement)
        if problem:
            messages.append(f"{path}:{number}: '{requirement}' {problem}.")
    return messages


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [Path("constraints.txt"), Path("pyproject.toml")]
    messages = [message for path in paths for message in bad_pins(path)]
    for message in messages:
        print(message, file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
