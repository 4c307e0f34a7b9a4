"""Who a careful clerk holding the population registry finds from a record's identity fields.

Goal: the truth's ``person_identifiable`` and the person step of ``placeable`` follow what a
clerk can establish from what is written (docs/synthetic_data.md, "Truth and the placeable
rule", step 8), never from how the record was made.

Input → output: the registry (``People``), a record's ``Evidence`` (the typed ID's holder, a
one-slip ID, the written name, the typed phone digits, an honorific's surname and sex) →
the registry index the clerk identifies, or None (nobody, or no way to choose).

The rules of the thorough clerk (generator 1.3; the basic clerk of 1.2 stops at the typed
ID, a one-slip ID with the exact name, and the person's own registry phone with the name),
in order:
1. The typed ID is a registry ID: its holder, unless the written name is exactly another
   member of the holder's household and no one else there (the father's ID under the son's
   name identifies the son).
2. The ID is one slip off and the name is exactly the registry name.
3. The typed mobile is a registry phone: the one person registered under it with exactly
   the written name, or for 王女士 the one adult (18+) of that surname and sex. When nobody
   under it matches: the same search over every registry phone one digit away, accepted
   only when it finds exactly one person.
4. (hotline, ``by_name_in_units``) the written full name belongs to exactly one registered
   resident of the lane or community the matter's address names.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from streetlink.synth.identity import Evidence
from streetlink.synth.people import People

__all__ = ["ADULT_AGE", "RegistryIndex"]

ADULT_AGE = 18  # a hotline caller is an adult


class RegistryIndex:
    """Look-ups over the registry: persons by phone, by household, by dwelling (built once)."""

    def __init__(self, people: People):
        self.people = people
        phone = people.phone
        keep = np.flatnonzero(phone > 0)
        order = keep[np.argsort(phone[keep], kind="stable")]
        self._phone_order = order
        self._phones = phone[order]
        housed = np.flatnonzero(people.house >= 0)
        horder = housed[np.argsort(people.house[housed], kind="stable")]
        self._house_order = horder
        self._houses = people.house[horder]
        self._norm: dict[int, str] = {}

    # ------------------------------------------------------------ registry facts
    def norm(self, i: int) -> str:
        """The registry name as a clerk compares it (no separators)."""
        name = self._norm.get(i)
        if name is None:
            name = self._norm[i] = self.people.name[i].replace("·", "")
        return name

    def honorific_part(self, i: int) -> str:
        """What 某先生 says of person i: the surname, or a minority name's first part."""
        return self.people.surname[i] or self.people.given[i]

    def is_adult(self, i: int, on: dt.date) -> bool:
        birth = self.people.birth[i].astype(object)
        return (on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))) >= ADULT_AGE

    def under_phone(self, phone: int) -> np.ndarray:
        lo = np.searchsorted(self._phones, phone, "left")
        hi = np.searchsorted(self._phones, phone, "right")
        return self._phone_order[lo:hi]

    def registered_in(self, first: int, count: int) -> np.ndarray:
        """Persons registered in dwellings first .. first+count-1 (one building)."""
        lo = np.searchsorted(self._houses, first, "left")
        hi = np.searchsorted(self._houses, first + count, "left")
        return self._house_order[lo:hi]

    # ------------------------------------------------------------ the rules
    def _matches(self, persons: np.ndarray, ev: Evidence, on: dt.date) -> list[int]:
        if ev.honorific is not None:
            part, male = ev.honorific
            return [
                int(i)
                for i in persons.tolist()
                if bool(self.people.male[i]) == male
                and self.honorific_part(i) == part
                and self.is_adult(i, on)
            ]
        if ev.name_written:
            return [int(i) for i in persons.tolist() if self.norm(i) == ev.name_written]
        return []

    def by_phone(self, ev: Evidence, on: dt.date) -> int | None:
        if not ev.phone_typed or (ev.honorific is None and not ev.name_written):
            return None
        found = self._matches(self.under_phone(ev.phone_typed), ev, on)
        if found:
            return found[0] if len(found) == 1 else None
        digits = str(ev.phone_typed)
        near: list[int] = []
        for pos in range(1, len(digits)):
            for d in "0123456789":
                if d != digits[pos]:
                    near.append(int(digits[:pos] + d + digits[pos + 1 :]))
        phones = np.asarray(near, dtype=np.int64)
        lo = np.searchsorted(self._phones, phones, "left")
        hi = np.searchsorted(self._phones, phones, "right")
        found = []
        for a, b in zip(lo.tolist(), hi.tolist()):
            if b > a:
                found += self._matches(self._phone_order[a:b], ev, on)
                if len(found) > 1:
                    return None
        return found[0] if len(found) == 1 else None

    def identify(
        self, ev: Evidence, on: dt.date, true_index: int, thorough: bool = True
    ) -> int | None:
        """Rules 1-3: the registry index identified, None when nobody can be chosen.

        ``thorough=False``: the basic clerk of generator 1.2 (the typed ID's holder; a
        one-slip ID with the exact name; the person's own registry phone with the exact name
        or a matching 王女士, without asking whether someone else under it matches too)."""
        if not thorough:
            if ev.id_person is not None and ev.id_person >= 0:
                return ev.id_person
            near_id = ev.id_near and ev.name_exact
            phone_and_name = ev.phone_registry and (ev.name_exact or ev.honorific_ok)
            return true_index if true_index >= 0 and (near_id or phone_and_name) else None
        if ev.id_person is not None and ev.id_person >= 0:
            holder = ev.id_person
            if ev.name_written and self.norm(holder) != ev.name_written:
                h = int(self.people.household[holder])
                start, size = int(self.people.hh_start[h]), int(self.people.hh_size[h])
                same = [m for m in range(start, start + size) if self.norm(m) == ev.name_written]
                if len(same) == 1:
                    return same[0]
            return holder
        if ev.id_near and ev.name_exact and true_index >= 0:
            return true_index
        return self.by_phone(ev, on)

    def by_name_in_units(self, ev: Evidence, buildings: list[tuple[int, int]]) -> int | None:
        """Rule 4: the written full name among the residents of these buildings
        ((first dwelling, dwelling count) each): the one person, or None."""
        if not ev.name_written or ev.honorific is not None:
            return None
        found: set[int] = set()
        for first, count in buildings:
            for i in self.registered_in(first, count).tolist():
                if self.norm(i) == ev.name_written:
                    found.add(int(i))
                    if len(found) > 1:
                        return None
        return next(iter(found)) if found else None
