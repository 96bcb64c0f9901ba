"""The demo community: Semelle, a fictional French eco-designed sneaker label.

:func:`generate` writes six months of Semelle's Discord server, Telegram group, Slack
ambassadors' workspace and WhatsApp running group, in each platform's real export format, plus
the ``tribu.toml`` that names its brand accounts and campaigns. See ``docs/demo.md``.
"""

from __future__ import annotations

from tribu.demo._counts import PlatformCounts
from tribu.demo._generate import COMMUNITY_NAMES, DemoFiles, generate

__all__ = ["COMMUNITY_NAMES", "DemoFiles", "PlatformCounts", "generate"]
