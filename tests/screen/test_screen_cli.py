"""`streetlink screen --rules NEW --date D --out OUT`: the replay on the command line."""

from __future__ import annotations

from streetlink.cli import EXIT_FAILED, EXIT_OK, main
from streetlink.screen import write_screen_outputs


def test_screen_command_prints_the_difference(rules, tiny, tmp_path, capsys, write_rules, shipped_rules_text):
    tiny.add("GD1", "hotline", 工单类别="城市管理-群租")
    done = tiny.screen(rules)
    write_screen_outputs(done.con, tmp_path / "out" / "2026-11-24", rules, done.summary)
    new = write_rules(tmp_path / "new", shipped_rules_text.replace('deadline_hours = 48', 'deadline_hours = 12'))
    code = main(["screen", "--rules", str(new), "--date", "2026-11-24", "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().out
    assert code == EXIT_OK
    assert "~ group_rental_reported: deadline_hours 48.0 → 12.0" in printed
    assert "records with another deadline: 1" in printed

    bad = write_rules(tmp_path / "bad", shipped_rules_text.replace("record.matter = '群租'", "record.matter = "))
    assert main(["screen", "--rules", str(bad), "--date", "2026-11-24", "--out", str(tmp_path / "out")]) == EXIT_FAILED
    assert "rule 'group_rental_reported': the condition does not parse" in capsys.readouterr().err
