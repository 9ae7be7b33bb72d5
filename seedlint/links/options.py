"""The `[tool.seedlint.links]` values in the forms the checker uses.

The parsing helpers here also validate the configuration (config.py calls them), so a bad
`accept` range or `cache-ttl` is an exit-2 error naming the key, never a surprise mid-run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seedlint import __version__
from seedlint.links.proxy import Proxies
from seedlint.patterns import Matcher, compile_pattern

if TYPE_CHECKING:
    from seedlint.config import LinkSettings
    from seedlint.links.cache import Ttls

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: int | str) -> int:
    """Seconds in ``3600``, ``"90s"``, ``"30m"``, ``"12h"``, ``"7d"`` or ``"2w"``."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is negative")
        return value
    text = value.strip().lower()
    unit = _UNITS.get(text[-1:])
    number = text[:-1] if unit is not None else text
    if not number.isdigit():
        raise ValueError(f"{value!r} is not a duration such as 3600, '30m', '12h' or '7d'")
    return int(number) * (unit or 1)


def parse_accept(values: Iterable[str | int]) -> tuple[tuple[int, int], ...]:
    """Inclusive status ranges from ``200``, ``"204"``, ``"200..=299"`` or ``"200..300"``."""
    ranges: list[tuple[int, int]] = []
    for value in values:
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a status code")
        if isinstance(value, int):
            low = high = value
        else:
            text = value.strip()
            low_text, dots, high_text = text.partition("..")
            try:
                if not dots:
                    low = high = int(text)
                elif high_text.startswith("="):
                    low, high = int(low_text), int(high_text[1:])
                else:  # an exclusive end, as in Rust and lychee
                    low, high = int(low_text), int(high_text) - 1
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a status code or range such as 200..=299"
                ) from None
        if not 100 <= low <= high <= 999:
            raise ValueError(f"{value!r} is not a range of status codes (100 to 999)")
        ranges.append((low, high))
    return tuple(ranges)


@dataclass(frozen=True)
class CheckOptions:
    """Everything the checker reads from the settings, parsed once."""

    timeout: float = 20.0
    connect_timeout: float = 10.0
    retries: int = 2
    retry_wait: float = 1.0
    max_retry_wait: float = 60.0
    max_concurrency: int = 64
    max_per_host: int = 4
    head: bool = False
    accept: tuple[tuple[int, int], ...] = ((200, 299),)
    exclude: tuple[Matcher, ...] = ()  # RE2: linear time
    cache_ttl: int = 7 * 86400
    failure_ttl: int = 86400
    transient_ttl: int = 3600
    refresh: bool = False
    fresh_fix_targets: bool = False
    archive: bool = True
    archive_url: str = "https://archive.org/wayback/available"
    user_agent: str = f"seedlint/{__version__}"
    allow_private: bool = False
    host_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    host_concurrency: dict[str, int] = field(default_factory=dict)
    proxy: Proxies | None = None

    @classmethod
    def of(cls, settings: LinkSettings) -> CheckOptions:
        hosts = {name.lower(): value for name, value in settings.hosts.items()}
        return cls(
            timeout=settings.timeout,
            connect_timeout=min(settings.connect_timeout, settings.timeout),
            retries=settings.retries,
            retry_wait=settings.retry_wait,
            max_retry_wait=settings.max_retry_wait,
            max_concurrency=settings.max_concurrency,
            max_per_host=settings.max_per_host,
            head=settings.method == "head",
            accept=parse_accept(settings.accept),
            exclude=tuple(compile_pattern(pattern) for pattern in settings.exclude),
            cache_ttl=parse_duration(settings.cache_ttl),
            failure_ttl=parse_duration(settings.failure_ttl),
            transient_ttl=parse_duration(settings.transient_ttl),
            refresh=settings.refresh,
            fresh_fix_targets=settings.fresh_fix_targets,
            archive=settings.archive,
            archive_url=settings.archive_url,
            user_agent=settings.user_agent or f"seedlint/{__version__}",
            allow_private=settings.allow_private,
            host_headers={name: dict(value.headers) for name, value in hosts.items()},
            host_concurrency={
                name: value.max_concurrency
                for name, value in hosts.items()
                if value.max_concurrency is not None
            },
            proxy=Proxies.from_environ(),
        )

    @property
    def ttls(self) -> Ttls:
        from seedlint.links.cache import Ttls

        return Ttls(self.cache_ttl, self.failure_ttl, self.transient_ttl)

    def accepts(self, status: int) -> bool:
        return any(low <= status <= high for low, high in self.accept)

    def excluded(self, url: str) -> bool:
        return any(pattern.search(url) for pattern in self.exclude)

    def per_host(self, host: str) -> int:
        return self.host_concurrency.get(host, self.max_per_host)
