"""Resolving a draft against the gazetteer: the one known name a typed name stands for.

A road, village or community the reader found by shape is checked against the registry's
own names; a typo is corrected only to the single known name it is that close to (see
``Gazetteer.correct_road``): a guess between two names is a wrong door waiting to happen.
A committee named in the text gets its code and its official name.
"""

from __future__ import annotations

from streetlink.standardise.addresses.draft import Draft
from streetlink.standardise.gazetteer import Gazetteer

__all__ = ["resolve_with_gazetteer"]


def resolve_with_gazetteer(d: Draft, gaz: Gazetteer | None, outside: bool) -> None:
    """Correct the road, village or community to the one known name it is a typo of."""
    if gaz is None or outside:
        return
    if d.road is not None and "road" not in d.known:
        if d.road in gaz.roads:
            d.known.add("road")
        else:
            corrected = gaz.correct_road(d.road)
            if corrected is not None:
                d.road_raw, d.road = d.road, corrected
                d.known.add("road")
                d.notes.append(f"road_corrected:{d.road_raw}")
    if d.village is not None and "village" not in d.known:
        canonical = (gaz.resolve("village", d.village)
                     or gaz.resolve("village", d.village.removesuffix("村")))
        corrected = None if canonical else gaz.correct_village(d.village)
        if corrected:
            d.notes.append(f"village_corrected:{d.village}")
        if canonical or corrected:
            d.village = canonical or corrected
            d.known.add("village")
    if d.community is not None and "community" not in d.known:
        canonical = gaz.resolve("community", d.community)
        if canonical:
            d.community = canonical
            d.known.add("community")
        elif d.village is None and gaz.resolve("village", d.community):
            d.village, d.community = gaz.resolve("village", d.community), None
            d.known.add("village")
        elif (corrected := gaz.correct_community(d.community)) is not None:
            d.notes.append(f"community_corrected:{d.community}")
            d.community = corrected
            d.known.add("community")
    if d.committee is not None and d.committee_code is None:
        d.committee_code = gaz.resolve("committee", d.committee)
    if d.committee_code is not None:
        known = gaz.committee(d.committee_code)
        if known is not None:
            d.committee = known.name

