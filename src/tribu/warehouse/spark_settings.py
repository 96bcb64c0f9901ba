"""Which Spark tribu talks to, with which settings, and one-line errors when it cannot.

The master is chosen, first found wins, from:

1. ``--spark-master URL`` on the command line (:func:`use_master`);
2. the ``TRIBU_SPARK_MASTER`` environment variable;
3. ``master`` under ``[spark]`` in ``tribu.toml``;
4. ``spark-submit`` itself, when tribu runs under it (``python -m tribu.spark_submit``, see
   ``docs/scale.md``): its ``--master`` and ``--conf`` are kept as given;
5. ``local[2]``.

Every key of ``[spark.conf]`` in ``tribu.toml`` is handed to Spark as it is (``spark.executor.
memory``, ``spark.jars.packages``, ``spark.hadoop.fs.s3a.endpoint``...). Before starting a
session on a ``spark://`` or ``k8s://`` master, tribu opens a TCP connection to it (5 s) so
that a master that does not answer is one line naming the setting, not minutes of retries and
a Java stack trace. Spark's own errors on a lake URI are turned into one line too
(:func:`explain_read_error`): a missing cloud connector names ``spark.jars.packages``.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tribu.config import load_config
from tribu.errors import ConfigError

__all__ = [
    "DEFAULT_MASTER",
    "MASTER_ENV",
    "SUBMIT_ENV",
    "SparkSettings",
    "check_master",
    "explain_read_error",
    "spark_settings",
    "use_master",
]

DEFAULT_MASTER = "local[2]"
MASTER_ENV = "TRIBU_SPARK_MASTER"
SUBMIT_ENV = "TRIBU_SPARK_SUBMIT"
"""Set by :mod:`tribu.spark_submit`: the master and settings come from spark-submit."""

# scheme -> (connector, the Maven package to add to spark.jars.packages)
CONNECTORS: dict[str, tuple[str, str]] = {
    "s3a": ("hadoop-aws", "org.apache.hadoop:hadoop-aws:3.4.1"),
    "s3": ("hadoop-aws (use s3a://)", "org.apache.hadoop:hadoop-aws:3.4.1"),
    "gs": (
        "the GCS connector",
        "com.google.cloud.bigdataoss:gcs-connector:hadoop3-2.2.26",
    ),
    "abfss": ("hadoop-azure", "org.apache.hadoop:hadoop-azure:3.4.1"),
    "abfs": ("hadoop-azure", "org.apache.hadoop:hadoop-azure:3.4.1"),
    "wasbs": ("hadoop-azure", "org.apache.hadoop:hadoop-azure:3.4.1"),
}

_chosen: list[str] = []


@dataclass(frozen=True)
class SparkSettings:
    """The master (None: leave it to spark-submit) and extra Spark settings."""

    master: str | None
    conf: Mapping[str, str] = field(default_factory=dict)
    origin: str = "default"


def use_master(master: str | None) -> None:
    """Make ``master`` (from ``--spark-master``) win over every other source; None: no-op."""
    if master:
        _chosen[:] = [master]


def spark_settings(config: str | os.PathLike[str] | None = None) -> SparkSettings:
    """The master and settings from the sources above, ``[spark]`` checked strictly."""
    settings = load_config(config)
    section = settings.raw.get("spark", {})
    where = f"{settings.path}: [spark]" if settings.path else "[spark]"
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where} must be a table (master = ..., [spark.conf]).")
    unknown = sorted(set(section) - {"master", "conf"})
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: master, conf).")
    conf = section.get("conf", {})
    if not isinstance(conf, Mapping):
        raise ConfigError(f"{where}.conf must be a table of Spark settings.")
    plain = {str(k): _setting(v) for k, v in conf.items()}
    toml_master = section.get("master")
    if toml_master is not None and not isinstance(toml_master, str):
        raise ConfigError(
            f"{where}.master must be a string such as 'spark://host:7077'."
        )
    if _chosen:
        return SparkSettings(_chosen[0], plain, "--spark-master")
    if os.environ.get(MASTER_ENV):
        return SparkSettings(os.environ[MASTER_ENV], plain, MASTER_ENV)
    if toml_master:
        return SparkSettings(toml_master, plain, f"{where}.master")
    if os.environ.get(SUBMIT_ENV):
        return SparkSettings(None, plain, "spark-submit")
    return SparkSettings(DEFAULT_MASTER, plain, "default")


def _setting(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_master(settings: SparkSettings, timeout: float = 5.0) -> None:
    """Raise a one-line ConfigError when a standalone or Kubernetes master does not answer."""
    master = settings.master
    if not master:
        return
    hint = "change --spark-master, $TRIBU_SPARK_MASTER or master under [spark] in tribu.toml"
    if master.startswith("yarn"):
        if not (os.environ.get("HADOOP_CONF_DIR") or os.environ.get("YARN_CONF_DIR")):
            raise ConfigError(
                f"Spark master 'yarn' needs HADOOP_CONF_DIR (or YARN_CONF_DIR) pointing at "
                f"the cluster's configuration; set it, or {hint} (from {settings.origin})."
            )
        return
    if master.startswith("local"):
        if not re.fullmatch(r"local(\[(\*|\d+)(,\s*\d+)?\])?", master):
            raise ConfigError(
                f"Spark master {master!r} is not valid: use local, local[N] or local[*]; "
                f"{hint} (from {settings.origin})."
            )
        return
    addresses: list[tuple[str, int]] = []
    if master.startswith("spark://"):
        for part in master.removeprefix("spark://").split(","):
            host, _, given = part.partition(":")
            addresses.append((host, int(given) if given.isdigit() else 7077))
    elif master.startswith("k8s://"):
        url = master.removeprefix("k8s://")
        match = re.match(r"(?:(https?)://)?([^:/]+)(?::(\d+))?", url)
        if match:
            scheme, host, port = match.groups()
            addresses.append(
                (host, int(port) if port else (80 if scheme == "http" else 443))
            )
    else:
        raise ConfigError(
            f"Spark master {master!r} is not one tribu knows (local[N], spark://HOST:PORT, "
            f"yarn, k8s://https://HOST:PORT); {hint} (from {settings.origin})."
        )
    faults = []
    for host, port in addresses:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return
        except OSError as exc:
            faults.append(f"{host}:{port}: {exc.strerror or exc}")
    raise ConfigError(
        f"Spark master {master} does not answer ({'; '.join(faults)}); start it or {hint} "
        f"(from {settings.origin})."
    )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "desc", None) or exc)
    for raw in text.splitlines():
        line = raw.strip().removeprefix(":").strip()
        if line and not line.startswith(
            ("at ", "Traceback", "File ", "An error occurred while calling")
        ):
            return line[:300]
    return type(exc).__name__


def explain_read_error(location: str, exc: BaseException) -> ConfigError:
    """One line saying why Spark could not read ``location`` and which setting to change."""
    text = str(exc)
    scheme = location.split(":", 1)[0].lower() if "://" in location else ""
    if scheme in CONNECTORS and (
        "ClassNotFoundException" in text
        or "No FileSystem for scheme" in text
        or "UnsupportedFileSystemException" in text
    ):
        connector, package = CONNECTORS[scheme]
        return ConfigError(
            f"{location}: Spark has no connector for {scheme}:// ({connector} is missing); "
            f'add spark.jars.packages = "{package}" under [spark.conf] in tribu.toml (or '
            "--packages to spark-submit), with the store's credentials."
        )
    return ConfigError(
        f"{location}: Spark cannot read the lake ({_first_line(exc)}); check the URI and, "
        "for an object store, its endpoint and credentials under [spark.conf] in tribu.toml."
    )
