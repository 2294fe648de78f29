"""Docs are tested: every command has help text and appears in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from citycourse.app import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group, prefix=""):
    click_group = typer.main.get_command(group) if not hasattr(group, "commands") else group
    for name, command in click_group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_command_has_help_and_is_in_readme():
    found = list(commands(app))
    assert len(found) >= 8
    for name, command in found:
        assert (command.help or "").strip(), f"{name} has no help text"
        assert f"citycourse {name}" in README, f"`citycourse {name}` missing from README"


def test_readme_quick_start_has_two_commands():
    assert 'pip install -e ".[test]" && pytest' in README
    assert "citycourse build smart-city-foundations --city ben-may" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert 'pip install -q -e ".[test]" && pytest -n 2' in ci and "pytest -n 2" in README
