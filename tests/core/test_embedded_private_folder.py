"""Run as root from a private folder (root's home, mode 700): the embedded server still starts,
and no folder outside the data folder has its permissions changed (it used to open every parent
folder, root's home included, to every user of the machine)."""

import os
import shutil
import stat
import tempfile
from pathlib import Path

import psycopg
import pytest

from lib.core import embedded


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another OS user (CI runs as root)")
def test_a_server_in_a_private_folder_starts_without_opening_it():
    private = Path(tempfile.mkdtemp(prefix="cantine-private-"))  # mode 700, like /root
    data = private / "project" / ".data"
    data.mkdir(parents=True)
    (private / "project").chmod(0o700)
    before = {p: stat.S_IMODE(p.stat().st_mode) for p in (private, private / "project")}
    home = embedded.server_home(data)
    try:
        assert home.parent == embedded.SERVER_HOMES, "the server's files go where its OS user can reach"
        info = embedded.ensure_running(data)
        with psycopg.connect(info) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
        after = {p: stat.S_IMODE(p.stat().st_mode) for p in before}
        assert after == before == {private: 0o700, private / "project": 0o700}
        assert embedded.server_pid(data) is not None
        assert (home / "data_folder").read_text().strip() == str(data)
        assert embedded.stop(data)
        assert embedded.server_pid(data) is None
        assert embedded.delete_data(data)
    finally:
        if embedded.server_pid(data):
            embedded.stop(data, "immediate")
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


def test_a_reachable_data_folder_keeps_the_server_inside_it():
    data = Path(tempfile.mkdtemp(prefix="cantine-reachable-"))  # in /tmp, which everyone may enter
    try:
        assert embedded.server_home(data) == data
        assert embedded.pgdata(data) == data / "pg"
    finally:
        data.rmdir()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root runs the server as another OS user (CI runs as root)")
def test_the_server_runs_as_its_own_user_and_group_not_roots(tmp_path):
    done = embedded._run(["id", "-G"], embedded._os_user())
    assert done.stdout.split() == [str(embedded.pwd.getpwnam(embedded.PG_USER_OS).pw_gid)]
