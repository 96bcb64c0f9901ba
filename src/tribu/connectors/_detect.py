"""Find which connector reads each path the user gave.

Every module of :data:`tribu.connectors.CONNECTOR_MODULES` is tried in order through its
``detect(path)``; a module that cannot be imported (not written yet, or a missing optional
dependency) is skipped. ``--platform NAME`` forces one connector instead.

A folder is first offered whole (a Slack workspace export is a folder); when no connector takes
it, each file inside (recursively, hidden files left out) is detected on its own, and files no
connector recognises are reported as ignored rather than failing the run. A file given directly
must be recognised, or :class:`~tribu.errors.UnknownFormatError` names it.

:meth:`Source.records` is the one place where a fault a connector did not expect (a corrupt
zip member, an overflow, a decoder error: :data:`FILE_FAULTS`) becomes an
:class:`~tribu.errors.InputError` naming the file, on one line, instead of a traceback; the
ingest then stops and the warehouse is left as it was. Faults of single entries never get
here: connectors quarantine them (:data:`tribu.connectors._records.RECORD_FAULTS`).

Folders are walked without following symbolic links, and a link inside an export folder is
never read (:func:`tribu.connectors._files.safe_files`): an export cannot make tribu read a
file outside it.
"""

from __future__ import annotations

import importlib
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

from tribu.connectors import CONNECTOR_MODULES
from tribu.connectors._archive import SafeZip
from tribu.connectors._json_limits import one_line
from tribu.errors import ConfigError, InputError, TribuError, UnknownFormatError

__all__ = [
    "FILE_FAULTS",
    "Detection",
    "Source",
    "available_connectors",
    "detect_sources",
    "guarded",
    "unreadable",
]

FILE_FAULTS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    LookupError,
    TypeError,
    ValueError,  # UnicodeError among them
    AttributeError,
    ArithmeticError,  # OverflowError
    RuntimeError,  # RecursionError, NotImplementedError
    MemoryError,
)
"""Faults of hostile data that a connector let through: reported as the file's error."""

GENERIC = "generic"


@dataclass(frozen=True)
class Source:
    """One export to read: a file (or folder export) and the connector that reads it."""

    path: Path
    platform: str
    module: ModuleType
    column_map: Mapping[str, str] | None = None
    local_zone: ZoneInfo | None = None

    def records(self) -> Iterator[Any]:
        """Stream the connector's records; an unexpected fault is a one-line InputError."""
        if self.module.name == GENERIC:
            records = self.module.read(self.path, column_map=self.column_map)
        elif getattr(self.module, "LOCAL_TIMES", False):
            records = self.module.read(self.path, local_zone=self.local_zone)
        else:
            records = self.module.read(self.path)
        return guarded(records, self.path)


def guarded(records: Iterable[Any], path: Path) -> Iterator[Any]:
    """``records``, with any fault of :data:`FILE_FAULTS` raised as an InputError on ``path``."""
    try:
        yield from records
    except TribuError:
        raise
    except FILE_FAULTS as exc:
        raise unreadable(
            path, exc, "; the export is damaged: export it again."
        ) from exc


def unreadable(path: Path, exc: BaseException, advice: str = "") -> InputError:
    """The one-line error of a file that a fault of :data:`FILE_FAULTS` stopped."""
    return InputError(
        path, None, f"cannot be read ({type(exc).__name__}: {one_line(exc)}){advice}."
    )


@dataclass
class Detection:
    """What :func:`detect_sources` found: sources to read, and files left out."""

    sources: list[Source] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)


def available_connectors(
    modules: tuple[str, ...] | None = None,
) -> dict[str, ModuleType]:
    """Importable connector modules by platform name, in detection order."""
    found: dict[str, ModuleType] = {}
    for dotted in modules if modules is not None else CONNECTOR_MODULES:
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            # Skip only a connector that does not exist yet; a broken import inside one is a bug.
            if exc.name is not None and dotted.startswith(exc.name):
                continue
            raise
        found[module.name] = module
    return found


def detect_sources(
    paths: list[Path],
    *,
    platform: str | None = None,
    column_map: Mapping[str, str] | None = None,
    modules: tuple[str, ...] | None = None,
    local_zone: ZoneInfo | None = None,
) -> Detection:
    """Pair every path (and every file inside given folders) with its connector.

    Raises
    ------
    InputError
        A path does not exist, or a given file is empty.
    UnknownFormatError
        A given file, or every file of a given folder, is recognised by no connector.
    ConfigError
        ``platform`` names no connector.
    """
    connectors = available_connectors(modules)
    if platform is not None and platform not in connectors:
        raise ConfigError(
            f"--platform {platform!r} is not a known connector; choose one of "
            f"{', '.join(sorted(connectors))}."
        )
    chosen = [connectors[platform]] if platform else list(connectors.values())

    def detector(module: ModuleType) -> Callable[[Path], bool]:
        if module.name == GENERIC:
            return lambda p: bool(module.detect(p, column_map=column_map))
        return lambda p: bool(module.detect(p))

    def first(path: Path) -> ModuleType | None:
        for module in chosen:
            try:
                if detector(module)(path):
                    return module
            except TribuError:
                raise
            except FILE_FAULTS as exc:
                raise unreadable(path, exc) from exc
        return None

    def source(path: Path, module: ModuleType) -> Source:
        return Source(path, module.name, module, column_map, local_zone)

    found = Detection()
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise InputError(path, None, "no such file or folder.")
        if path.is_file():
            if path.stat().st_size == 0:
                raise InputError(path, None, "the file is empty; nothing to ingest.")
            _refuse_unsafe_zip(path)
            module = first(path)
            if module is None and platform:
                module = connectors[platform]  # forced: the connector reports faults
            if module is None:
                raise UnknownFormatError(
                    path,
                    None,
                    "no connector recognises this file (tried "
                    f"{', '.join(connectors)}). Pass --platform NAME to force one, or "
                    "--map for a CSV/JSONL file.",
                )
            found.sources.append(source(path, module))
            continue
        module = first(path)
        if module is not None:
            found.sources.append(source(path, module))
            continue
        before = len(found.sources)
        _walk(path, first, source, found)
        if len(found.sources) == before:
            raise UnknownFormatError(
                path,
                None,
                "no file in this folder is an export tribu can read "
                f"(tried {', '.join(connectors)}).",
            )
    return found


def _refuse_unsafe_zip(path: Path) -> None:
    """Check a zip's member names and declared sizes before any connector looks inside.

    So a zip escaping its folder or expanding past the limit is reported as such
    (:class:`~tribu.errors.UnsafeArchiveError`), not as an unknown format.
    """
    if zipfile.is_zipfile(path):
        SafeZip(path).close()


def _walk(
    folder: Path,
    first: Callable[[Path], ModuleType | None],
    source: Callable[[Path, ModuleType], Source],
    found: Detection,
) -> None:
    """Detect each file and sub-folder export of a folder that no connector took whole."""
    for child in sorted(folder.iterdir()):
        if child.name.startswith(".") or child.is_symlink():
            continue  # a link may lead out of the folder: never followed
        if child.is_dir():
            module = first(child)
            if module is not None:
                found.sources.append(source(child, module))
            else:
                _walk(child, first, source, found)
        elif child.is_file():
            _refuse_unsafe_zip(child)
            module = first(child) if child.stat().st_size else None
            if module is None:
                found.ignored.append(child)
            else:
                found.sources.append(source(child, module))
