"""The result cache's payload formats compared on real lint results (1,000 generated seeds):
encode and decode time a file (best of 5, garbage collector paused) and bytes a file.

    python benchmarks/bench_cache_format.py
"""

import dataclasses
import gc
import json
import pathlib
import pickle
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import msgspec
from generate import generate

from seedlint.cache import Recorder
from seedlint.config import load
from seedlint.context import RunContext
from seedlint.findings import Finding
from seedlint.linter import Anchors, Linter, Selection
from seedlint.registry import load_rules
from seedlint.rule import SeedSummary
from seedlint.suppression import Suppression

d = pathlib.Path(tempfile.mkdtemp())
c = generate(d / "v", 1000, seed=34, defect_rate=0.3)
cfg = load(c.root / "seedlint.toml")
ctx = RunContext(cfg)
sel = Selection.build(load_rules(), ctx, offline=True)
lin = Linter(sel, ctx)
rec = Recorder(ctx)
parts = []
for p in c.seeds:
    with rec.file() as dep:
        r = lin.lint_path(str(p))
    parts.append((r.findings, r.suppressions, r.anchors, dep.notes, r.summary))
T = tuple[list[Finding], list[Suppression], Anchors | None, list[str], SeedSummary | None]


def bench(name, enc, dec, n=5):
    gc.collect()
    gc.disable()
    best_e = best_d = 1e9
    for _ in range(n):
        t = time.perf_counter()
        blobs = [enc(x) for x in parts]
        best_e = min(best_e, time.perf_counter() - t)
        t = time.perf_counter()
        [dec(b) for b in blobs]
        best_d = min(best_d, time.perf_counter() - t)
    gc.enable()
    k = len(parts)
    print(
        f"| {name} | {best_e / k * 1e6:.1f} | {best_d / k * 1e6:.1f} "
        f"| {sum(map(len, blobs)) / k:.0f} |"
    )


print("| format | encode (us/file) | decode (us/file) | bytes/file |\n|---|---:|---:|---:|")
me = msgspec.msgpack.Encoder()
md = msgspec.msgpack.Decoder(T)
bench("msgspec MessagePack, typed decode (chosen)", me.encode, md.decode)
je = msgspec.json.Encoder()
jd = msgspec.json.Decoder(T)
bench("msgspec JSON, typed decode", je.encode, jd.decode)


def enc_s(x):
    return json.dumps(
        [[dataclasses.asdict(f) for f in x[0]], dataclasses.asdict(x[4]) if x[4] else None]
    ).encode()


def dec_s(b):
    f, s = json.loads(b)
    [Finding(**y) for y in f]
    s and SeedSummary(**s)


bench("stdlib json, asdict / cls(**), NO type checks", enc_s, dec_s)
bench(
    "pickle 5 (before; without its allow-list unpickler)",
    lambda x: pickle.dumps(x, 5),
    pickle.loads,
)
