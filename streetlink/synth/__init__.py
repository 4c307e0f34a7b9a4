"""Synthetic Pudong with ground truth: registries, nightly inbox extracts, truth tables.

There is no real personal data in this project; every accuracy figure is measured on what
this package generates, so the data is made as messy as real extracts (rates and their
reasons: docs/synthetic_data.md).

Flow: ``variations`` (the world's habits: base or varied) → ``profiles`` (sizes) →
``geography`` (streets, committees, roads, communities, dwellings) → ``people``
(households, names, IDs, phones) → ``registry_dirt`` (variation dirty_registry) → ``night``
(records: persons, places, messiness via ``identity``, ``addresses`` and ``travel``; truth
via ``placeable`` and ``clerk``) → ``writers`` (files). ``generate.generate`` runs it;
``measure`` reads a generated inbox back for measurements; ``streets`` simulates the
streets' and clerks' replies to a run's packets.
"""

from streetlink.synth.generate import GENERATOR_VERSION, GenerationSummary, generate
from streetlink.synth.profiles import PROFILES, Profile

__all__ = ["GENERATOR_VERSION", "PROFILES", "GenerationSummary", "Profile", "generate"]
