"""Trained linkage models as reviewed, versioned JSON files in ``linkage_models/``.

    address_model.json   Splink settings + trained λ, m, u for record → dwelling
    person_model.json    Splink settings + trained λ, m, u for record → person
    decision.json        the decision thresholds and why they are what they are
    MODEL_CARD.md        data, date, parameters and thresholds, for reviewers

A model's hash is the sha256 of its file's bytes; every report shows it. Files hold no
timestamp, so retraining on the same data reproduces the same bytes and the same hash.

The four files are one set: ``decision.json`` names the versions of the two models its
thresholds were chosen for, and ``check_model_set`` (run by ``model_info`` and
``load_decision``, so before any night is linked) refuses a folder where they differ.
Training writes a new set into a temporary sibling folder and ``install_models`` swaps it
in whole, so a training run that stops halfway leaves the old set untouched.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streetlink.errors import ModelError
from streetlink.link.specs import SPECS

__all__ = [
    "DECISION_FILE",
    "MODEL_CARD",
    "MODEL_FILES",
    "LinkageModel",
    "check_model_set",
    "install_models",
    "load_model",
    "model_info",
    "save_model",
]

MODEL_FILES = {"address_model": "address_model.json", "person_model": "person_model.json"}
DECISION_FILE = "decision.json"
MODEL_CARD = "MODEL_CARD.md"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class LinkageModel:
    name: str
    version: str
    sha256: str
    path: Path
    splink_settings: dict[str, Any]
    training: dict[str, Any]

    def parameters(self) -> dict[str, Any]:
        """λ and the m/u of every level: what the report shows."""
        out: dict[str, Any] = {
            "probability_two_random_records_match":
                self.splink_settings.get("probability_two_random_records_match"),
            "comparisons": {},
        }
        for comparison in self.splink_settings.get("comparisons", []):
            out["comparisons"][comparison["output_column_name"]] = [
                {"label": lvl.get("label_for_charts"), "m": lvl.get("m_probability"),
                 "u": lvl.get("u_probability")}
                for lvl in comparison["comparison_levels"] if not lvl.get("is_null_level")
            ]
        return out


def _canonical(payload: dict[str, Any]) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def save_model(models_dir: Path, name: str, splink_settings: dict[str, Any],
               training: dict[str, Any]) -> LinkageModel:
    if name not in SPECS:
        raise ModelError(f"unknown model {name!r}")
    models_dir.mkdir(parents=True, exist_ok=True)
    body = {"format_version": FORMAT_VERSION, "name": name, "description": SPECS[name].description,
            "training": training, "splink_settings": splink_settings}
    digest = hashlib.sha256(_canonical(body)).hexdigest()
    body["version"] = f"{training.get('trained_on', 'untrained')}-{digest[:8]}"
    data = _canonical(body)
    path = models_dir / MODEL_FILES[name]
    path.write_bytes(data)
    return load_model(models_dir, name)


def load_model(models_dir: Path, name: str) -> LinkageModel:
    path = models_dir / MODEL_FILES.get(name, f"{name}.json")
    if not path.is_file():
        raise ModelError(f"linkage model missing: {path} (train it with `streetlink train`)")
    data = path.read_bytes()
    try:
        body = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ModelError(f"linkage model {path} is not valid JSON: {exc}") from None
    if body.get("format_version") != FORMAT_VERSION or body.get("name") != name:
        raise ModelError(f"linkage model {path} has format {body.get('format_version')!r}/"
                         f"{body.get('name')!r}, expected {FORMAT_VERSION}/{name}")
    settings = body.get("splink_settings") or {}
    expected = [c["output_column_name"] for c in SPECS[name].comparisons]
    found = [c.get("output_column_name") for c in settings.get("comparisons", [])]
    if found != expected:
        raise ModelError(f"linkage model {path} compares {found}, the code expects {expected}: retrain")
    untrained = [c["output_column_name"] for c in settings["comparisons"]
                 for lvl in c["comparison_levels"]
                 if not lvl.get("is_null_level") and lvl.get("m_probability") is None]
    if untrained:
        raise ModelError(f"linkage model {path} has untrained levels in {sorted(set(untrained))}")
    return LinkageModel(name=name, version=body.get("version", "?"), sha256=hashlib.sha256(data).hexdigest(),
                        path=path, splink_settings=settings, training=body.get("training", {}))


def _read_decision(models_dir: Path) -> dict[str, Any]:
    path = models_dir / DECISION_FILE
    if not path.is_file():
        raise ModelError(f"decision thresholds missing: {path} (train with `streetlink train`)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"decision thresholds {path} are not valid JSON: {exc}") from None


def check_model_set(models_dir: Path, models: dict[str, LinkageModel] | None = None) -> None:
    """Refuse a decision.json whose thresholds were chosen for other model versions."""
    models_dir = Path(models_dir)
    decision = _read_decision(models_dir)
    models = models or {name: load_model(models_dir, name) for name in MODEL_FILES}
    wrong = [(name, decision[name], m.version) for name, m in models.items()
             if decision.get(name) is not None and decision[name] != m.version]
    if wrong:
        named = ", ".join(f"{n} {want}" for n, want, _ in wrong)
        found = ", ".join(f"{n} {got}" for n, _, got in wrong)
        raise ModelError(
            f"{models_dir / DECISION_FILE} was chosen for {named}, but {models_dir} holds {found}: "
            "the model files do not belong together (a training run that stopped halfway?); "
            "restore the matching set or retrain")


def install_models(staging: Path, target: Path) -> None:
    """Swap the complete set trained into `staging` (a sibling of `target`) in as `target`.

    The new set is checked first (both models, decision.json naming them, the model
    card); other files of the old folder are carried over; the folder is then exchanged
    whole (dispatch.swap.publish), so readers see the old set or the new one, never a mix.
    """
    import shutil

    from streetlink.dispatch.swap import apply_mode, publish

    staging, target = Path(staging), Path(target)
    missing = [f for f in (*MODEL_FILES.values(), DECISION_FILE, MODEL_CARD) if not (staging / f).is_file()]
    if missing:
        raise ModelError(f"training left an incomplete model set in {staging}: {', '.join(missing)} missing")
    check_model_set(staging)
    if target.is_dir():
        for extra in target.iterdir():
            if extra.is_file() and not (staging / extra.name).exists():
                shutil.copy2(extra, staging / extra.name)
    apply_mode(staging, None)  # temporary folders are private; models are read by other accounts
    publish(staging, target)


def model_info(models_dir: Path) -> dict[str, Any]:
    """Name, version and hash of each model and of the thresholds: for reports.

    Fails (ModelError) when the thresholds name other model versions than the files hold.
    """
    info: dict[str, Any] = {}
    models = {name: load_model(models_dir, name) for name in MODEL_FILES}
    if (models_dir / DECISION_FILE).is_file():
        check_model_set(models_dir, models)
    for name, m in models.items():
        info[name] = {"version": m.version, "sha256": m.sha256, "path": str(m.path),
                      "lambda": m.splink_settings.get("probability_two_random_records_match")}
    if (models_dir / DECISION_FILE).is_file():
        from streetlink.decide.thresholds import load_decision  # the decide stage owns its file

        decision = load_decision(models_dir)
        info["decision"] = {"sha256": decision["sha256"], "thresholds": decision["thresholds"]}
    return info
