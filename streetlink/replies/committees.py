"""转派至 → a Pudong committee code, by code or by name, or an honest "cannot tell".

A street writes the right committee as it says it: ``310115005001``, ``梅园一村居委会``,
``梅园一村居委``, ``梅园一村居民区``, ``梅园一村社区``, ``陆家嘴街道梅园一村``, or a committee
code that Excel turned into a number. The resolver knows the committees of ``admin``
(contract ADMIN) and answers with a code only when exactly one committee fits: a name
that several committees share (东南居委会 is in two streets) is ``ambiguous`` unless the
text also names the street; a name or code Pudong does not have is ``not_found``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from streetlink.replies.cells import committee_codes_in, typed_committee_code

__all__ = ["CommitteeResolver", "Resolution"]

# Longest first: 居民委员会 before 委员会, 村委会 before 村委.
_SUFFIXES = ("居民委员会", "村民委员会", "委员会", "居委会", "村委会", "居民区", "居委", "村委", "社区")
_NOISE = re.compile(r"[\s·•,，。.、:：;；()（）\[\]【】<>《》\"'“”‘’-]+")
_PREFIXES = ("上海市", "上海", "浦东新区", "浦东")
_STREET_SUFFIXES = ("街道", "新镇", "镇")


@dataclass(frozen=True)
class Resolution:
    committee_code: str | None
    status: str  # resolved | ambiguous | not_found | empty


def _squash(value: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", value))


def _core(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _keys(name: str) -> list[str]:
    """Ways of writing one committee's name, most exact first: full, core, core without 村."""
    full = _squash(name)
    core = _core(full)
    keys = [full, core]
    # 梅园村村委会 is also written 梅园村委 (core 梅园): drop the village's own 村 as a last resort.
    if core.endswith("村") and len(core) > 1:
        keys.append(core[:-1])
    return keys


class CommitteeResolver:
    """Resolve 转派至 text against the committees of one admin table."""

    def __init__(self, admin_rows: Iterable[tuple[str, str, str, str]]):
        """`admin_rows`: (street_code, street_name, committee_code, committee_name)."""
        self._street_of: dict[str, str] = {}
        self._by_key: list[dict[str, set[str]]] = [defaultdict(set) for _ in range(3)]
        street_names: dict[str, str] = {}
        for street_code, street_name, committee_code, committee_name in admin_rows:
            self._street_of[committee_code] = street_code
            street_names[street_code] = street_name
            for tier, key in enumerate(_keys(committee_name)):
                if key:
                    self._by_key[tier][key].add(committee_code)
        # A street named before the committee: its full name, and the name without 街道/镇.
        self._street_prefixes: list[tuple[str, str]] = []
        for code, name in street_names.items():
            forms = {_squash(name)}
            for suffix in _STREET_SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix) + 1:
                    forms.add(_squash(name[: -len(suffix)]))
            self._street_prefixes += [(form, code) for form in forms]
        self._street_prefixes.sort(key=lambda p: -len(p[0]))

    def street_of(self, committee_code: str) -> str | None:
        return self._street_of.get(committee_code)

    def resolve(self, value: object) -> Resolution:
        code = typed_committee_code(value)
        codes = [code] if code else committee_codes_in(value)
        if codes:
            known = [c for c in dict.fromkeys(codes) if c in self._street_of]
            if len(known) == 1:
                return Resolution(known[0], "resolved")
            return Resolution(None, "ambiguous" if known else "not_found")
        if value is None:
            return Resolution(None, "empty")
        name = _squash(str(value))
        for prefix in _PREFIXES:
            if name.startswith(prefix) and len(name) > len(prefix):
                name = name[len(prefix):]
        if not name:
            return Resolution(None, "empty")
        whole = self._lookup(name, None)
        if whole.status == "resolved":
            return whole
        # 陆家嘴街道梅园一村 / 陆家嘴梅园一村: the street named first narrows the committees.
        for form, street_code in self._street_prefixes:
            if name.startswith(form) and len(name) > len(form):
                within = self._lookup(name[len(form):], street_code)
                if within.status == "resolved":
                    return within
        return whole

    def _lookup(self, name: str, street: str | None) -> Resolution:
        for key in dict.fromkeys(_keys(name)):
            for tier in self._by_key:
                found = tier.get(key, set())
                if street is not None:
                    found = {c for c in found if self._street_of[c] == street}
                if len(found) == 1:
                    return Resolution(next(iter(found)), "resolved")
                if len(found) > 1:
                    return Resolution(None, "ambiguous")
        return Resolution(None, "not_found")
