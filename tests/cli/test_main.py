"""What every command shares: --help, no arguments, start-up cost, and -o suffixes per command."""
from __future__ import annotations

import sys
from pathlib import Path

from helpers import SAMPLE, invoke

from policyscan.cli import app


def test_help() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "extract" in result.stdout
    assert "rules" in result.stdout
    sub = invoke("extract", "--help")
    assert sub.exit_code == 0
    for option in ("--format", "--kind", "--rules", "--disable"):
        assert option in sub.stdout


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "extract" in result.output
    assert result.exit_code in (0, 2)


def test_output_suffix_that_names_no_format_of_the_command_is_a_usage_error(tmp_path: Path) -> None:
    for name, command in (("facts.xls", "extract"), ("facts.md", "extract"), ("facts", "check")):
        target = tmp_path / name
        result = invoke(command, str(SAMPLE), "-o", str(target))
        assert result.exit_code == 2, name
        assert "--output: cannot tell a format this command writes from" in result.stderr
        assert not target.exists()


def test_help_imports_nothing_heavy() -> None:
    """`policyscan --help` must stay instant: the CLI module and its help text load neither the
    pipeline, jieba, nor rich's markdown renderer (help is plain click formatting)."""
    import subprocess
    import sys

    probe = ("import sys\nfrom policyscan.cli import app\n"
             "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
             "heavy = {'jieba', 'policyscan.pipeline', 'policyscan.compare', 'rich.markdown', 'yaml'}\n"
             "print(sorted(heavy & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"

