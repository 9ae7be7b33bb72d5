"""The async link checker: each URL once, politely, with three honest outcomes.

One shared ``httpx.AsyncClient`` keeps connections alive. A request holds a slot of its
host (``max-per-host``, or the host's own ``max-concurrency``) and then a global slot
(``max-concurrency``), only while it is on the wire: retry pauses and redirect hops hold
none, so a slow host never starves the others and a redirect to the same host cannot
wait on itself. A freed global slot goes to the host with the most URLs left (slots.py),
so that a host held back by a pause does not end the run on its own.

A host that rate-limits the client is paused as a whole (its ``Retry-After`` or
``X-RateLimit-Reset``, else 0.5 s doubling up to 30 s) so that its other URLs wait too: a
429 without a wait, or one that follows another rate limit from the same host. A lone 429
that names its wait, between answers that are not rate limits, is about that URL: it waits
alone and the host's other URLs go on (as lychee does), so that one busy page does not
stop a whole site for a second each time.
Timeouts, resets, connection failures, 408 and 429 are retried after 1 s, then 2 s
(``retry-wait``), with jitter so that parallel runs do not retry in step. A 5xx is asked
once more, after ``retry-wait``, not ``retries`` times (SERVER_ERROR_ATTEMPTS): the
server is up and has answered; two errors a second apart are its answer for this run, a
third ask two seconds later rarely differs, and the verdict is cached only for
``transient-ttl`` (one hour), so a later run asks again. lychee 0.24 does not retry a 5xx
at all (docs/links.md, "Retries").
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import errno
import http
import random
import ssl
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from urllib.parse import urljoin

import httpx

from seedlint.links.fragments import read_anchors
from seedlint.links.guard import (
    GuardedBackend,
    LookupFailed,
    NoNetwork,
    PrivateAddress,
    Resolver,
    UnknownHost,
    is_public,
    literal,
)
from seedlint.links.options import CheckOptions
from seedlint.links.result import LinkResult, Skip, Verdict, dead, ok, skipped, unverifiable
from seedlint.links.slots import Slots
from seedlint.links.streams import ConnectFailed
from seedlint.links.transport import HostPools
from seedlint.links.urls import host_of, normalise
from seedlint.links.wire import Wire

MAX_REDIRECTS = 10
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
PERMANENT_REDIRECTS = frozenset({301, 308})
#: Attempts at most for a URL whose server answers 5xx (one retry): see the module's text.
SERVER_ERROR_ATTEMPTS = 2
HOST_BACKOFF_START = 0.5
HOST_BACKOFF_CAP = 30.0
#: A body this small is read, so that the connection can be kept alive; larger ones are
#: not downloaded: the connection is closed once the headers are in.
DRAIN_LIMIT = 64 * 1024
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN})
_KEPT = (
    "location",
    "retry-after",
    "x-ratelimit-reset",
    "x-ratelimit-remaining",
    "cf-mitigated",
    "x-amzn-waf-action",
    "server",
    "content-type",
)
#: URLs in flight at once, as tasks: each host's limit and the global one still apply,
#: this only keeps a run of 200,000 URLs from making 200,000 tasks (and their memory).
MIN_WORKERS = 256
#: Hosts without a route (and no connection made at all) before the run is offline.
OFFLINE_AFTER = 3


@dataclass(frozen=True, slots=True)
class _Answer:
    """A response's status line and the headers the checker reads."""

    status: int
    reason: str
    # Only the headers read below, lower-cased: a run of 200,000 URLs keeps every answer
    # until its redirect chains are resolved, and a whole header list is a kilobyte.
    headers: dict[str, str]
    attempts: int = 1
    page: str | None = None  # "html" or "other" when the body was read for anchors
    anchors: tuple[str, ...] | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> _Answer:
        kept = {name: value for name in _KEPT if (value := response.headers.get(name)) is not None}
        return cls.read(response.status_code, response.reason_phrase, kept)

    @classmethod
    def read(cls, status: int, reason: str, headers: dict[str, str]) -> _Answer:
        if not reason:
            try:
                reason = http.HTTPStatus(status).phrase
            except ValueError:
                reason = ""
        return cls(status, reason, headers)

    @property
    def label(self) -> str:
        return f"{self.status} {self.reason}".strip()

    @property
    def location(self) -> str | None:
        return self.headers.get("location") if 300 <= self.status < 400 else None

    def asks_to_wait(self) -> float | None:
        """Seconds from ``Retry-After`` (seconds or a date) or ``X-RateLimit-Reset``."""
        value = self.headers.get("retry-after", "").strip()
        if value:
            if value.isdigit():
                return float(value)
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                when = None
            if when is not None:
                return max(0.0, when.timestamp() - time.time())
        reset = self.headers.get("x-ratelimit-reset", "").strip()
        try:
            moment = float(reset)
        except ValueError:
            return None
        # Epoch seconds (GitHub) or seconds from now (others): no epoch is that small.
        return max(0.0, moment - time.time()) if moment > 1e9 else max(0.0, moment)

    @property
    def rate_limited(self) -> bool:
        # GitHub and others answer 403 with X-RateLimit-Remaining: 0 when rate limiting.
        return self.status == 429 or (
            self.status == 403 and self.headers.get("x-ratelimit-remaining") == "0"
        )

    @property
    def challenge(self) -> bool:
        """A bot wall: a page for browsers running JavaScript, not an answer about the URL."""
        if self.headers.get("cf-mitigated", "").lower() == "challenge":
            return True
        if "x-amzn-waf-action" in self.headers:
            return True
        server = self.headers.get("server", "").lower()
        return self.status in (403, 503) and ("cloudflare" in server or "ddos-guard" in server)


@dataclass
class _Host:
    slots: asyncio.Semaphore
    resume_at: float = 0.0  # loop time before which no request to this host starts
    # URLs of this host not yet done, and requests under way: at zero, its pool is closed.
    pending: int = 0
    backoff: float = 0.0  # the next pause after a 429 that names no wait
    # Whether the host's latest answer was a rate limit: a second one in a row means the
    # host limits this client, not one busy URL.
    limited: bool = False
    # Workers busy with this host's URLs (see _Lanes).
    lanes: int = 0

    def slow_down(self, now: float, wait: float | None) -> None:
        if wait is None:
            self.backoff = min(
                HOST_BACKOFF_CAP, self.backoff * 2 if self.backoff else HOST_BACKOFF_START
            )
            wait = self.backoff
        self.resume_at = max(self.resume_at, now + wait)


class Checker:
    """Check many URLs at once; ``run`` returns one LinkResult for each."""

    def __init__(
        self,
        options: CheckOptions,
        on_done: Callable[[LinkResult], None] | None = None,
        *,
        fragments: Collection[str] = (),
    ) -> None:
        self.options = options
        self.on_done = on_done
        # URLs whose page is read for its anchors, redirect hops included as they come.
        self._fragments = set(fragments)
        self.resolver = Resolver(options.connect_timeout)
        self.backend = GuardedBackend(self.resolver, allow_private=options.allow_private)
        # Requests that reached a server (retries, redirect hops and HEAD+GET included);
        # URLs refused by the guard or the resolver are not requests.
        self.requests = 0
        self._hosts: dict[str, _Host] = {}
        self._unreachable: set[str] = set()
        self._unreachable_hosts: set[str] = set()
        self._no_network = asyncio.Event()
        self._answers: dict[str, asyncio.Future[_Answer | LinkResult]] = {}
        self._hops: set[str] = set()
        self._slots: Slots | None = None
        self._client: httpx.AsyncClient | None = None
        self._pools: HostPools | None = None
        self._wire: Wire | None = None

    @property
    def offline(self) -> bool:
        """No network at all: every lookup failed, or every connection had no route."""
        if self.resolver.offline:
            return True
        return bool(self._unreachable) and not self.backend.connected and not self.resolver.network

    async def run(self, urls: Iterable[str]) -> dict[str, LinkResult]:
        wanted = _interleaved(dict.fromkeys(urls))
        options = self.options
        self._slots = Slots(options.max_concurrency)
        self._pools = HostPools(
            self.backend, options.host_concurrency, options.max_per_host, options.proxy
        )
        client = httpx.AsyncClient(
            transport=self._pools,
            timeout=httpx.Timeout(options.timeout, connect=options.connect_timeout, pool=None),
            headers={"User-Agent": options.user_agent, "Accept": _ACCEPT},
            follow_redirects=False,
            trust_env=False,
        )
        for url in wanted:
            self._host(host_of(url)).pending += 1
        results: dict[str, LinkResult] = {}
        lanes = _Lanes(wanted, self)

        async def worker() -> None:
            url = lanes.take(None)
            while url is not None:
                results[url] = await self._check(url)
                self._forget(url)
                url = lanes.take(url)

        self._wire = Wire(
            self.backend,
            self._pools.ssl_context,
            user_agent=options.user_agent,
            accept=_ACCEPT,
            kept=_KEPT,
            drain_limit=DRAIN_LIMIT,
            timeout=options.timeout,
            connect_timeout=options.connect_timeout,
        )
        async with client:
            self._client = client
            workers = max(MIN_WORKERS, 4 * options.max_concurrency)
            try:
                await asyncio.gather(*(worker() for _ in range(min(workers, len(wanted)))))
            finally:
                await self._wire.aclose()
        if self.offline:
            for url, result in results.items():
                if url in self._unreachable or result.skip is Skip.OFFLINE:
                    results[url] = skipped(url, Skip.OFFLINE)
        return results

    # -- one URL: redirects ---------------------------------------------------------------

    async def _check(self, url: str) -> LinkResult:
        try:
            result = await self._follow(url)
        except NoNetwork:
            self._no_network.set()  # retries waiting elsewhere end their pause at once
            result = skipped(url, Skip.OFFLINE)
        except Exception as error:  # a surprise costs one link its verdict, not the run
            detail = f"could not be checked ({type(error).__name__}: {error})"
            result = unverifiable(url, detail)
        await self._done_with(host_of(url))
        if self.on_done is not None:
            self.on_done(result)
        return result

    def _forget(self, url: str) -> None:
        """Drop the answer kept for ``url`` once its own check is over, unless it was a
        redirect hop of another URL (asked again, at worst, if a later chain reaches it)."""
        if url not in self._hops:
            self._answers.pop(url, None)

    async def _follow(self, url: str) -> LinkResult:
        chain = [url]
        moved: tuple[str, int] | None = None
        permanent_so_far = True
        while True:
            current = chain[-1]
            answer = await self._request(current)
            if isinstance(answer, LinkResult):
                return _through(url, current, answer)
            location = answer.location
            if location is None:
                result = self._judge(url, answer)
                if len(chain) > 1:
                    result = _through(url, current, replace(result, final_url=current))
                if result.verdict is Verdict.OK and moved is not None:
                    result = replace(result, moved_to=moved[0], moved_status=moved[1])
                return result
            target = normalise(urljoin(current, location))
            if target is None:
                return unverifiable(url, f"redirects to {location!r}, not an http(s) URL")
            if permanent_so_far and answer.status in PERMANENT_REDIRECTS:
                moved = (target, answer.status)
            else:
                permanent_so_far = False
            if target in chain:
                loop = " -> ".join([*chain, target])
                return dead(url, f"redirects in a loop ({loop})", answer.status)
            if len(chain) > MAX_REDIRECTS:
                return dead(url, f"redirects more than {MAX_REDIRECTS} times", answer.status)
            self._hops.add(target)
            if url in self._fragments:
                self._fragments.add(target)  # the anchors are those of the page it ends on
            chain.append(target)

    def _judge(self, url: str, answer: _Answer) -> LinkResult:
        status, label = answer.status, answer.label
        tries = f" (after {answer.attempts} attempts)" if answer.attempts > 1 else ""
        if self.options.accepts(status):
            return replace(ok(url, status), page=answer.page, anchors=answer.anchors)
        if answer.challenge:
            return unverifiable(url, f"answered {label} with a bot challenge", status)
        if status in (401, 407):
            return unverifiable(url, f"returned {label}: it needs a login", status)
        if status == 403:
            return unverifiable(url, f"returned {label}: the site refuses automated checks", status)
        if answer.rate_limited:
            return unverifiable(url, f"returned {label}{tries}: rate limited", status)
        if status == 999 or status >= 600 or status < 200:
            return unverifiable(url, f"returned {label}: a wall against automated checks", status)
        if 300 <= status < 400:
            return dead(url, f"returned {label} without a Location to follow", status)
        if 200 <= status < 300:
            return dead(url, f"returned {label}, not an accepted status", status)
        result = dead(url, f"returned {label}{tries}", status)
        return replace(result, transient=True) if status in RETRY_STATUSES else result

    # -- one URL, one hop: retries --------------------------------------------------------

    async def _request(self, url: str) -> _Answer | LinkResult:
        """The answer for ``url``, asked once per run: redirect chains often share hops."""
        pending = self._answers.get(url)
        if pending is None:
            pending = asyncio.ensure_future(self._ask(url))
            self._answers[url] = pending
        return await asyncio.shield(pending)

    async def _ask(self, url: str) -> _Answer | LinkResult:
        host = host_of(url)
        self._host(host).pending += 1
        try:
            return await self._attempts(url, host)
        finally:
            await self._done_with(host)

    async def _done_with(self, host: str) -> None:
        state = self._host(host)
        state.pending -= 1
        if state.pending == 0 and self._pools is not None:
            await self._pools.release(host)
            if self._wire is not None:
                await self._wire.release(host)

    async def _attempts(self, url: str, host: str) -> _Answer | LinkResult:
        address = literal(host)
        if address is not None and not self.options.allow_private and not is_public(address):
            # What the guard would say at connect time, without building a request.
            return skipped(url, Skip.PRIVATE, f"not checked: {host} is a private address")
        state = self._host(host)
        attempts = self.options.retries + 1
        cap = self.options.max_retry_wait
        loop = asyncio.get_running_loop()
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            if self.resolver.offline:
                raise NoNetwork(host)
            try:
                answer = await self._send(url, host, state)
            except (NoNetwork, asyncio.CancelledError):
                raise
            except (PrivateAddress, UnknownHost, LookupFailed) as error:
                retry, result = self._failure(url, error)  # refused before any request
                if retry:
                    result = replace(result, transient=True)
                if retry and not last:
                    await self._pause(attempt, None)
                    continue
                return result
            except Exception as error:
                self.requests += 1
                retry, result = self._failure(url, error)
                if retry:
                    result = replace(result, transient=True)
                if retry and not last:
                    await self._pause(attempt, None)
                    continue
                if attempt > 1 and result.verdict is not Verdict.SKIPPED:
                    result = replace(result, detail=f"{result.detail} (after {attempt} attempts)")
                return result
            self.requests += 1
            if attempt > 1:
                answer = replace(answer, attempts=attempt)
            wait = answer.asks_to_wait()
            transient = answer.rate_limited or (
                answer.status in RETRY_STATUSES and not answer.challenge
            )
            if transient and wait is not None and wait > cap:
                # "Come back in an hour" (rate limit, maintenance): no clear answer today.
                detail = (
                    f"returned {answer.label} and asks to wait {wait:.0f} s,"
                    f" more than the {cap:.0f} s cap"
                )
                return unverifiable(url, detail, answer.status)
            if answer.rate_limited:
                host_wide = wait is None or state.limited
                state.limited = True
                if host_wide:
                    state.slow_down(loop.time(), wait)
                if last:
                    return answer
                if not host_wide and wait is not None:
                    await self._wait(wait)  # this URL alone: the host's others go on
                continue  # the host's pause is this URL's wait too
            state.backoff = 0.0
            state.limited = False
            if answer.status >= 500 and attempt >= SERVER_ERROR_ATTEMPTS:
                return answer  # the server's second error is its answer for this run
            if transient and not last:
                await self._pause(attempt, wait)
                continue
            return answer
        raise AssertionError("unreachable: the last attempt always returns")

    async def _pause(self, attempt: int, wait: float | None) -> None:
        """The wait before a retry; cut short when the run finds it has no network."""
        delay = self.options.retry_wait * 2 ** (attempt - 1)
        delay += random.uniform(0, delay / 4)
        await self._wait(max(delay, wait or 0.0))

    async def _wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the run finds it has no network meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_network.wait(), seconds)

    async def _send(self, url: str, host: str, state: _Host) -> _Answer:
        assert self._slots is not None
        loop = asyncio.get_running_loop()
        async with state.slots:
            # Waited for with the host's slot held (a paused host is paused for all its
            # URLs) but no global slot (other hosts go on meanwhile).
            while (pause := state.resume_at - loop.time()) > 0:
                await asyncio.sleep(pause)
            # The global slot goes to the host with the most URLs left (slots.py).
            await self._slots.acquire(state.pending)
            try:
                async with asyncio.timeout(self._deadline):
                    return await self._exchange(url, self.options.host_headers.get(host))
            finally:
                self._slots.release()

    async def _exchange(self, url: str, headers: dict[str, str] | None) -> _Answer:
        """One request: GET streamed and closed after the headers, or HEAD then GET.

        A page whose anchors are wanted (a seed links to a fragment of it) is read, up to
        ANCHOR_READ_LIMIT bytes of HTML: the fragment check shares the link check's request.
        """
        assert self._client is not None
        client = self._client
        if self._wire is not None and self._plain(url, headers):
            head = await self._wire.get(url)
            return _Answer.read(head.status, head.reason, head.headers)
        if url in self._fragments:
            async with client.stream("GET", url, headers=headers) as response:
                answer = _Answer.of(response)
                if answer.location is None and self.options.accepts(answer.status):
                    page, anchors = await read_anchors(response)
                    return replace(answer, page=page, anchors=anchors)
                await _drain(response)
            return answer
        if self.options.head:
            answer = _Answer.of(await client.head(url, headers=headers))
            if answer.status < 400 or answer.rate_limited:
                return answer  # a rate limit is waited for, not answered with a GET at once
            self.requests += 1  # HEAD is not trusted with an error: ask with GET
        async with client.stream("GET", url, headers=headers) as response:
            answer = _Answer.of(response)
            await _drain(response)
        return answer

    def _plain(self, url: str, headers: dict[str, str] | None) -> bool:
        """Whether ``url`` is checked by the lean path (wire.py): one GET, no body read,
        no proxy, no header of the user's own for its host, nothing to escape."""
        options = self.options
        if options.head or headers or url in self._fragments:
            return False
        if options.proxy is not None and options.proxy.for_url(url) is not None:
            return False
        return Wire.can_send(url)

    @property
    def _deadline(self) -> float:
        return self.options.connect_timeout + self.options.timeout

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = _Host(asyncio.Semaphore(self.options.per_host(host)))
            self._hosts[host] = state
        return state

    def _failure(self, url: str, error: Exception) -> tuple[bool, LinkResult]:
        """Whether to retry after ``error``, and the verdict if it is the last word."""
        if isinstance(error, PrivateAddress):
            return False, skipped(url, Skip.PRIVATE, f"not checked: {error}")
        if isinstance(error, UnknownHost):
            return False, dead(url, f"is on an unknown host ({error})")
        if isinstance(error, LookupFailed):
            return True, unverifiable(url, f"could not be looked up ({error})")
        if isinstance(error, httpx.TimeoutException | TimeoutError):
            return True, unverifiable(url, "timed out")
        if isinstance(error, httpx.ConnectError):
            cause = _os_cause(error)
            if isinstance(cause, ssl.SSLError):
                reason = getattr(cause, "verify_message", None) or cause.reason or cause
                return False, dead(url, f"failed the TLS handshake ({reason})")
            code = getattr(cause, "errno", None)
            if isinstance(cause, ConnectionRefusedError) or code == errno.ECONNREFUSED:
                return True, dead(url, "refused the connection")
            if code in _UNREACHABLE:
                self._unreachable.add(url)
                self._unreachable_hosts.add(host_of(url))
                if len(self._unreachable_hosts) >= OFFLINE_AFTER and not self.backend.connected:
                    # No route to several hosts and no connection made: no network. The
                    # URLs left (and those waiting to retry) are not checked at all.
                    self.resolver.offline = True
                    self._no_network.set()
                return True, unverifiable(url, "is unreachable (no route to the host)")
            return True, unverifiable(url, f"could not be reached ({cause or error})")
        if isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
            return True, unverifiable(url, "closed the connection without answering")
        if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
            return False, unverifiable(url, f"cannot be requested ({error})")
        return True, unverifiable(url, f"failed ({type(error).__name__}: {error})")


#: Workers one host may hold, as a multiple of its concurrency: URLs waiting for a retry
#: hold a worker but no slot, so a few more workers than slots keep the host busy.
LANES_PER_SLOT = 2


class _Lanes:
    """Hands the workers their URLs (in the interleaved order), at most LANES_PER_SLOT x
    the host's limit at a time to one host. Without that bound a paused or slow host
    ends up holding every worker (each takes its next URL from the shared order, and the
    ones that reach that host stay there) while the other hosts' URLs wait in the queue.

    A URL whose host has all its lanes busy is set aside for that host; a worker that
    finishes one of the host's URLs takes the next set aside, so that no URL is left
    behind when the queue runs dry. No await in here: each call is atomic on the loop.
    """

    def __init__(self, urls: Iterable[str], checker: Checker) -> None:
        self._queue = iter(urls)
        self._checker = checker
        self._set_aside: dict[str, collections.deque[str]] = {}

    def take(self, finished: str | None) -> str | None:
        """The next URL for a worker that has just finished ``finished`` (or starts)."""
        if finished is not None:
            host = host_of(finished)
            waiting = self._set_aside.get(host)
            if waiting:
                return waiting.popleft()  # the lane stays with its host
            self._checker._host(host).lanes -= 1
        for url in self._queue:  # one iterator shared by the workers: each URL taken once
            host = host_of(url)
            state = self._checker._host(host)
            if state.lanes >= LANES_PER_SLOT * self._checker.options.per_host(host):
                self._set_aside.setdefault(host, collections.deque()).append(url)
                continue
            state.lanes += 1
            return url
        return None


def _through(url: str, hop: str, result: LinkResult) -> LinkResult:
    """A verdict reached at redirect hop ``hop``, said of the URL the seed holds."""
    if hop == url:
        return result
    detail = result.detail
    if result.verdict is Verdict.SKIPPED:
        detail = f"redirects to {hop} ({detail})"
    elif result.verdict is not Verdict.OK:
        detail = f"redirects to {hop}, which {detail}"
    return replace(result, url=url, detail=detail, final_url=hop)


def _os_cause(error: BaseException) -> BaseException | None:
    """The OS or TLS error under httpx's and httpcore's wrappers."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ConnectFailed):
            seen = seen.reason
            continue
        if isinstance(seen, OSError) and (seen.errno is not None or isinstance(seen, ssl.SSLError)):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


async def _drain(response: httpx.Response) -> None:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) <= DRAIN_LIMIT:
        # The verdict comes from the headers; reading the body only keeps the connection.
        with contextlib.suppress(httpx.HTTPError):
            await response.aread()


def _interleaved(urls: Iterable[str]) -> list[str]:
    """``urls`` taken one host at a time in turn, so that the bounded set of workers is
    spread over the hosts (sorted URLs come grouped by host: one slow host would hold
    every worker while the others wait)."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(host_of(url), []).append(url)
    queues = [iter(own) for own in by_host.values()]
    order: list[str] = []
    while queues:
        still = []
        for queue in queues:
            taken = next(queue, None)
            if taken is not None:
                order.append(taken)
                still.append(queue)
        queues = still
    return order
