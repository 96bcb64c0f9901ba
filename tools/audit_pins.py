"""Audit the pinned dependencies (constraints.txt) for known vulnerabilities: ``make audit``.

1. ``pip-audit`` (PyPA's auditor) checks every ``name==version`` pin against the vulnerability
   data PyPI publishes per release (``https://pypi.org/pypi/<name>/<version>/json``, fed by
   the OSV database). It runs with ``--no-deps --disable-pip``: the file is already the whole
   pinned set, nothing is installed or resolved.
2. pip-audit reports a pin it could not look up as *skipped* and still prints "No known
   vulnerabilities found" and exits 0. This script counts the pins it really audited; when it
   audited none (the per-release API is unreachable: offline, or behind a mirror that serves
   only the project pages), it says so in capitals and falls back to PyPI's project pages
   (``https://pypi.org/pypi/<name>/json``): their ``vulnerabilities`` list is the one of the
   project's latest release, so it audits the pins that *are* the latest release and lists
   the others as not checked. Yanked pins are reported either way.

Exit status: 1 when a known vulnerability affects a pin; otherwise 0, also when the audit could
not run (the message says so), unless ``AUDIT_REQUIRED=1`` is set, which turns "could not
audit every pin" into exit 2 (for CI machines that are online).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def pins(path: Path) -> dict[str, str]:
    """name -> version of every ``name==version`` line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[match[1]] = match[2]
    return found


def run_pip_audit(requirements: Path) -> dict[str, Any] | None:
    """pip-audit's JSON report, or None if it could not run at all."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [
            sys.executable,
            "-m",
            "pip_audit",
            "-r",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "-f",
            "json",
            "-o",
            str(out),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        if not out.exists():
            print(f"pip-audit did not run: {done.stderr.strip()[-500:]}")
            return None
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return report


def project_page(name: str) -> dict[str, Any] | None:
    """PyPI's JSON page of project ``name``, or None if unreachable."""
    url = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - fixed host
            page: dict[str, Any] = json.load(answer)
            return page
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def live_vulns(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in entries if not v.get("withdrawn")]


def fallback(pinned: dict[str, str]) -> tuple[list[str], list[str], list[str]]:
    """Audit from project pages: (vulnerable lines, not checked lines, yanked lines)."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        pages = dict(zip(pinned, pool.map(project_page, pinned), strict=True))
    vulnerable, unchecked, yanked = [], [], []
    for name, version in sorted(pinned.items(), key=lambda kv: kv[0].lower()):
        page = pages[name]
        if page is None:
            unchecked.append(f"{name}=={version}: PyPI unreachable")
            continue
        files = page.get("releases", {}).get(version, [])
        if files and all(f.get("yanked") for f in files):
            reason = files[0].get("yanked_reason") or "no reason given"
            yanked.append(f"{name}=={version}: yanked ({reason})")
        latest = page.get("info", {}).get("version")
        if latest != version:
            unchecked.append(f"{name}=={version}: not the latest release ({latest})")
            continue
        for vuln in live_vulns(page.get("vulnerabilities", [])):
            fixed = ", ".join(vuln.get("fixed_in") or []) or "no fix yet"
            vulnerable.append(f"{name}=={version}: {vuln.get('id')} (fixed in {fixed})")
    return vulnerable, unchecked, yanked


def main(argv: list[str]) -> int:
    requirements = Path(argv[1] if len(argv) > 1 else "constraints.txt")
    pinned = pins(requirements)
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    report = run_pip_audit(requirements)
    deps = report.get("dependencies", []) if report else []
    audited = [d for d in deps if "skip_reason" not in d]
    vulnerable = [
        f"{d['name']}=={d['version']}: {v['id']} (fixed in "
        f"{', '.join(v.get('fix_versions') or []) or 'no fix yet'})"
        for d in audited
        for v in d.get("vulns", [])
    ]
    print(f"pip-audit: {len(audited)} of {len(pinned)} pins audited in {requirements}.")
    if len(audited) == len(pinned):
        for line in vulnerable:
            print(f"  VULNERABLE {line}")
        print(
            f"{len(vulnerable)} known vulnerabilit{'y' if len(vulnerable) == 1 else 'ies'}."
        )
        return 1 if vulnerable else 0
    skipped = len(pinned) - len(audited)
    print(
        f"DEPENDENCY AUDIT INCOMPLETE: pip-audit could not look up {skipped} pin(s): "
        "PyPI's per-release vulnerability API (https://pypi.org/pypi/NAME/VERSION/json) "
        "is unreachable from here (offline, or a mirror serving only project pages). "
        "Falling back to PyPI's project pages, which list the vulnerabilities of each "
        "project's latest release only."
    )
    more, unchecked, yanked = fallback(pinned)
    vulnerable += more
    checked = len(pinned) - len(unchecked)
    for line in vulnerable:
        print(f"  VULNERABLE {line}")
    for line in yanked:
        print(f"  YANKED {line}")
    for line in unchecked:
        print(f"  not checked: {line}")
    print(
        f"Fallback: {checked} of {len(pinned)} pins checked (the latest release of their "
        f"project), {len(vulnerable)} known vulnerabilit"
        f"{'y' if len(vulnerable) == 1 else 'ies'}, {len(yanked)} yanked, "
        f"{len(unchecked)} NOT CHECKED. Run 'make audit' where pypi.org is reachable for "
        "a complete audit."
    )
    if vulnerable:
        return 1
    return 2 if required and unchecked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
