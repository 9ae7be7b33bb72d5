"""The fixer's fixtures (a vault with topic notes, the CLI in this process) for the
mutation tests of the fixer."""

from tests.fix.conftest import cli, vault  # noqa: F401 - fixtures used by test_fixer_mutants
