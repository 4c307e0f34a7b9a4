"""Resident ID numbers (GB 11643-1999) and phone numbers for synthetic people.

Input: region codes, birth dates, sequence numbers (numpy arrays, or scalars).
Output: valid 18-character IDs with the ISO 7064 MOD 11-2 check character, the old
15-digit form, and 11-digit mobiles / Shanghai landlines.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CHECK_CHARS",
    "check_char",
    "id15_from_id18",
    "id18_from_parts",
    "is_valid_id18",
    "landline",
    "mobile_numbers",
]

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = "10X98765432"
_POW10 = 10 ** np.arange(16, -1, -1, dtype=np.int64)


def check_char(first17: str) -> str:
    """Check character of a 17-digit ID body."""
    total = sum(int(d) * int(w) for d, w in zip(first17, _WEIGHTS))
    return CHECK_CHARS[total % 11]


def is_valid_id18(value: str) -> bool:
    return (
        len(value) == 18
        and value[:17].isdigit()
        and value[17] in "0123456789X"
        and check_char(value[:17]) == value[17]
    )


def id18_from_parts(region: np.ndarray, yyyymmdd: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """Vectorised: region (6 digits), birth date (int yyyymmdd), sequence 0..999 -> IDs."""
    body = (
        region.astype(np.int64) * 10**11 + yyyymmdd.astype(np.int64) * 1000 + seq.astype(np.int64)
    )
    digits = (body[:, None] // _POW10[None, :]) % 10
    check = (digits * _WEIGHTS[None, :]).sum(axis=1) % 11
    chars = np.array(list(CHECK_CHARS))[check]
    return np.char.add(body.astype(str), chars)


def id15_from_id18(id18: str) -> str:
    """The first-generation 15-digit form: no century, no check character."""
    return id18[:6] + id18[8:17]


def mobile_numbers(
    rng: np.random.Generator, n: int, segments: tuple[int, ...], p: np.ndarray
) -> np.ndarray:
    """n 11-digit mobile numbers as int64 (segment + 8 random digits)."""
    seg = np.asarray(segments, dtype=np.int64)[rng.choice(len(segments), size=n, p=p)]
    return seg * 10**8 + rng.integers(0, 10**8, size=n, dtype=np.int64)


def landline(rng: np.random.Generator) -> str:
    """A Pudong-looking 8-digit landline (58xx/68xx/50xx/38xx exchanges), without area code."""
    head = ["5888", "5880", "6876", "6885", "5031", "3881", "5835", "6854", "5017", "2025"]
    return head[int(rng.integers(len(head)))] + f"{int(rng.integers(0, 10_000)):04d}"
