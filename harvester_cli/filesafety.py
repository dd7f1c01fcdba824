"""Private files and directories: the lock directory, its lock files and the SQLite store.

A path that another user could write to, replace or redirect (owned by someone else, group- or
world-writable, a symbolic link) is refused with a ConfigError (exit 2) that says how to fix it.
New files and directories are created private (0600 / 0700) whatever the umask.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from harvester_cli import errors

CHECKED = os.name == "posix"


def _owner(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _writable_by(mode: int) -> str:
    who = [name for bit, name in ((stat.S_IWGRP, "its group"), (stat.S_IWOTH, "every user")) if mode & bit]
    return " and ".join(who)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise errors.ConfigError(f"cannot inspect {path}: {exc.strerror}") from None


def check_private_dir(path: Path, *, what: str, fix: str) -> None:
    """`path` (which exists) is a real directory of ours that nobody else may write to."""
    if not CHECKED:
        return
    st = _stat(path)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        raise errors.ConfigError(
            f"{what} {path} is a symbolic link, which could point anywhere; remove the link "
            f"(`rm {path}`) so it is created as a private directory, or {fix}"
        )
    if not stat.S_ISDIR(st.st_mode):
        raise errors.ConfigError(f"{what} {path} is not a directory; remove it or {fix}")
    if st.st_uid != os.geteuid():
        raise errors.ConfigError(
            f"{what} {path} is owned by {_owner(st.st_uid)}, not by you ({_owner(os.geteuid())}); "
            f"run as its owner or {fix}"
        )
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise errors.ConfigError(
            f"{what} {path} is writable by {_writable_by(st.st_mode)} (mode {stat.S_IMODE(st.st_mode):03o}), "
            f"so others could replace its files; run `chmod 700 {path}`"
        )


def check_private_file(path: Path, *, what: str, link_fix: str | None = None) -> None:
    """`path`, if it exists, is a regular file of ours that nobody else may write to."""
    if not CHECKED:
        return
    st = _stat(path)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        raise errors.ConfigError(
            f"{what} {path} is a symbolic link (was it replaced?) and is never followed; "
            + (link_fix or f"remove the link (`rm {path}`): harvester creates the file again")
        )
    if not stat.S_ISREG(st.st_mode):
        raise errors.ConfigError(f"{what} {path} is not a regular file; remove it")
    if st.st_uid != os.geteuid():
        raise errors.ConfigError(
            f"{what} {path} is owned by {_owner(st.st_uid)}, not by you ({_owner(os.geteuid())}); "
            "run harvester as its owner"
        )
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise errors.ConfigError(
            f"{what} {path} is writable by {_writable_by(st.st_mode)} (mode {stat.S_IMODE(st.st_mode):03o}); "
            f"run `chmod go-w {path}` (or `chmod 600 {path}`)"
        )


def make_private_dir(path: Path) -> bool:
    """Create `path` (and missing parents) with the directory itself 0700; True if created."""
    if os.path.lexists(path):
        return False
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if CHECKED:
        os.chmod(path, 0o700)  # whatever the umask
    return True


def create_private_file(path: Path) -> bool:
    """Create an empty file readable and writable by its owner only; True if created here."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        return False
    try:
        if CHECKED:
            os.fchmod(fd, 0o600)  # whatever the umask
    finally:
        os.close(fd)
    return True
