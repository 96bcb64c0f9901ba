"""Creator tiers by follower count, and the indicative engagement benchmark of each tier.

Tiers: ``nano`` 1,000–9,999 followers, ``micro`` 10,000–99,999, ``macro`` 100,000–999,999,
``mega`` 1,000,000 and more. Accounts under 1,000 followers are ``sub-nano``: industry
tables usually start at 1k, and on so small an audience an engagement rate swings too much to
compare with a benchmark, so they get none. A creator with no known follower count is
``unknown``.

The benchmarks are *indicative* and configurable (``benchmarks=`` on the measures, ``[creators]
benchmarks`` in ``tribu.toml``). They follow the order of magnitude reported by industry
studies of Instagram, where engagement rate falls as audiences grow, e.g. Markerly's 2016
study of two million accounts as quoted second-hand (like rate about 4 % at 1k–10k, 2.4 % at
10k–100k, 1.7 % at 1M+) and recent vendor benchmark pages (3–7 % micro-sized, 0.8–2.5 %
macro, 0.3–1.2 % mega). We could not check a primary table for every figure, so take them as
a yardstick, not a norm; see ``docs/creators.md``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["TIER_BENCHMARKS", "TIER_ORDER", "tier_of"]

TIER_ORDER = ("sub-nano", "nano", "micro", "macro", "mega", "unknown")

# tier -> indicative engagement rate per post, (likes+comments+shares+saves)/followers.
TIER_BENCHMARKS: dict[str, float] = {
    "nano": 0.04,
    "micro": 0.024,
    "macro": 0.015,
    "mega": 0.01,
}


def tier_of(followers: ir.IntegerValue) -> ir.StringValue:
    """The tier of a follower count (see the module docstring for the bounds)."""
    return ibis.cases(
        (followers.isnull(), "unknown"),
        (followers < 1_000, "sub-nano"),
        (followers < 10_000, "nano"),
        (followers < 100_000, "micro"),
        (followers < 1_000_000, "macro"),
        else_="mega",
    )
