"""Run tribu's commands under ``spark-submit``: the entry point for YARN, Kubernetes, Databricks.

``spark-submit`` wants a Python file; this module is it. Its arguments are a tribu command
line, run exactly as ``tribu ...`` would, except that the Spark session takes its master and
settings from ``spark-submit`` (``--master``, ``--conf``, ``--packages``) instead of
``local[2]``::

    spark-submit --master yarn --deploy-mode client \\
        --conf spark.executor.memory=8g \\
        "$(python -m tribu.spark_submit --path)" \\
        kpis --engine spark --db s3a://brand-lake/tribu --json

``python -m tribu.spark_submit --path`` prints this file's path. ``--spark-master``,
``$TRIBU_SPARK_MASTER`` and ``[spark] master`` in ``tribu.toml`` still win when given; the
other ``[spark.conf]`` settings are added to spark-submit's. See docs/scale.md.
"""

from __future__ import annotations

import os
import sys

from tribu.warehouse.spark_settings import SUBMIT_ENV

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run the tribu command line ``argv`` with Spark settings left to spark-submit."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--path"]:
        print(os.path.abspath(__file__))
        return
    os.environ[SUBMIT_ENV] = "1"
    from tribu import cli

    sys.argv = ["tribu", *args]
    cli.main()


if __name__ == "__main__":
    main()
