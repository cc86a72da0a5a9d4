"""The rule packs must ship with the package: CI installs the wheel, not the source tree."""
from __future__ import annotations

from pathlib import Path

import policyscan
from policyscan.rules import builtin_rules_dir, load_pack


def test_builtin_packs_are_found_and_load() -> None:
    rules_dir = builtin_rules_dir()
    assert sorted(p.name for p in rules_dir.glob("*.yaml")), rules_dir
    assert len(load_pack().rules) > 20


def test_installed_wheel_carries_its_rule_packs() -> None:
    """Installed (site-packages), the packs are read from inside the package itself."""
    package_dir = Path(policyscan.__file__).resolve().parent
    if "site-packages" not in package_dir.parts:  # an editable install reads the repo's rules/
        assert builtin_rules_dir() == package_dir.parents[1] / "rules"
        return
    assert builtin_rules_dir().resolve() == package_dir / "rules"


def test_api_extract_is_the_function_even_after_the_stage_is_imported() -> None:
    """policyscan.extract (the function) shares its name with the extraction subpackage, and
    the package imports its names lazily: whichever comes first, the name is the function."""
    import subprocess
    import sys

    probe = ("import policyscan.extract.units, policyscan\n"
             "print(callable(policyscan.extract), policyscan.extract.__module__)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "policyscan.pipeline"]
