"""streetlink: place a night's checkpoint, hotline and health-cloud records on Pudong's
streets (街镇) and committees (居村委) by linking them to the population (人口库) and
actual-housing (实有房屋库) registries.

The package tree is the data flow, in order:

    ingest → standardise → link → decide → dispatch → report

plus ``synth`` (a synthetic Pudong with ground truth) and ``evaluate`` (accuracy against
that truth, and the naive "before" baseline).
"""

__version__ = "0.1.0"
