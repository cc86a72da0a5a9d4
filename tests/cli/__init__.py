"""CLI tests, one file per command (see tests/README.md). A package, so its module names do not
clash with the stage tests of the same name in tests/ (tests/test_compare.py, tests/cli/test_compare.py)."""
