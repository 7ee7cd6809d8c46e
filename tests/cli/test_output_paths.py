"""What ``-o PATH`` does, by what PATH is (issue 11, class 8): never a rename over a
device, a FIFO or a link, never a file without --force, the mode the user would get
from any other tool, and no folder created behind their back."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from advisor.system.errors import InputError
from advisor.system.fileio import write_files

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX files")

ANSWERS = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


@pytest.fixture
def answers(write):
    return write("app.yaml", ANSWERS)


def manifest(cli, answers, target, *flags):
    return cli("manifest", answers, "-o", str(target), *flags)


def test_a_dangling_link_exists_and_is_not_replaced_without_force(cli, answers, tmp_path):
    (tmp_path / "out.yaml").symlink_to("nowhere.yaml")
    run = manifest(cli, answers, tmp_path / "out.yaml")
    assert run.status == 2 and "a symbolic link" in run.stderr
    assert not (tmp_path / "nowhere.yaml").exists()


def test_with_force_a_link_is_written_through_and_stays_a_link(cli, answers, tmp_path):
    (tmp_path / "real.yaml").write_text("old\n")
    (tmp_path / "out.yaml").symlink_to("real.yaml")
    assert manifest(cli, answers, tmp_path / "out.yaml", "--force").status == 0
    assert (tmp_path / "out.yaml").is_symlink() and "kind: Deployment" in (tmp_path / "real.yaml").read_text()


def test_with_force_a_dangling_link_creates_the_file_it_names(cli, answers, tmp_path):
    (tmp_path / "out.yaml").symlink_to("made.yaml")
    assert manifest(cli, answers, tmp_path / "out.yaml", "--force").status == 0
    assert (tmp_path / "out.yaml").is_symlink() and (tmp_path / "made.yaml").is_file()


def test_a_fifo_is_written_through_not_replaced(cli, answers, tmp_path):
    fifo = tmp_path / "out.yaml"
    os.mkfifo(fifo)
    # The reading end, open before the write (O_NONBLOCK: no thread to wait for a writer, no race).
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        run = manifest(cli, answers, fifo)
        received = os.read(reader, 1 << 16).decode()
    finally:
        os.close(reader)
    assert run.status == 0 and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert "kind: Deployment" in received


def test_a_fifo_no_one_reads_is_refused_at_once(cli, answers, tmp_path):
    os.mkfifo(tmp_path / "out.yaml")
    run = manifest(cli, answers, tmp_path / "out.yaml")
    assert run.status == 2 and "a FIFO that no process is reading" in run.stderr


def test_a_device_is_written_through_not_replaced(cli, answers):
    main, device = os.openpty()  # a character device this test owns (never /dev/null: a bug would replace it)
    path = os.ttyname(device)
    try:
        os.set_blocking(main, False)
        run = manifest(cli, answers, path)
        assert run.status == 0 and stat.S_ISCHR(os.stat(path).st_mode)
        assert b"kind: Deployment" in os.read(main, 1 << 16)
    finally:
        os.close(main)
        os.close(device)


def test_a_replaced_file_keeps_its_mode(cli, answers, tmp_path):
    target = tmp_path / "out.yaml"
    target.write_text("old\n")
    target.chmod(0o600)
    assert manifest(cli, answers, target, "--force").status == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_file_gets_the_mode_the_umask_gives(cli, answers, tmp_path):
    old = os.umask(0o027)  # not 077: that gives 0600, which a private temporary file has anyway
    try:
        assert manifest(cli, answers, tmp_path / "out.yaml").status == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.yaml").stat().st_mode) == 0o640


def test_a_missing_folder_is_refused_not_created(cli, answers, tmp_path):
    run = manifest(cli, answers, tmp_path / "k8s" / "out.yaml")
    assert run.status == 2 and "the folder" in run.stderr and "does not exist" in run.stderr
    assert not (tmp_path / "k8s").exists()


def test_a_folder_is_refused(cli, answers, tmp_path):
    assert "is a folder" in manifest(cli, answers, tmp_path, "--force").stderr


def test_files_written_together_are_all_checked_before_any_is_written(tmp_path):
    first = tmp_path / "a.yaml"
    with pytest.raises(InputError, match="does not exist"):
        write_files([(str(first), "a\n"), (str(tmp_path / "no" / "b.yaml"), "b\n")])
    assert not first.exists() and os.listdir(tmp_path) == []


def test_files_written_together_leave_no_temporary_file_when_one_fails(tmp_path, monkeypatch):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    real_replace = os.replace

    def failing(source, target):
        if str(target) == str(second):
            raise PermissionError(13, "Permission denied")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(InputError, match="b.yaml: cannot write: Permission denied"):
        write_files([(str(first), "a\n"), (str(second), "b\n")])
    assert sorted(os.listdir(tmp_path)) == ["a.yaml"]
