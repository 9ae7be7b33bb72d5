"""One seed holding thousands of unique URLs, checked by the real CLI against loopback
servers (issue 11): the run ends, every verdict is right and sits on its URL's line, and
each URL reached a server once. Its memory and time are measured by
`benchmarks/bench_links.py --one-seed 200000`, not here.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

from tests.links.conftest import seed_text
from tests.links.loopback import LoopbackServers, closed_port
from tests.links.test_cli import CONFIG, seedlint

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
COUNT = 2_000
#: What each kind of URL must get: most are refused at once (a port nothing listens on).
EXPECTED = {"refused": "L001", "dead": "L001", "walled": "L004", "moved": "L002", "alive": None}


def _url(web: LoopbackServers, closed: dict[str, int], kind: str, n: int) -> str:
    host = HOSTS[n % len(HOSTS)]
    if kind == "refused":
        return f"http://{host}:{closed[host]}/gone/{n}"
    if kind == "dead":
        return web.url(host, f"/dead/{n}", status=404)
    if kind == "walled":
        return web.url(host, f"/walled/{n}", status=403)
    if kind == "moved":
        return web.url(host, f"/old/{n}", status=301, location=web.url(host, f"/new/{n}"))
    return web.url(host, f"/page/{n}")


def test_a_seed_with_thousands_of_urls_is_checked_and_right(
    tmp_path: Path, web: LoopbackServers
) -> None:
    closed = {host: closed_port(host) for host in HOSTS}
    kinds = ["refused"] * (COUNT - 100) + ["dead", "walled", "moved", "alive"] * 25
    random.Random(11).shuffle(kinds)
    urls = [_url(web, closed, kind, n) for n, kind in enumerate(kinds)]
    (tmp_path / "seedlint.toml").write_text(CONFIG + "retries = 0\n", encoding="utf-8")
    (tmp_path / "topics").mkdir()
    first = web.url(HOSTS[0], "/first")
    text = seed_text(first, urls)
    (tmp_path / "big.md").write_text(text, encoding="utf-8")
    lines = text.splitlines()
    first_item = lines.index("## Links") + 3  # 1-based: the heading, a blank line, the items

    ran = seedlint(tmp_path, "check", "--select=L001,L002,L004", "--format=json", "big.md")

    assert ran.returncode == 1, ran.stderr
    findings = json.loads(ran.stdout)["findings"]
    got: dict[str, tuple[str, int]] = {}
    for finding in findings:
        url = finding["message"].split(" ", 1)[0]
        assert url not in got, f"{url} reported twice"
        got[url] = (finding["code"], finding["line"])
    for n, (kind, url) in enumerate(zip(kinds, urls, strict=True)):
        code = EXPECTED[kind]
        item_line = first_item + n
        assert f"({url})" in lines[item_line - 1]
        if code is None:
            assert url not in got, (n, kind, got.get(url))
        else:
            assert got.get(url) == (code, item_line), (n, kind, url)
    assert Counter(code for code, _ in got.values()) == {
        "L001": COUNT - 100 + 25,
        "L004": 25,
        "L002": 25,
    }
    assert "links: 2001 checked (0 from cache)" in ran.stderr
    # Every URL that has a server was asked once (a HEAD-less GET each; the moved ones
    # and their targets), the refused ones never reached one.
    paths = Counter(request.path for request in web.stats.requests)
    assert all(count == 1 for count in paths.values()), paths.most_common(3)
    assert len(paths) == 100 + 25 + 1  # each URL with a server, each redirect target, `first`
