"""Publish a night's outputs whole: build them in a hidden sibling folder, then swap it in.

``staging_dir_for(<out>/<date>)`` gives a fresh ``<out>/.<date>.staging-XXXX`` folder on the
same filesystem; the run writes links.parquet, dispatch/ and review/ there; ``publish``
then replaces ``<out>/<date>`` with it. The swap is one atomic ``renameat2(RENAME_EXCHANGE)``
where Linux offers it; elsewhere the old folder is renamed aside (``.<date>.old-XXXX``),
the new one renamed in, and the old one deleted. Either way a reader sees the previous
complete night or the new complete night, never a mixture; a crash between the two
renames leaves the previous night aside, and the next ``staging_dir_for``/``publish`` of
that date puts it back. Leftover hidden folders are never mistaken for the date's output.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from streetlink.errors import StreetlinkError

__all__ = ["apply_mode", "current_umask", "publish", "recover", "staging_dir_for"]

log = logging.getLogger(__name__)

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _staging_prefix(final_dir: Path) -> str:
    return f".{final_dir.name}.staging-"


def _aside_prefix(final_dir: Path) -> str:
    return f".{final_dir.name}.old-"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover(final_dir: Path, keep: Path | None = None) -> None:
    """Undo what a crash mid-publish can leave: restore the previous night or drop its copy.

    Also deletes staging folders of this date left by crashed runs (all but `keep`): one
    run per date at a time is assumed.
    """
    final_dir = Path(final_dir)
    parent = final_dir.parent
    if not parent.is_dir():
        return
    asides = sorted(p for p in parent.iterdir() if p.name.startswith(_aside_prefix(final_dir)))
    if asides and not final_dir.exists():
        # Crashed between "old aside" and "new in": the previous night is the newest aside.
        newest = max(asides, key=lambda p: p.stat().st_mtime_ns)
        os.rename(newest, final_dir)
        asides.remove(newest)
        log.warning("restored %s from %s after an interrupted publish", final_dir, newest.name)
    stagings = sorted(p for p in parent.iterdir() if p.name.startswith(_staging_prefix(final_dir)))
    for stale in asides + stagings:
        if keep is not None and stale.resolve() == Path(keep).resolve():
            continue
        log.warning("removing leftover folder %s", stale)
        shutil.rmtree(stale, ignore_errors=True)


def staging_dir_for(final_dir: Path) -> Path:
    """A fresh, empty, hidden sibling of `final_dir` to write the night into."""
    final_dir = Path(final_dir)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(final_dir)
    return Path(tempfile.mkdtemp(prefix=_staging_prefix(final_dir), dir=final_dir.parent))


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False if the platform cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def current_umask() -> int:
    """The process umask (read from /proc where it can be, without changing it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def apply_mode(root: Path, file_mode: int | None) -> None:
    """Give every file under `root` `file_mode` and every folder the same bits plus x where r.

    Temporary folders and files are created private (0700 / 0600); before a night is
    published its tree gets the configured mode, or — `file_mode` None — what the umask
    allows a new file (0666 & ~umask) and folder (0777 & ~umask), as if written in place.
    """
    if file_mode is None:
        mask = current_umask()
        file_mode, dir_mode = 0o666 & ~mask, 0o777 & ~mask
    else:
        dir_mode = file_mode | ((file_mode & 0o444) >> 2)
    root = Path(root)
    os.chmod(root, dir_mode)
    for dirpath, dirnames, filenames in os.walk(root):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), dir_mode)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), file_mode)


def publish(temp_dir: Path, final_dir: Path, *, atomic_exchange: bool = True) -> None:
    """Replace `final_dir` with `temp_dir` whole (same filesystem), then delete the old one."""
    temp_dir, final_dir = Path(temp_dir), Path(final_dir)
    if not temp_dir.is_dir():
        raise StreetlinkError(f"nothing to publish: {temp_dir} is not a folder")
    if temp_dir.resolve().parent != final_dir.resolve().parent:
        raise StreetlinkError(f"{temp_dir} must be a sibling of {final_dir} (same filesystem)")
    recover(final_dir, keep=temp_dir)
    old: Path | None = None
    if final_dir.exists():
        if atomic_exchange and _exchange(temp_dir, final_dir):
            old = temp_dir  # after the exchange the staging name holds the previous night
        else:
            old = final_dir.parent / f"{_aside_prefix(final_dir)}{uuid.uuid4().hex[:12]}"
            os.rename(final_dir, old)
            try:
                os.rename(temp_dir, final_dir)
            except BaseException:
                os.rename(old, final_dir)
                raise
    else:
        os.rename(temp_dir, final_dir)
    _fsync_dir(final_dir.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    log.info("published %s", final_dir)
