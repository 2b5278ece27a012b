"""Docs coverage: every command, setting and saved query is in the README."""
from policykg import resources
from policykg.cli import main
from policykg.queries import load_queries
from policykg.web import DEFAULTS

README = resources.path("README.md").read_text(encoding="utf-8") if resources.path("README.md").exists() else ""


def test_every_command_is_documented():
    assert README
    for name in main.commands:
        assert f"policykg {name}" in README, name


def test_every_option_of_every_command_is_documented():
    import click
    missing = [f"{name} {opt}" for name, command in main.commands.items() for p in command.params
               if isinstance(p, click.Option) for opt in p.opts if opt.startswith("--") and opt not in README]
    assert not missing


def test_every_web_setting_is_documented():
    for key in DEFAULTS:
        assert f"`{key}`" in README, key


def test_every_saved_query_is_documented():
    for name in load_queries():
        assert f"`{name}`" in README, name
