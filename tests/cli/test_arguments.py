"""Argument types several commands share: `--workers` is one type, with one set of bounds, everywhere."""

from __future__ import annotations

import argparse

import pytest

from gallery import discover, lifecycle, vhd
from gallery.cli import arguments, main
from gallery.cli.entry import build_parser


@pytest.mark.parametrize("text, value", [("1", 1), ("8", 8), ("64", 64), ("007", 7)])
def test_workers_takes_a_whole_number_from_1_to_64(text, value):
    assert arguments.workers(text) == value


@pytest.mark.parametrize("text", ["0", "65", "-1", "eight", "", " 8", "+8", "1_0", "8.0", "²", "8\n"])
def test_workers_names_what_it_takes(text):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        arguments.workers(text)
    assert str(refused.value) == f"{text!r} is not a number of workers: give a whole number from 1 to 64"


def _workers_actions(parser: argparse.ArgumentParser, path: str = ""):
    """(command path, the --workers action) for every command, subcommands included."""
    for action in parser._actions:
        if "--workers" in action.option_strings:
            yield path, action
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _workers_actions(sub, f"{path} {name}".strip())


def test_every_command_that_takes_workers_takes_the_one_type_with_its_librarys_default():
    found = {path: action for path, action in _workers_actions(build_parser())}
    assert {path: (action.type, action.default) for path, action in found.items()} == {
        "upload": (arguments.workers, vhd.DEFAULT_WORKERS),
        "status": (arguments.workers, lifecycle.DEFAULT_WORKERS),
        "discover": (arguments.workers, discover.DEFAULT_WORKERS),
    }
    for path, action in found.items():
        assert action.help.endswith(f", 1 to 64 (default: {action.default})"), path


@pytest.mark.parametrize(
    "command",
    [["status"], ["discover", "--resource-group", "rg", "--gallery", "g"], ["upload", "d.vhd", "--image", "i"]],
)
def test_a_wrong_number_of_workers_is_a_usage_error_before_anything_runs(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*command, "--workers", "0"])
    assert stop.value.code == 1
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(
            f" {command[0]}: error: argument --workers: '0' is not a number of workers: give a whole number from 1 to 64"
        )
    )
