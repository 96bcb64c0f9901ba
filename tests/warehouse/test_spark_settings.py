"""Which Spark master and settings tribu uses, and its one-line errors (no Spark started)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tribu.errors import ConfigError
from tribu.warehouse import spark_settings as ss


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        ss.MASTER_ENV,
        ss.SUBMIT_ENV,
        "TRIBU_CONFIG",
        "HADOOP_CONF_DIR",
        "YARN_CONF_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no ./tribu.toml
    monkeypatch.setattr(ss, "_chosen", [])


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tribu.toml"
    path.write_text(text)
    return path


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ss.spark_settings() == ss.SparkSettings("local[2]", {}, "default")
    monkeypatch.setenv(ss.SUBMIT_ENV, "1")
    assert ss.spark_settings().master is None  # spark-submit's --master stands
    _toml(
        tmp_path,
        '[spark]\nmaster = "spark://toml:7077"\n[spark.conf]\n'
        '"spark.executor.memory" = "4g"\n"spark.dynamicAllocation.enabled" = true\n',
    )
    got = ss.spark_settings()
    assert got.master == "spark://toml:7077"
    assert got.conf == {
        "spark.executor.memory": "4g",
        "spark.dynamicAllocation.enabled": "true",
    }
    monkeypatch.setenv(ss.MASTER_ENV, "local[1]")
    assert ss.spark_settings().master == "local[1]"
    ss.use_master(None)  # no --spark-master given: no change
    assert ss.spark_settings().master == "local[1]"
    ss.use_master("yarn")
    assert ss.spark_settings().master == "yarn"
    assert ss.spark_settings().origin == "--spark-master"


def test_bad_section(tmp_path: Path) -> None:
    _toml(tmp_path, '[spark]\nmastr = "local"\n')
    with pytest.raises(ConfigError, match="unknown key 'mastr'"):
        ss.spark_settings()
    _toml(tmp_path, "[spark]\nmaster = 7077\n")
    with pytest.raises(ConfigError, match="master must be a string"):
        ss.spark_settings()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_master_that_does_not_answer_is_one_line() -> None:
    port = _closed_port()
    settings = ss.SparkSettings(f"spark://127.0.0.1:{port}", {}, "--spark-master")
    with pytest.raises(ConfigError) as caught:
        ss.check_master(settings, timeout=2)
    message = str(caught.value)
    assert "\n" not in message
    assert f"spark://127.0.0.1:{port} does not answer" in message
    assert "--spark-master" in message and "[spark]" in message
    with pytest.raises(ConfigError, match="does not answer"):
        ss.check_master(ss.SparkSettings(f"k8s://https://127.0.0.1:{port}"), timeout=2)


def test_a_master_that_answers(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        ss.check_master(ss.SparkSettings(f"spark://127.0.0.1:{port}"), timeout=2)
    ss.check_master(ss.SparkSettings("local[*]"))
    ss.check_master(ss.SparkSettings(None))


def test_yarn_and_unknown_masters(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="HADOOP_CONF_DIR"):
        ss.check_master(ss.SparkSettings("yarn"))
    monkeypatch.setenv("HADOOP_CONF_DIR", "/etc/hadoop/conf")
    ss.check_master(ss.SparkSettings("yarn"))
    with pytest.raises(ConfigError, match="not one tribu knows"):
        ss.check_master(ss.SparkSettings("mesos://old:5050"))
    with pytest.raises(ConfigError, match="not valid"):
        ss.check_master(ss.SparkSettings("local[two]"))


def test_read_errors_name_the_setting() -> None:
    # The first line Spark gives when hadoop-aws is not on the class path.
    missing = RuntimeError(
        "An error occurred while calling o42.open.\n: java.lang.RuntimeException: "
        "java.lang.ClassNotFoundException: Class org.apache.hadoop.fs.s3a.S3AFileSystem "
        "not found\n\tat org.apache.hadoop.conf.Configuration.getClass(...)"
    )
    message = str(ss.explain_read_error("s3a://bucket/lake", missing))
    assert "\n" not in message
    assert "hadoop-aws" in message and "spark.jars.packages" in message
    gcs = RuntimeError(
        'org.apache.hadoop.fs.UnsupportedFileSystemException: No FileSystem for scheme "gs"'
    )
    assert "gcs-connector" in str(ss.explain_read_error("gs://b/lake", gcs))
    other = RuntimeError(
        "An error occurred while calling o7.open.\n: java.net.UnknownHostException: nohost\n"
        "\tat java.base/java.net.InetAddress..."
    )
    message = str(ss.explain_read_error("hdfs://nohost:8020/lake", other))
    assert "\n" not in message and "UnknownHostException: nohost" in message


def test_spark_submit_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    import sys

    from tribu import spark_submit
    from tribu.warehouse.lake import ingest_lake

    spark_submit.main(["--path"])
    assert capsys.readouterr().out.strip() == spark_submit.__file__
    data = Path(__file__).resolve().parents[1] / "data" / "discord"
    ingest_lake([data / "handmade_roles_reactors.json"], tmp_path / "lake")
    monkeypatch.setattr(sys, "argv", ["spark_submit.py"])
    with pytest.raises(SystemExit) as done:
        spark_submit.main(["lake", "info", str(tmp_path / "lake"), "--json"])
    assert done.value.code == 0
    assert json.loads(capsys.readouterr().out)["messages"] == 4
    # Under spark-submit, the master is spark-submit's (no local[2] forced on it).
    assert ss.spark_settings().master is None
