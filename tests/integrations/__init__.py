"""Where users run seedlint: pre-commit, CI report formats, the baseline, editors."""
