"""The demo community: Semelle, a fictional French eco-designed sneaker label.

:func:`generate` writes six months of Semelle's Discord server, Telegram group, Slack
ambassadors' workspace and WhatsApp running group, in each platform's real export format, plus
the ``tribu.toml`` that names its brand accounts and campaigns. See ``docs/demo.md``.
"""

from __future__ import annotations

from tribu.demo._counts import PlatformCounts
from tribu.demo._generate import COMMUNITY_NAMES, DemoFiles, generate
from tribu.demo._run import DEMO_STEPS, DemoRun, run_demo

__all__ = [
    "COMMUNITY_NAMES",
    "DEMO_STEPS",
    "DemoFiles",
    "DemoRun",
    "PlatformCounts",
    "generate",
    "run_demo",
]
