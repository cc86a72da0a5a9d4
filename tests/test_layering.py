"""The import layering of pyproject.toml's [tool.importlinter] contracts holds: CI runs only
pytest, so this test is what keeps a stage from importing another stage's internals."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import policyscan

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    # the package under test, not whichever copy the environment installed
    source = str(Path(policyscan.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([str(lint_imports), "--no-cache", str(ROOT / "pyproject.toml")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
