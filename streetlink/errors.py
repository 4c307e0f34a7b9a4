"""Errors a user can act on. The command line prints their message as one line."""

from __future__ import annotations


class StreetlinkError(Exception):
    """Base class: a problem the user can fix (bad path, bad input, missing model)."""


class InputFileError(StreetlinkError):
    """One input file cannot be read as its source's format (it fails alone)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ContractViolation(StreetlinkError):
    """A table breaks its declared contract; carries every violation, not just the first."""

    def __init__(self, contract: str, violations: list[str]):
        shown = "; ".join(violations[:10])
        more = f" (+{len(violations) - 10} more)" if len(violations) > 10 else ""
        super().__init__(f"{contract} breaks its contract: {shown}{more}")
        self.contract = contract
        self.violations = violations


class RegistryError(StreetlinkError):
    """The registry folder is missing, incomplete or unreadable."""


class ModelError(StreetlinkError):
    """A linkage model JSON is missing, invalid or does not match the code."""
