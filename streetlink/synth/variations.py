"""World variations: the habits a generated world has, base or varied.

Goal: thresholds fitted on one generator's habits must be chosen for the worst of several
worlds, so ``streetlink generate --variation NAME`` changes *habits*, not just the seed
(rates and reasons: ``rates.VARIATIONS``, docs/synthetic_data.md "World variations").

Input → output: variation names (``parse_variations("sloppy,movers")``) → ``Habits``: every
rate the generator reads, the base rates with each variation's changes applied in the order
of ``rates.VARIATION_NAMES``. ``Habits.has(name)`` guards every new habit, so a base world
draws exactly what it drew before variations existed (byte-identical files).

Careful and sloppy writers (variation ``sloppy``): each record is written by one; the noise
rates of a sloppy writer are the base rates times ``sloppy_factor``, of a careful one times
``careful_factor`` (capped). ``Habits.writer(source, sloppy)`` gives that writer's rates;
``Habits.expected(...)`` the mixture a test should observe.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from streetlink.errors import StreetlinkError
from streetlink.synth import rates

__all__ = ["BASE", "Habits", "habits_for", "parse_variations"]

BASE = "base"
SOURCES = ("checkpoint", "hotline", "healthcloud")

# Noise rates a sloppy writer makes more often (address parts, identity fields). Facts about
# the person (a new SIM, a landline at home) and about the place are not the writer's noise.
_ADDRESS_NOISE = (
    "street_alias",
    "community_paren",
    "community_prefix",
    "missing_room",
    "missing_lane",
    "shorthand",
    "cn_numerals",
    "road_homophone",
    "road_typo",
    "extra_words",
    "fullwidth",
    "spaces",
    "traditional",
    "punct",
    "rural_no_cun",
    "rural_dui",
    "rural_cn_group",
    "rural_no_hao",
    "rural_missing_number",
    "village_homophone",
)
_IDENTITY_NOISE = (
    "name_blank",
    "name_homophone",
    "name_lookalike",
    "name_traditional",
    "name_spaces",
    "name_pinyin",
    "minority_sep",
    "id_missing",
    "id_typo",
    "id_transposition",
    "id_15digit",
    "id_fullwidth",
    "id_spaces",
    "id_type_variant",
    "phone_missing",
    "phone_format",
    "phone_typo",
)


def parse_variations(text: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """'sloppy,movers' / 'sloppy+movers' / ['sloppy', 'movers'] / 'base' → canonical names."""
    if text is None:
        return ()
    parts = [text] if isinstance(text, str) else list(text)
    names: set[str] = set()
    for part in parts:
        for name in part.replace("+", ",").split(","):
            name = name.strip()
            if not name or name == BASE:
                continue
            if name not in rates.VARIATIONS:
                raise StreetlinkError(
                    f"unknown variation {name!r}; choose from {BASE}, "
                    + ", ".join(rates.VARIATION_NAMES)
                )
            names.add(name)
    return tuple(n for n in rates.VARIATION_NAMES if n in names)


@dataclass
class Habits:
    """Every rate a world is generated with (copies: a variation never edits ``rates``)."""

    names: tuple[str, ...] = ()
    category_shares: dict = field(default_factory=lambda: copy.deepcopy(rates.CATEGORY_SHARES))
    address: dict = field(default_factory=lambda: copy.deepcopy(rates.ADDRESS))
    identity: dict = field(default_factory=lambda: copy.deepcopy(rates.IDENTITY))
    hotline: dict = field(default_factory=lambda: copy.deepcopy(rates.HOTLINE))
    healthcloud: dict = field(default_factory=lambda: copy.deepcopy(rates.HEALTHCLOUD))
    mover_share: float = rates.MOVER_SHARE
    outmover_share: float = rates.OUTMOVER_SHARE
    vague_who: dict = field(default_factory=lambda: dict(rates.VAGUE_WHO))
    # people (streetlink.synth.people: base values are its module constants)
    phone_shared_share: float = 0.25
    borrow_child: float = 0.7
    borrow_elderly: float = 0.5
    # the variations' own rates (rates.VARIATIONS[name]), present when active
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    # sloppy: per source, the rates of a careful and of a sloppy writer
    writers: dict[str, dict[str, dict]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return "+".join(self.names) or BASE

    def has(self, name: str) -> bool:
        return name in self.names

    def of(self, name: str) -> dict[str, Any]:
        return self.extra[name]

    def writer(self, source: str, sloppy: bool | None) -> tuple[dict, dict]:
        """(address rates, identity rates) of the record's writer (None: no writer mix)."""
        if sloppy is None:
            return self.address[source], self.identity[source]
        w = self.writers[source]["sloppy" if sloppy else "careful"]
        return w["address"], w["identity"]

    def expected(self, source: str, table: str, key: str) -> float:
        """The rate a test should observe for `key` of `table` ('address' | 'identity')."""
        base = (self.address if table == "address" else self.identity)[source][key]
        if not self.has("sloppy"):
            return base
        share = self.of("sloppy")["sloppy_share"][source]
        s = self.writers[source]["sloppy"][table][key]
        c = self.writers[source]["careful"][table][key]
        return share * s + (1 - share) * c


def _scaled(rates_: dict, keys: tuple[str, ...], factor: float, cap: float) -> dict:
    out = dict(rates_)
    for k in keys:
        if k in out:
            out[k] = min(cap, out[k] * factor) if factor > 1 else out[k] * factor
    return out


def habits_for(names: str | tuple[str, ...] | list[str] | None = None) -> Habits:
    """The habits of a world with these variations (none: the base world)."""
    chosen = parse_variations(names)
    h = Habits(names=chosen)
    for name in chosen:
        v = copy.deepcopy(rates.VARIATIONS[name])
        h.extra[name] = v
        if name == "phased_estates":
            for source in SOURCES:
                h.address[source]["phase_dropped"] = v["phase_dropped"]
                h.address[source]["phase_community_for_road"] = v["phase_community_for_road"]
        elif name == "shared_phones":
            h.phone_shared_share = v["phone_shared_share"]
            h.borrow_child = v["borrow_child"]
            h.borrow_elderly = v["borrow_elderly"]
            h.hotline["honorific"] = v["honorific"]
            h.hotline["relation"] = dict(v["relation"])
            h.identity["hotline"]["phone_typo"] = v["hotline_phone_typo"]
        elif name == "movers":
            h.mover_share = v["mover_share"]
            h.outmover_share = v["outmover_share"]
            h.category_shares = copy.deepcopy(v["category_shares"])
            h.vague_who = dict(v["vague_who"])
        elif name == "sloppy":
            for source in SOURCES:
                h.writers[source] = {}
                for kind in ("sloppy", "careful"):
                    factor = v[f"{kind}_factor"]
                    a = _scaled(h.address[source], _ADDRESS_NOISE, factor, v["cap"])
                    # the town before the road and the town of a village: written more by
                    # careful writers, left out by sloppy ones; old county names the reverse
                    a["street_named"] = min(v["cap"], h.address[source]["street_named"] * factor)
                    a["rural_town_named"] = 1 - min(
                        v["cap"], (1 - h.address[source]["rural_town_named"]) * factor
                    )
                    a["old_county"] = v["old_county"][kind]
                    a["road_suffix_dropped"] = v["road_suffix_dropped"][kind]
                    ident = _scaled(h.identity[source], _IDENTITY_NOISE, factor, v["cap"])
                    ident["id_other_person"] = v["id_other_person"][kind]
                    hint = v["hint"].get(source, {}).get(kind)
                    h.writers[source][kind] = {"address": a, "identity": ident, "hint": hint}
    return h
