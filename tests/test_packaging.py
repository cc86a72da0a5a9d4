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


def test_policyscan_extract_is_the_extraction_subpackage() -> None:
    """The API function once named extract shadowed the subpackage; it is extract_paths and
    extract_text now, and ``import policyscan.extract.units`` means what it says, whichever is
    imported first."""
    import subprocess
    import sys

    probe = ("import policyscan\nprint('extract' in policyscan.__all__, callable(policyscan.extract_text))\n"
             "import policyscan.extract.units\nprint(policyscan.extract.__name__, policyscan.extract.units.__name__)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True", "policyscan.extract", "policyscan.extract.units"]
