"""The four model files are one set: checked together, installed together."""

from __future__ import annotations

import json
import shutil
import stat

import pytest

from streetlink.dispatch.swap import current_umask
from streetlink.decide import load_decision
from streetlink.errors import ModelError
from streetlink.link.models import (
    DECISION_FILE,
    check_model_set,
    install_models,
    model_info,
)
from streetlink.paths import models_dir


@pytest.fixture
def models(tmp_path):
    target = tmp_path / "linkage_models"
    shutil.copytree(models_dir(), target)
    return target


def _rename_version(folder, name, version):
    path = folder / DECISION_FILE
    body = json.loads(path.read_text(encoding="utf-8"))
    body[name] = version
    path.write_text(json.dumps(body), encoding="utf-8")


def test_the_shipped_set_belongs_together(models):
    check_model_set(models)
    assert set(model_info(models)) == {"address_model", "person_model", "decision"}


def test_thresholds_for_other_model_versions_are_refused_with_a_clear_message(models):
    _rename_version(models, "person_model", "2026-11-30-deadbeef")
    for call in (check_model_set, load_decision, model_info):
        with pytest.raises(ModelError) as caught:
            call(models)
        message = str(caught.value)
        assert "person_model 2026-11-30-deadbeef" in message and "do not belong together" in message
        assert "address_model" not in message  # the model that matches is not blamed


def test_an_incomplete_or_mismatched_set_is_not_installed(models, tmp_path):
    before = {p.name: p.read_bytes() for p in models.iterdir()}
    staging = tmp_path / ".linkage_models.staging-x"
    shutil.copytree(models, staging)
    (staging / "MODEL_CARD.md").unlink()
    with pytest.raises(ModelError, match="MODEL_CARD.md missing"):
        install_models(staging, models)
    (staging / "MODEL_CARD.md").write_text("card", encoding="utf-8")
    _rename_version(staging, "address_model", "other")
    with pytest.raises(ModelError, match="do not belong together"):
        install_models(staging, models)
    assert {p.name: p.read_bytes() for p in models.iterdir()} == before


def test_a_complete_set_is_swapped_in_whole(models, tmp_path):
    (models / "NOTES.txt").write_text("kept", encoding="utf-8")
    staging = tmp_path / ".linkage_models.staging-y"
    staging.mkdir(mode=0o700)
    for f in ("address_model.json", "person_model.json", DECISION_FILE):
        shutil.copy2(models / f, staging / f)
    (staging / "MODEL_CARD.md").write_text("new card", encoding="utf-8")
    install_models(staging, models)
    assert (models / "MODEL_CARD.md").read_text(encoding="utf-8") == "new card"
    assert (models / "NOTES.txt").read_text(encoding="utf-8") == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkage_models"]  # no staging or old copy left
    # not the private 0700 of a temporary folder: what the umask allows, as for any new folder
    assert stat.S_IMODE(models.stat().st_mode) == 0o777 & ~current_umask()
    check_model_set(models)
