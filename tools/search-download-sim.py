#!/usr/bin/env python3
"""What a one-bigram query would download if the index carried rank hints (issue 19).

A simulation on a built index, not the code of the site: today a query downloads the text groups
of all its candidates (ranking needs their texts), so a frequent bigram (す。) downloads most of
the index. This estimates the design of docs/search.md ("Not yet within the limit"): each posting
also holds a hint of what ranking needs of its bigram (13: a name is the bigram, 12: a name starts
with it, 11: the names contain it, else how often the text uses it, up to 10), written as
delta * 16 + hint; a query fetches its candidates' groups in the order of that upper bound until
the first `limit` results are settled. For a one-bigram query the hint is the exact rank, so the
groups fetched are those of the first `limit` results (and of their special wards' other pages).

The normalisation is close to src/search/normalize.rs (NFKC, lower case, katakana as hiragana,
ヶ/ヵ, づ/ぢ, the 異体字 table of meta.json), enough for sizes.

Usage: renkei build -o /tmp/out && python3 tools/search-download-sim.py /tmp/out/search
(and /tmp/out/en/search). Takes about half a minute.
"""
import json
import os
import sys
import unicodedata

D = sys.argv[1]
meta = json.load(open(f"{D}/meta.json"))
G = meta["text_group"]
v = meta["variants"]
FOLD = {v[i]: v[i + 1] for i in range(0, len(v), 2)}
FOLD.update({"ヵ": "が", "ヶ": "が", "づ": "ず", "ぢ": "じ"})


def norm(s):
    out = []
    for c in unicodedata.normalize("NFKC", s).lower():
        if "ァ" <= c <= "ヴ":
            c = chr(ord(c) - 0x60)
        out.append(FOLD.get(c, c))
    return "".join(out)


docs, texts, group_size = [], [], {}
for n in range(len(os.listdir(f"{D}/t"))):
    path = f"{D}/t/{n}.json"
    group_size[n] = os.path.getsize(path)
    group = json.load(open(path))
    docs += group["docs"]
    texts += [norm(t) for t in group["texts"]]
partner = {}
for w, m in meta["pairs"]:
    partner[w], partner[m] = m, w
postings, shard_of = {}, {}
for n in range(meta["shards"]):
    for bigram, deltas in json.load(open(f"{D}/b/{n}.json")).items():
        ids, last = [], 0
        for d in deltas:
            last += d
            ids.append(last)
        postings[bigram], shard_of[bigram] = ids, n


def hint(doc, b):
    text = texts[doc]
    lines = 2 if docs[doc][2] <= 2 else 1
    name = "\n".join(text.split("\n")[:lines])
    title, words = name.split("\n")[0], name.split()
    if title == b or b in words:
        return 13
    if title.startswith(b) or any(w.startswith(b) for w in words):
        return 12
    if b in name:
        return 11
    return min(sum(1 for i in range(len(text) - 1) if text[i : i + 2] == b), 10)


RANK = {13: 400, 12: 300, 11: 100}
hints = {b: [hint(d, b) for d in ids] for b, ids in postings.items()}


def b32len(x):
    n = 1
    while x >= 32:
        x >>= 5
        n += 1
    return n


decimal, base32 = {}, {}
for n in range(meta["shards"]):
    as_numbers, as_strings = {}, {}
    for b, ids in postings.items():
        if shard_of[b] != n:
            continue
        last, numbers = 0, []
        for d, h in zip(ids, hints[b]):
            numbers.append((d - last) * 16 + h)
            last = d
        as_numbers[b] = numbers
        as_strings[b] = "x" * sum(b32len(x) for x in numbers)
    for sizes, obj in ((decimal, as_numbers), (base32, as_strings)):
        sizes[n] = len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode())
meta_size = os.path.getsize(f"{D}/meta.json")
now = sum(os.path.getsize(f"{D}/b/{n}.json") for n in range(meta["shards"]))
groups_total = sum(group_size.values())
print(f"bigram shards: {now} bytes today, {sum(decimal.values())} with hints as decimal numbers, "
      f"{sum(base32.values())} as base-32 strings")
print(f"index with base-32 hints: {meta_size + groups_total + sum(base32.values())} bytes")


def download(b, limit):
    ids = postings[b]
    ranks = [RANK.get(h, h) for h in hints[b]]
    order = sorted(range(len(ids)), key=lambda i: (-ranks[i], ids[i]))
    groups, shown, hits = set(), set(), 0
    for i in order:
        if hits == limit:
            break
        d = ids[i]
        groups.add(d // G)
        if partner.get(d) in shown:
            continue
        shown.add(d)
        hits += 1
        if d in partner:
            groups.add(partner[d] // G)
    return meta_size + base32[shard_of[b]] + sum(group_size[g] for g in groups), len(groups)


for limit in (10, 20, 50):
    size, groups, b = max(download(b, limit) + (b,) for b in postings)
    print(f"first {limit} results: worst {size} bytes ({groups} groups) for {b}; "
          f"す。 {download('す。', limit)[0]}, 東京 {download('東京', limit)[0]}")
