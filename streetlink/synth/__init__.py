"""Synthetic Pudong with ground truth: registries, nightly inbox extracts, truth tables.

There is no real personal data in this project; every accuracy figure is measured on what
this package generates, so the data is made as messy as real extracts (rates and their
reasons: docs/synthetic_data.md).

Flow: ``profiles`` (sizes) → ``geography`` (streets, committees, roads, communities,
dwellings) → ``people`` (households, names, IDs, phones) → ``night`` (records: persons,
places, messiness via ``identity`` and ``addresses``, truth) → ``writers`` (files).
``generate.generate`` runs it; ``measure`` reads a generated inbox back for measurements.
"""

from streetlink.synth.generate import GENERATOR_VERSION, GenerationSummary, generate
from streetlink.synth.profiles import PROFILES, Profile

__all__ = ["GENERATOR_VERSION", "PROFILES", "GenerationSummary", "Profile", "generate"]
