"""The exceptions tribu raises on purpose.

Every expected fault is a :class:`TribuError`; the CLI prints its message on one line and exits
non-zero, never a traceback. Messages say what is wrong, what was received, and how to fix it.

::

    TribuError
    ├── InputError            a file the user gave cannot be read
    │   ├── UnknownFormatError    no connector recognises the file
    │   └── UnsafeArchiveError    a zip escapes its folder or expands too far
    ├── ConfigError           tribu.toml or an option is wrong
    ├── WarehouseError        the DuckDB file cannot be used
    │   └── SchemaVersionError    the file was written by a newer tribu
    └── ModelError            a shipped model is missing or broken
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "InputError",
    "ModelError",
    "SchemaVersionError",
    "TribuError",
    "UnknownFormatError",
    "UnsafeArchiveError",
    "WarehouseError",
]


class TribuError(Exception):
    """Base of every error tribu raises on purpose."""


class InputError(TribuError):
    """A file cannot be read. Say the file and the place in it (line, JSON path)."""

    def __init__(self, path: object, place: str | None, reason: str) -> None:
        self.path = str(path)
        self.place = place
        self.reason = reason
        where = f"{self.path}, {place}" if place else self.path
        super().__init__(f"{where}: {reason}")


class UnknownFormatError(InputError):
    """No connector recognises the file."""


class UnsafeArchiveError(InputError):
    """An archive holds a path outside its folder or expands past the size limit."""


class ConfigError(TribuError):
    """A setting in tribu.toml or an option on the command line is wrong."""


class WarehouseError(TribuError):
    """The warehouse file cannot be opened or written."""


class SchemaVersionError(WarehouseError):
    """The warehouse was written by a newer tribu than this one."""


class ModelError(TribuError):
    """A model that ships with tribu is missing or cannot be loaded."""
