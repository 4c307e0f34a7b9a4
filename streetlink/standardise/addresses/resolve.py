"""Resolving a draft against the gazetteer: the one known name a typed name stands for.

``RESOLVE_STEPS``: a road, village or community the reader found by shape is checked
against the registry's own names; a typo is corrected only to the single known name it is
that close to (``Gazetteer.correct_road``). A road typed without its 路 (锦康258弄) or with
one wrong character is completed within the stated street — the street in the text, else
the source's street field — to the one road there that fits, holding the lane or number
where several could (``Gazetteer.complete_road``). A guess between two names is a wrong
door waiting to happen: none is made. A committee named in the text gets its code and its
official name. Each correction is said in the notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from streetlink.standardise.addresses.clean import community_base
from streetlink.standardise.addresses.draft import Draft
from streetlink.standardise.addresses.steps import Step, run_steps
from streetlink.standardise.addresses.tokens import COMMUNITY_END
from streetlink.standardise.gazetteer import Gazetteer

__all__ = ["RESOLVE_STEPS", "resolve_with_gazetteer"]


@dataclass
class _Resolving:
    d: Draft
    gaz: Gazetteer
    street_hint: str | None

    @property
    def street(self) -> str | None:
        return self.d.street or self.street_hint


def _road(r: _Resolving) -> None:
    d, gaz = r.d, r.gaz
    if d.road in gaz.roads:
        d.known.add("road")
        return
    corrected = gaz.correct_road(d.road)
    if corrected is not None:
        d.road_raw, d.road = d.road, corrected
        d.known.add("road")
        d.notes.append(f"road_corrected:{d.road_raw}")


def _complete_road(r: _Resolving) -> None:
    d = r.d
    completed = r.gaz.complete_road(d.road, r.street, d.lane, d.number)
    if completed is not None:
        d.notes.append(f"road_completed_in_street:{d.road}→{completed}")
        d.road_raw = d.road_raw or d.road
        d.road = completed
        d.known.add("road")


def _village(r: _Resolving) -> None:
    d, gaz = r.d, r.gaz
    canonical = (gaz.resolve("village", d.village)
                 or gaz.resolve("village", d.village.removesuffix("村")))
    corrected = None if canonical else gaz.correct_village(d.village)
    if corrected:
        d.notes.append(f"village_corrected:{d.village}")
    if canonical or corrected:
        d.village = canonical or corrected
        d.known.add("village")


def _community(r: _Resolving) -> None:
    d, gaz = r.d, r.gaz
    canonical = gaz.resolve("community", d.community)
    if canonical:
        d.community = canonical
        d.known.add("community")
    elif d.village is None and gaz.resolve("village", d.community):
        d.village, d.community = gaz.resolve("village", d.community), None
        d.known.add("village")
    elif (phases := gaz.community_bases.get(community_base(d.community))) is not None:
        # 望江苑 for 望江苑西区 and 望江苑东区: an estate of this registry, phase not said; the
        # linker takes every phase holding the number (+ room) as a candidate. Before any
        # spelling correction: a real estate's name without its phase is likelier than a slip
        # for another estate's (东苑家园 is not a typo of 东苑佳苑 when 东苑家园一期 exists).
        d.notes.append(f"community_base:{community_base(d.community)}({len(phases)})")
        d.known.add("community_base")
    elif (corrected := gaz.correct_community(d.community)) is not None:
        d.notes.append(f"community_corrected:{d.community}")
        d.community = corrected
        d.known.add("community")


def _community_is_a_road(r: _Resolving) -> None:
    """锦康8号301室: a name taken for a community only because a number followed it is the
    road it completes to, when that road holds the number (within the stated street)."""
    d = r.d
    completed = r.gaz.complete_road(d.community, r.street, d.lane, d.number)
    if completed is not None and r.gaz.holds(completed, r.street, d.lane, d.number):
        d.notes.append(f"road_completed_in_street:{d.community}→{completed}")
        d.road_raw, d.road, d.community = d.community, completed, None
        d.known.add("road")


def _committee(r: _Resolving) -> None:
    d, gaz = r.d, r.gaz
    if d.committee is not None and d.committee_code is None:
        d.committee_code = gaz.resolve("committee", d.committee)
    if d.committee_code is not None:
        known = gaz.committee(d.committee_code)
        if known is not None:
            d.committee = known.name


RESOLVE_STEPS = (
    Step("resolve_road", "a known road; else the one road it is a homophone or one-character typo of",
         _road, when=lambda r: r.d.road is not None and "road" not in r.d.known, when_text="an unknown road"),
    Step("complete_road_in_street", "锦康258弄 → 锦康路, 拱方路 → 拱为路: the one road of the stated street "
         "that fits (holding the lane/number)", _complete_road,
         when=lambda r: r.d.road is not None and "road" not in r.d.known, when_text="still unknown"),
    Step("resolve_village", "a known village (七灶 → 七灶村); else its one homophone or look-alike",
         _village, when=lambda r: r.d.village is not None and "village" not in r.d.known,
         when_text="an unknown village"),
    Step("resolve_community", "a known community or alias; a village written alone; a homophone; "
         "an estate named without its phase (its base is known)",
         _community, when=lambda r: r.d.community is not None and "community" not in r.d.known,
         when_text="an unknown community"),
    Step("read_community_as_road", "锦康8号: a bare name before a number is the road of the street "
         "holding that number", _community_is_a_road,
         when=lambda r: (r.d.community is not None and not {"community", "community_base"} & r.d.known
                         and r.d.road is None
                         and r.d.number is not None and not COMMUNITY_END.search(r.d.community)),
         when_text="a bare unknown name, no road, a number"),
    Step("resolve_committee", "a committee's code and official name", _committee),
)


def resolve_with_gazetteer(d: Draft, gaz: Gazetteer | None, outside: bool,
                           street_hint: str | None = None) -> None:
    """``RESOLVE_STEPS`` on ``d`` (nothing without a gazetteer or outside Pudong)."""
    if gaz is None or outside:
        return
    run_steps(RESOLVE_STEPS, _Resolving(d, gaz, street_hint))
