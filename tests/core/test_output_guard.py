"""No output over the records: every file or folder a command writes to is refused inside the data folder
(core/paths.check_output_target, run by cli.main before any command), and nothing there changes."""

import argparse
import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from holbrook_desktop.cli import build_parser, main
from holbrook_desktop.cli.common import OUTPUT_OPTIONS
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.paths import OutputInsideDataFolder, check_output_target

needs_links = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")


def _run(capsys, *args):
    code = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in the data folder and its SHA-256: the records, the key, the signed PDFs, the logs."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and not path.is_symlink()}


@pytest.fixture(scope="module")
def kept_records(tmp_path_factory):
    """A data folder with a member of staff, a signing key and one signed PDF (made once: signing is slow)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    data = tmp_path_factory.mktemp("kept") / "data"
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        assert main(["--data-dir", str(data), "staff", "add", "--name", "Cara Dunn", "--role",
                     "volunteer"]) == 0
        assert main(["--data-dir", str(data), "acknowledgement", "record", "--staff", "1", "--policy",
                     "social-media", "--note", "Signed the paper form"]) == 0
    return data


@pytest.fixture
def data(kept_records, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(kept_records, copy)
    assert (copy / "signing" / "school-key.pem").is_file() and list((copy / "attestations").rglob("*.pdf"))
    return copy


# The one rule -------------------------------------------------------------------------------

def test_a_place_outside_is_returned_unchanged(tmp_path):
    (tmp_path / "data").mkdir()
    for outside in (tmp_path / "out.csv", tmp_path / "data-copy" / "x.csv",
                    tmp_path / "data" / ".." / "x.csv"):
        assert check_output_target(outside, tmp_path / "data") == outside
    assert check_output_target(tmp_path / "x.pdf", None) == tmp_path / "x.pdf"  # no records: no rule


@pytest.mark.parametrize("target", [
    "data", "data/holbrook.db", "data/signing/school-key.pem", "data/new-folder/x.csv",
    "elsewhere/../data/holbrook.db", "data/./backups/../holbrook.db",
])
def test_the_data_folder_and_anything_in_it_is_refused(tmp_path, target):
    (tmp_path / "data" / "signing").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(OutputInsideDataFolder) as refused:
        check_output_target(tmp_path / target, tmp_path / "data")
    assert isinstance(refused.value, Refused) and isinstance(refused.value, ValueError)
    assert "the data folder" in str(refused.value) and "Nothing was written." in str(refused.value)
    assert f"({tmp_path / 'data'})" in str(refused.value)


def test_a_missing_data_folder_is_still_guarded_by_name(tmp_path):
    with pytest.raises(OutputInsideDataFolder):
        check_output_target(tmp_path / "data" / "holbrook.db", tmp_path / "data")


@needs_links
def test_links_are_followed_both_ways(tmp_path):
    data = tmp_path / "data"
    (data / "signing").mkdir(parents=True)
    (data / "holbrook.db").write_bytes(b"records")
    (tmp_path / "to-data").symlink_to(data, target_is_directory=True)
    (tmp_path / "report.pdf").symlink_to(data / "holbrook.db")  # an existing link into the folder
    (data / "outward.csv").symlink_to(tmp_path / "elsewhere.csv")  # a link in it pointing out
    for target in (tmp_path / "to-data" / "holbrook.db", tmp_path / "to-data", tmp_path / "report.pdf",
                   data / "outward.csv"):
        with pytest.raises(OutputInsideDataFolder):
            check_output_target(target, data)
    # The data folder named through a link is the same folder.
    with pytest.raises(OutputInsideDataFolder):
        check_output_target(data / "signing" / "key.pem", tmp_path / "to-data")


def test_the_message_says_folder_for_a_folder(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(OutputInsideDataFolder, match=r"is the data folder .*choose a folder outside it"):
        check_output_target(tmp_path / "data", tmp_path / "data", folder=True)


# Every command with an output --------------------------------------------------------------

# (command words, whether the output is a folder, the file in the data folder it aims at)
COMMANDS = [
    (("export", "acknowledgements", "--format", "csv"), False, "holbrook.db"),
    (("export", "acknowledgements"), False, "acknowledgements.xlsx"),
    (("export", "report"), False, "signing/school-key.pem"),
    (("export", "attestations"), True, "attestations"),
    (("attestation", "save", "1"), False, "holbrook.db"),
    (("signing", "export-certificate"), False, "signing/school-key.pem"),
    (("subject-access", "export", "1"), True, "."),
]


def _aim(data: Path, tmp_path: Path, inside: str, how: str) -> Path:
    """A path to `inside` (relative to the data folder) written directly, through `..`, or through a link."""
    if how == "direct":
        return data / inside
    if how == "dot-dot":
        (tmp_path / "exports").mkdir(exist_ok=True)
        return tmp_path / "exports" / ".." / data.name / inside
    if how == "linked-folder":
        (tmp_path / "shared-drive").symlink_to(data, target_is_directory=True)
        return tmp_path / "shared-drive" / inside
    assert how == "linked-file"
    aimed = data / inside
    if aimed.is_dir():
        aimed = aimed / "nothing-yet"
    (tmp_path / "my-export").symlink_to(aimed)
    return tmp_path / "my-export"


@pytest.mark.parametrize("how", ["direct", "dot-dot",
                                 pytest.param("linked-folder", marks=needs_links),
                                 pytest.param("linked-file", marks=needs_links)])
@pytest.mark.parametrize(("words", "folder", "inside"), COMMANDS)
def test_every_output_in_the_data_folder_is_refused_and_nothing_changes(
        data, tmp_path, capsys, words, folder, inside, how):
    target = _aim(data, tmp_path, inside, how)
    before = snapshot(data)
    code, out, err = _run(capsys, "--data-dir", data, *words, "-o", target)
    name = " ".join(w for w in words if not w.startswith("-") and not w.isdigit() and w != "csv")
    assert code == 2 and out == ""
    assert err.startswith(f"holbrook {name}: refused: {target} ")
    assert "the data folder" in err and "where the records are kept" in err and "Nothing was written." in err
    assert f"choose a {'folder' if folder else 'file'} outside it" in err
    assert snapshot(data) == before


@pytest.mark.parametrize(("words", "folder", "inside"), COMMANDS[1:])
def test_the_same_commands_write_outside_the_data_folder(data, tmp_path, capsys, words, folder, inside):
    name = {"acknowledgements": "a.xlsx", "export-certificate": "school.pem"}.get(words[-1], "file.pdf")
    target = tmp_path / "out" / ("folder" if folder else name)
    target.parent.mkdir()
    code, _, err = _run(capsys, "--data-dir", data, *words, "-o", target)
    assert code == 0, err
    assert target.exists()


def test_an_export_beside_the_data_folder_is_not_refused(data, capsys):
    # The folder that holds the data folder is not the data folder.
    code, _, err = _run(capsys, "--data-dir", data, "export", "acknowledgements", "-o", data.parent / "a.csv")
    assert code == 0, err


# No command can forget ---------------------------------------------------------------------

# Options naming a place that is only read (or, for data-dir set, chosen as the data folder itself).
READ_ONLY = {("verify", "file"), ("signing import", "file"), ("signing import", "password_file"),
             ("staff import", "file"), ("content install", "folder"), ("admin school set", "logo"),
             ("data-dir set", "folder"), ("acknowledgement import", "file"), ("school join", "file"),
             ("school join", "code_file"), ("school import-key", "file")}


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()):
    yield words, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*words, name))


def _path_like(action: argparse.Action) -> bool:
    metavar = str(action.metavar or "")
    return (action.type is Path or any(word in metavar for word in ("FILE", "DIR", "PATH"))
            or bool({"output", "file", "folder", "dir", "path", "to"} & set(action.dest.split("_"))))


def _path_options():
    for words, parser in _commands(build_parser()):
        declared = parser.get_default(OUTPUT_OPTIONS) or {}
        for action in parser._actions:
            if action.dest in ("help", "version") or not _path_like(action):
                continue
            yield " ".join(words), parser, action, action.dest == "output" or action.dest in declared


def test_every_option_naming_a_path_is_guarded_or_only_read():
    found = list(_path_options())
    guarded = {command for command, _, _, is_output in found if is_output}
    assert guarded == {"export acknowledgements", "export attestations", "export report", "attestation save",
                       "signing export-certificate", "subject-access export", "staff import",
                       "sync set-folder", "school make-join-file", "school export-certificate",
                       "school export-key", "school export-revocations"}
    unguarded = {(command, action.dest) for command, _, action, is_output in found if not is_output}
    # A new option naming a path must be an output (add_output_option / declare_output, and so checked
    # before the command runs) or be added here as one that is only read.
    assert {(command, dest) for command, dest in unguarded if dest not in ("data_dir", "content")} \
        <= READ_ONLY


def _filled(parser: argparse.ArgumentParser, output_dest: str, target: Path) -> list[str]:
    """The arguments a command needs, made up, with its output aimed at `target`."""
    argv: list[str] = []
    for action in parser._actions:
        if action.dest == output_dest:
            argv += [action.option_strings[-1], str(target)] if action.option_strings else [str(target)]
        elif action.required or (not action.option_strings and action.nargs != 0):
            made_up = "1" if action.type is int else "x"
            value = str(next(iter(action.choices)) if action.choices else made_up)
            argv += [action.option_strings[-1], value] if action.option_strings else [value]
    return argv


def test_every_guarded_option_found_by_the_walk_is_refused(data, capsys):
    before = snapshot(data)
    checked = []
    for command, parser, action, is_output in _path_options():
        if not is_output:
            continue
        target = data / "holbrook.db"
        argv = _filled(parser, action.dest, target)
        code, _, err = _run(capsys, "--data-dir", data, *command.split(), *argv)
        assert code == 2 and "refused" in err and "Nothing was written." in err, (command, err)
        checked.append(command)
    assert len(checked) == 12 and snapshot(data) == before


def test_an_undeclared_output_option_is_checked_too(data, capsys, monkeypatch):
    """A command someone adds with a plain `add_argument("-o", "--output")` is still refused."""
    from holbrook_desktop import cli

    def register(commands) -> None:
        new = commands.add_parser("new-export")
        new.add_argument("-o", "--output", required=True)
        new.set_defaults(handler=lambda args: Path(args.output).write_bytes(b"overwritten") and 0)

    class NewNoun:
        pass

    noun = NewNoun()
    noun.register = register
    monkeypatch.setattr(cli, "NOUNS", (*cli.NOUNS, noun))
    before = snapshot(data)
    code, _, err = _run(capsys, "--data-dir", data, "new-export", "-o", data / "holbrook.db")
    assert code == 2 and err.startswith("holbrook new-export: refused:")
    assert snapshot(data) == before
    assert os.path.getsize(data / "holbrook.db") > 100


# The core's own writers of a chosen place hold to the same rule ------------------------------

def test_the_certificate_is_never_written_over_the_key_even_when_asked_directly(data):
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

    before = snapshot(data)
    with pytest.raises(OutputInsideDataFolder):
        SchoolSigningKey(data).export_certificate(data / "signing" / "school-key.pem")
    assert snapshot(data) == before


def test_a_subject_access_copy_is_never_made_in_the_data_folder_even_when_asked_directly(data, tmp_path):
    from holbrook_desktop.app import open_app
    from tests.conftest import REAL_CONTENT

    app = open_app(REAL_CONTENT, data)
    app.open_records("cli")
    try:
        before = snapshot(data)
        with pytest.raises(OutputInsideDataFolder):
            app.hr.subject_access_export(1, data / "attestations")
        assert snapshot(data) == before
        assert app.hr.subject_access_export(1, tmp_path / "out").is_dir()
    finally:
        app.close()
