"""Built-in rules, one module a family. Each module exposes ``RULES`` for the entry point."""
