"""The language server (`seedlint server`): diagnostics, fixes and topic help in editors."""

from __future__ import annotations


def main() -> int:
    """Run the server over standard input/output (pygls and lsprotocol are the `server`
    extra: `pip install 'seedlint[server]'`)."""
    try:
        from seedlint.server.server import main as serve
    except ImportError as error:
        import sys

        print(
            f"seedlint: error: the language server needs pygls and lsprotocol ({error}); "
            "install them with: pip install 'seedlint[server]'",
            file=sys.stderr,
        )
        return 2
    return serve()
