"""Which data folder is used: flag, environment, administrator's setting, shared, per-user."""

from pathlib import Path

import pytest

from holbrook_desktop.core import paths


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A pretend PC: its shared folder, per-user folder and machine config live in tmp_path."""
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    shared, user, config = tmp_path / "ProgramData", tmp_path / "user", tmp_path / "etc" / "holbrook.toml"
    monkeypatch.setattr(paths, "shared_data_dir", lambda: shared)
    monkeypatch.setattr(paths, "user_data_dir", lambda: user)
    monkeypatch.setattr(paths, "machine_config_path", lambda: config)
    return shared, user, config


def test_the_shared_per_machine_folder_is_the_default(machine):
    shared, _, _ = machine
    assert paths.choose_data_dir() == paths.DataDirChoice(shared, "shared per-machine folder")


def test_a_per_user_folder_when_the_shared_one_is_not_writable(machine):
    shared, user, _ = machine
    shared.parent.mkdir(parents=True, exist_ok=True)
    shared.write_text("a file where the folder should be")  # cannot be made into a folder
    choice = paths.choose_data_dir()
    assert choice.path == user and "not writable" in choice.source


def test_an_administrators_setting_beats_the_default(machine, tmp_path):
    _, _, config = machine
    config.parent.mkdir(parents=True)
    config.write_text('data_dir = "D:/HR/holbrook"\n', encoding="utf-8")
    choice = paths.choose_data_dir()
    assert choice.path == Path("D:/HR/holbrook") and "administrator" in choice.source


def test_environment_then_flag_come_first(machine, monkeypatch, tmp_path):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.choose_data_dir().path == tmp_path / "env"
    assert paths.choose_data_dir(tmp_path / "flag").path == tmp_path / "flag"


def test_a_broken_administrator_setting_is_ignored(machine):
    shared, _, config = machine
    config.parent.mkdir(parents=True)
    config.write_text("data_dir = [not toml", encoding="utf-8")
    assert paths.choose_data_dir().path == shared
