"""The self-contained HTML report, and the data layer it shares with the web dashboard."""

from tribu.report.build import render_report, write_report
from tribu.report.data import Filters, MeasureData, open_tables

__all__ = ["Filters", "MeasureData", "open_tables", "render_report", "write_report"]
