"""Sizes of the synthetic Pudong: how many dwellings, residents and records a night.

The committee count scales with the square root of the dwelling count, so a small profile
keeps all 36 streets and a believable number of committees per street, each with fewer
dwellings than in reality (see docs/synthetic_data.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from streetlink.errors import StreetlinkError

__all__ = ["FULL_DWELLINGS", "PROFILES", "Profile", "get_profile"]

FULL_DWELLINGS = 2_300_000


@dataclass(frozen=True)
class Profile:
    name: str
    dwellings: int
    residents: int
    records_per_night: int

    @property
    def committee_scale(self) -> float:
        return min(1.0, math.sqrt(self.dwellings / FULL_DWELLINGS))


PROFILES: dict[str, Profile] = {
    # For unit tests only: seconds to generate, still every street and every kind of record.
    "tiny": Profile("tiny", 3_000, 7_500, 600),
    "small": Profile("small", 25_000, 60_000, 3_000),
    "medium": Profile("medium", 250_000, 600_000, 10_000),
    "pudong": Profile("pudong", 2_300_000, 5_700_000, 100_000),
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise StreetlinkError(
            f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}"
        ) from None
