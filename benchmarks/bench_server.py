"""Latency of `seedlint server`: a real LSP client (pygls') drives the real server over stdio.

    python benchmarks/bench_server.py [--seeds 10000] [--edits 200] [--vault DIR]

Writes a vault with benchmarks/generate.py (unless ``--vault`` names one), starts
`python -m seedlint server` on it, waits for the index (`$/progress` end), opens a seed
and sends ``--edits`` changes, one at a time: for each, the time from sending
`textDocument/didChange` to receiving the `textDocument/publishDiagnostics` of that
version. Three kinds of change: typing in the summary (the common case), typing in the
front matter above `link` (every cross-file position moves: the vault's C001/C002 are
computed again) and changing the `link` itself. The figures include the server's
debounce (``--debounce-ms``, default the server's 20 ms) and the JSON round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("seedlint-bench", "1")
        self.published: dict[tuple[str, int | None], float] = {}
        self.arrived = asyncio.Event()
        self.index_done = asyncio.Event()
        self.index_started = self.index_seconds = 0.0


def build_client() -> Client:
    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        client.published[(params.uri, params.version)] = time.perf_counter()
        client.arrived.set()

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def create(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    @client.feature(types.PROGRESS)
    def progress(params: types.ProgressParams) -> None:
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else None
        if kind == "begin":
            client.index_started = time.perf_counter()
        elif kind == "end":
            client.index_seconds = time.perf_counter() - client.index_started
            client.index_done.set()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def log(params: types.LogMessageParams) -> None:
        if params.type == types.MessageType.Error:
            print(f"server: {params.message}", file=sys.stderr)

    return client


async def wait_for(client: Client, uri: str, version: int, timeout: float = 30.0) -> float:
    deadline = time.perf_counter() + timeout
    while (uri, version) not in client.published:
        client.arrived.clear()
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError(f"no diagnostics for version {version}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.arrived.wait(), remaining)
    return client.published[(uri, version)]


def summary(name: str, latencies: list[float]) -> str:
    ms = sorted(value * 1000 for value in latencies)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"{name:<34} n={len(ms):<4} median {statistics.median(ms):6.1f} ms   "
        f"p95 {p95:6.1f} ms   max {ms[-1]:6.1f} ms"
    )


async def run(vault: Path, edits: int, debounce_ms: float | None) -> None:
    client = build_client()
    env = {**os.environ, "SEEDLINT_OFFLINE": ""}
    launched = time.perf_counter()
    await client.start_io(sys.executable, "-m", "seedlint", "server", env=env)
    options = {} if debounce_ms is None else {"debounceMs": debounce_ms}
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(
                window=types.WindowClientCapabilities(work_done_progress=True)
            ),
            root_uri=vault.as_uri(),
            initialization_options=options,
        )
    )
    initialised = time.perf_counter() - launched
    client.initialized(types.InitializedParams())
    await asyncio.wait_for(client.index_done.wait(), 600)
    print(f"server start to initialize answer: {initialised:.2f} s")
    print(f"index of the vault ($/progress begin to end): {client.index_seconds:.2f} s")

    seeds = sorted((vault / "contents").rglob("*.md"))
    seed = seeds[len(seeds) // 2]
    uri = seed.as_uri()
    text = seed.read_text(encoding="utf-8")
    version = 1
    opened = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=version, text=text
            )
        )
    )
    await wait_for(client, uri, version)
    print(f"open to first diagnostics: {(time.perf_counter() - opened) * 1000:.1f} ms")

    summary_at = text.index("## Summary")
    front_at = text.index("\n") + 1
    link_line = next(line for line in text.splitlines() if line.startswith("link: "))
    names = ("typing in the summary", "typing above link", "changing the link")
    kinds: dict[str, list[float]] = {name: [] for name in names}
    for number in range(edits):
        # Eight keystrokes in the body for each edit of the front matter.
        kind = names[0] if number % 10 < 8 else names[1 + number % 2]
        if kind == "typing in the summary":
            new = text[:summary_at] + f"Note {number}.\n\n" + text[summary_at:]
        elif kind == "typing above link":
            new = text[:front_at] + f"# edit {number}\n" + text[front_at:]
        else:
            new = text.replace(link_line, f"link: https://example.org/bench/{number}")
        version += 1
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=new)],
            )
        )
        arrived = await wait_for(client, uri, version)
        kinds[kind].append(arrived - sent)
        await asyncio.sleep(0.03)  # a typist's pause: each change is linted on its own
    everything = [value for values in kinds.values() for value in values]
    print(summary("all changes", everything))
    for kind, values in kinds.items():
        print(summary(kind, values))
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--vault", type=Path, help="an existing vault (default: generate one)")
    parser.add_argument("--debounce-ms", type=float, help="the server's debounce (default 20)")
    args = parser.parse_args(argv)
    vault = args.vault
    if vault is None:
        vault = Path(tempfile.mkdtemp(prefix="seedlint-bench-server-")) / "vault"
        generate(vault, args.seeds)
        print(f"vault: {args.seeds} seeds in {vault}")
    asyncio.run(run(vault.resolve(), args.edits, args.debounce_ms))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
