"""What keeps a run an operator can leave alone: no orphan server, plain progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from streetlink import commands


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux")
def test_a_child_started_while_tied_dies_with_a_killed_parent(tmp_path):
    # The middle process plays `streetlink run`: it starts a long child the way prefect_api
    # starts Prefect's temporary server, then is killed with SIGKILL (no cleanup runs).
    script = (
        "import subprocess, sys, time\n"
        "from streetlink.commands import _children_die_with_us\n"
        "with _children_die_with_us():\n"
        "    child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    middle = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child = int(middle.stdout.readline())
    assert _alive(child)
    middle.send_signal(signal.SIGKILL)
    middle.wait()
    deadline = time.monotonic() + 30  # the kernel signals at once; allow for a loaded machine
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    assert not alive, "the child outlived its killed parent"


def test_popen_is_restored_after_the_tied_block():
    original = subprocess.Popen
    with commands._children_die_with_us():
        assert subprocess.Popen is not original
    assert subprocess.Popen is original


def test_the_temporary_server_is_started_tied_to_us(monkeypatch):
    from prefect.server.api.server import SubprocessASGIServer

    seen = {}

    def fake_start(self, timeout=None):
        seen["popen"] = subprocess.Popen
        seen["timeout"] = timeout
        self.port, self.running = 8999, True

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(SubprocessASGIServer, "start", fake_start)
    monkeypatch.setattr(SubprocessASGIServer, "stop", lambda self: seen.setdefault("stopped", True))
    monkeypatch.setattr(commands, "_drain_to_api", lambda: None)
    with commands.prefect_api() as url:
        from prefect.settings import PREFECT_API_URL

        assert url == "http://127.0.0.1:8999/api" == PREFECT_API_URL.value()
    assert seen["popen"] is not subprocess.Popen and seen["popen"].__name__ == "TiedPopen"
    assert seen["timeout"] >= 60 and seen["stopped"]


def test_a_configured_server_is_used_as_it_is(monkeypatch):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: "http://prefect.example:4200/api"}), commands.prefect_api() as url:
        assert url == "http://prefect.example:4200/api"


def test_no_progress_display_off_a_terminal(monkeypatch):
    from streetlink import nightly

    before = list(nightly._LISTENERS)
    with commands.step_progress("night"):
        assert nightly._LISTENERS == before  # not a terminal (pytest captures stderr)


def test_the_library_never_imports_the_flows():
    """Layering: flows/ wires streetlink's steps; streetlink finds the flows by entry point."""
    import ast
    from pathlib import Path

    package = Path(commands.__file__).parent
    offenders = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            offenders += [f"{path.name}: {n}" for n in names if n == "flows" or n.startswith("flows.")]
    assert offenders == []


def test_each_flow_is_found_by_name():
    for name in ("nightly", "train", "refresh"):
        assert callable(commands.flow(name))
    with pytest.raises(commands.StreetlinkError, match="no flow 'nope'"):
        commands.flow("nope")
