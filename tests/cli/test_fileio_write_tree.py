"""fileio.write_tree: a folder of files appears whole or not at all, and replaces nothing without --force."""

from __future__ import annotations

import os
import stat

import pytest

from advisor.system.errors import InputError
from advisor.system.fileio import write_tree

FILES = {"Chart.yaml": "name: web\n", "templates/deployment-web.yaml": "kind: Deployment\n"}


def tree(path) -> dict[str, str]:
    found = {}
    for folder, _, names in os.walk(path):
        for name in names:
            full = os.path.join(folder, name)
            found[os.path.relpath(full, path).replace(os.sep, "/")] = open(full, encoding="utf-8").read()
    return found


def test_a_new_folder_gets_every_file_and_nothing_else_is_left_beside_it(tmp_path):
    write_tree(str(tmp_path / "chart"), FILES)
    assert tree(tmp_path / "chart") == FILES
    assert sorted(os.listdir(tmp_path)) == ["chart"]


def test_a_missing_parent_folder_is_refused_not_made(tmp_path):
    # as -o FILE does: a typo in a folder name is not a reason to create folders
    with pytest.raises(InputError, match="does not exist"):
        write_tree(str(tmp_path / "deploy" / "charts" / "web"), FILES)
    assert os.listdir(tmp_path) == []


def test_the_tree_gets_the_modes_the_umask_gives(tmp_path):
    old = os.umask(0o027)
    try:
        write_tree(str(tmp_path / "chart"), FILES)
    finally:
        os.umask(old)
    modes = {(p.is_dir(), stat.S_IMODE(p.stat().st_mode)) for p in (tmp_path / "chart").rglob("*")}
    assert stat.S_IMODE((tmp_path / "chart").stat().st_mode) == 0o750 and modes == {(True, 0o750), (False, 0o640)}


def test_an_empty_folder_is_filled(tmp_path):
    (tmp_path / "chart").mkdir()
    write_tree(str(tmp_path / "chart"), FILES)
    assert tree(tmp_path / "chart") == FILES


def test_a_folder_that_holds_files_is_refused_without_force_and_left_as_it_was(tmp_path):
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "mine.txt").write_text("keep me\n")
    with pytest.raises(InputError, match="already exists and is not empty; pass --force"):
        write_tree(str(tmp_path / "chart"), FILES)
    assert tree(tmp_path / "chart") == {"mine.txt": "keep me\n"}
    assert sorted(os.listdir(tmp_path)) == ["chart"]


def test_force_replaces_the_whole_folder(tmp_path):
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "templates" / "old.yaml").write_text("old\n")
    write_tree(str(tmp_path / "chart"), FILES, force=True)
    assert tree(tmp_path / "chart") == FILES
    assert sorted(os.listdir(tmp_path)) == ["chart"]


def test_a_file_where_the_folder_should_go_is_refused_even_with_force(tmp_path):
    (tmp_path / "chart").write_text("a file\n")
    with pytest.raises(InputError, match="is a file; give the name of a folder"):
        write_tree(str(tmp_path / "chart"), FILES, force=True)
    assert (tmp_path / "chart").read_text() == "a file\n"


def test_force_never_replaces_the_folder_it_runs_in(tmp_path, monkeypatch):
    (tmp_path / "mine.txt").write_text("keep me\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="holds the current folder"):
        write_tree(".", FILES, force=True)
    assert tree(tmp_path) == {"mine.txt": "keep me\n"}


def test_force_replaces_a_link_not_the_folder_it_points_to(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "mine.txt").write_text("keep me\n")
    (tmp_path / "chart").symlink_to(tmp_path / "elsewhere")
    write_tree(str(tmp_path / "chart"), FILES, force=True)
    assert not (tmp_path / "chart").is_symlink() and tree(tmp_path / "chart") == FILES
    assert tree(tmp_path / "elsewhere") == {"mine.txt": "keep me\n"}


def test_a_failure_half_way_leaves_no_folder_and_no_temporary_one(tmp_path, monkeypatch):
    from advisor.system import fileio

    real_open = open
    calls = []

    def failing_open(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(fileio, "open", failing_open, raising=False)
    with pytest.raises(KeyboardInterrupt):
        write_tree(str(tmp_path / "chart"), FILES)
    assert os.listdir(tmp_path) == []


def test_an_unwritable_parent_is_an_input_error_naming_the_folder(tmp_path, monkeypatch):
    import tempfile  # the module fileio imports where it writes (not at its top: start-up, issue 14)

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refused)
    target = str(tmp_path / "chart")
    with pytest.raises(InputError) as raised:
        write_tree(target, FILES)
    assert str(raised.value) == f"{target}: cannot write: Permission denied"


@pytest.mark.parametrize("name", ["../escape.yaml", "/etc/passwd", "templates//x.yaml", "./x.yaml"])
def test_a_file_name_outside_the_folder_is_a_defect_refused_before_writing(tmp_path, name):
    with pytest.raises(ValueError, match="not a relative file name"):
        write_tree(str(tmp_path / "chart"), {name: "x\n"})
    assert os.listdir(tmp_path) == []


def test_files_and_folders_are_readable_by_others(tmp_path):
    write_tree(str(tmp_path / "chart"), FILES)
    assert (tmp_path / "chart").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "chart" / "templates").stat().st_mode & 0o755 == 0o755
    assert (tmp_path / "chart" / "Chart.yaml").stat().st_mode & 0o777 == 0o644
