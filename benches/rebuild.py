#!/usr/bin/env python3
"""Renkei against Hugo on the real disk and on tmpfs: rebuilds as an editor runs them.

    python3 benches/rebuild.py --sizes 10000 50000 --runs 5 \\
        [--disk /var/tmp/renkei-rebuild [/mnt/other-disk/…]] [--tmpfs /dev/shm/renkei-rebuild]
        [--hugo PATH]

benches/compare.py measures builds into an empty folder on tmpfs, which shows the CPU's share.
What an editor waits for happens on the ordinary disk, into the output of the previous build;
there, creating and deleting tens of thousands of files per build costs more than rendering
them (an ext4 without a journal, like this machine's disk, skips inodes freed in the last minute
when it allocates new ones, so a build that replaces the whole tree gets slower with every
rebuild; see `filesystem`). For each size and each folder (one or more on disks, one on tmpfs;
`df` and /sys/fs/ext4 name the file system and say whether an ext4 keeps a journal),
examples/gen-corpus.rs writes the site in both formats, and the two generators run alternately
(Renkei, Hugo, …):

  empty    a build into a new, empty output folder (a fresh checkout's first build), before
           anything was deleted (on an ext4 without a journal, after six minutes without
           deletions: the corpus just written replaced the last one);
  deleted  a build into the output folder right after deleting the previous build's output
           (the deletion is not timed): on an ext4 without a journal it pays for what was
           deleted in the minutes before (see `filesystem`), the other runs' deletions included;
  (warm)   three rebuilds into the same folder, not counted (the slowdown above builds up);
  nochange a rebuild with no change, previous output present;
  edit     a rebuild after a one-line edit of one news entry (a line appended to its body,
           different each time), previous output present; checked in both outputs.

Prints each run, then a Markdown table: medians and ranges of wall time, the Renkei/Hugo ratio,
system time, peak RSS; and the load average (other work on the machine shows there).
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
TOOLS = ("renkei", "hugo")
CASES = ("empty", "deleted", "nochange", "edit")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import find_hugo  # noqa: E402  (the same search for Hugo as the build benchmark)


def timed(command):
    """Runs command; returns (wall s, system s, peak RSS MiB). Fails loudly on a non-zero exit."""
    wrapped = ["/usr/bin/time", "-f", "%e %S %M"] + command
    started = time.perf_counter()
    done = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    _, system, rss_kib = done.stderr.strip().splitlines()[-1].split()
    return wall, float(system), int(rss_kib) / 1024


def filesystem(path):
    """The file system's type, and for ext4 whether it keeps a journal: without one, ext4 checks
    every free inode it might reuse for a deletion in the last minute (`recently_deleted` in
    fs/ext4/ialloc.c, only when the file system has no journal), which makes a build right after
    a large deletion slow; mkfs.ext4 makes a journal unless told not to."""
    out = subprocess.run(["df", "--output=fstype,source", path], capture_output=True, text=True, check=True)
    fstype, source = out.stdout.splitlines()[-1].split()[:2]
    if fstype != "ext4":
        return fstype
    try:
        with open(f"/sys/fs/ext4/{os.path.basename(os.path.realpath(source))}/journal_task") as f:
            return "ext4, no journal" if f.read().strip() == "<none>" else "ext4, journal"
    except OSError:
        return fstype


class Site:
    """One corpus in one folder, with an output folder per tool."""

    def __init__(self, base, size, renkei, hugo, gen):
        self.base, self.size, self.renkei, self.hugo = base, size, renkei, hugo
        self.quiet_disk_needed = filesystem(base) == "ext4, no journal"
        self.corpus = os.path.join(base, f"corpus-{size}")
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(base)
        subprocess.run([gen, "--pages", str(size),
                        "--out", self.corpus], check=True, stdout=subprocess.DEVNULL)
        self.edited = {tool: self.news_entry(tool) for tool in TOOLS}
        self.original = {tool: open(path, encoding="utf-8").read() for tool, path in self.edited.items()}
        self.edits = 0

    def news_entry(self, tool):
        folder = os.path.join(self.corpus, tool, "content/news")
        names = sorted(n for n in os.listdir(folder) if n.endswith(".md") and not n.startswith("_"))
        return os.path.join(folder, names[len(names) // 2])

    def out(self, tool, run=None):
        """The output folder of the rebuilds, or with `run` a new one for that run of *empty*."""
        return os.path.join(self.base, f"out-{tool}" if run is None else f"new-{run}-{tool}")

    def command(self, tool, out=None):
        out = out or self.out(tool)
        if tool == "renkei":
            return [self.renkei, "build", "--root", os.path.join(self.corpus, "renkei"), "--output", out]
        return [self.hugo, "--quiet", "-s", os.path.join(self.corpus, "hugo"), "-d", out]

    def edit(self, tool):
        """Appends one line, different each time, to the body of the news entry."""
        line = f"追記 {self.edits}: 会場の案内を更新しました。"
        with open(self.edited[tool], "w", encoding="utf-8") as f:
            f.write(self.original[tool].rstrip("\n") + f"\n\n{line}\n")
        return line

    def check_edit(self, tool, line):
        slug = os.path.splitext(os.path.basename(self.edited[tool]))[0]
        for page in glob.glob(os.path.join(self.out(tool), "**", slug, "index.html"), recursive=True):
            if line in open(page, encoding="utf-8").read():
                return
        sys.exit(f"{tool}: the edit `{line}` is not in its output")


def measure(site, runs, log):
    results = {case: {tool: [] for tool in TOOLS} for case in CASES}

    def run(case, tool, before=None, out=None):
        if before:
            before()
        took = timed(site.command(tool, out))
        if case:
            results[case][tool].append(took)
        log(f"  {case or 'warm-up'} {tool}: {took[0]:.2f} s (sys {took[1]:.2f} s, {took[2]:.0f} MiB)")

    # New folders first. On an ext4 without a journal, what was deleted in the last minute (the
    # previous corpus, the last folder's outputs) slows the creation of files, and in the last
    # six minutes while its block is not written back, which creating files next to it undoes
    # (RECENTCY_MIN and RECENTCY_DIRTY in fs/ext4/ialloc.c): the script waits six minutes, and
    # keeps these outputs to the end.
    if site.quiet_disk_needed:
        log("  (six minutes without deletions)")
        os.sync()
        time.sleep(365)
    for n in range(runs):
        for tool in TOOLS:
            run("empty", tool, out=site.out(tool, n))
            # Elsewhere deleting costs the next build nothing, and keeping every run's output
            # can fill a small file system's inodes (150,000 a Renkei build at 50,000 files).
            if not site.quiet_disk_needed:
                shutil.rmtree(site.out(tool, n))
    for tool in TOOLS:
        run(None, tool)
    for _ in range(runs):
        for tool in TOOLS:
            run("deleted", tool, lambda: shutil.rmtree(site.out(tool)))
    for _ in range(3):
        for tool in TOOLS:
            run(None, tool)
    for _ in range(runs):
        for tool in TOOLS:
            run("nochange", tool)
    for _ in range(runs):
        for tool in TOOLS:
            line = site.edit(tool)
            run("edit", tool)
            site.check_edit(tool, line)
        site.edits += 1
    return results


def row(fs, size, case, results):
    def stats(values):
        return statistics.median(values), min(values), max(values)

    r, h = results["renkei"], results["hugo"]
    (rw, rlo, rhi), (hw, hlo, hhi) = stats([w for w, _, _ in r]), stats([w for w, _, _ in h])
    rsys, hsys = statistics.median(s for _, s, _ in r), statistics.median(s for _, s, _ in h)
    rm, hm = max(m for _, _, m in r), max(m for _, _, m in h)
    return (f"| {fs} | {size} | {case} | {rw:.2f} s ({rlo:.2f}–{rhi:.2f}) | {hw:.2f} s ({hlo:.2f}–{hhi:.2f}) "
            f"| **{rw / hw:.2f}** | {rsys:.2f} / {hsys:.2f} s | {rm:.0f} / {hm:.0f} MiB | {rm / hm:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--disk", nargs="+", default=["/var/tmp/renkei-rebuild"],
                        help="folders on real disks (one or more)")
    parser.add_argument("--tmpfs", default="/dev/shm/renkei-rebuild")
    parser.add_argument("--only", choices=["disk", "tmpfs"], help="measure one of the two folders only")
    parser.add_argument("--hugo")
    parser.add_argument("--gen", help="the corpus generator (default: build examples/gen-corpus.rs in release)")
    parser.add_argument("--renkei", help="the renkei binary to measure (default: target/release/renkei)")
    args = parser.parse_args()

    hugo = find_hugo(args.hugo)
    if not args.gen:
        subprocess.run(["cargo", "build", "--release", "-q", "--example", "gen-corpus"], cwd=REPO, check=True)
    gen = args.gen or os.path.join(REPO, "target/release/examples/gen-corpus")
    renkei = args.renkei or os.path.join(REPO, "target/release/renkei")
    hugo_version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split(" ")[1]
    folders = [("disk", disk) for disk in args.disk] + [("tmpfs", args.tmpfs)]
    if args.only:
        folders = [f for f in folders if f[0] == args.only]

    def log(message):
        print(message, file=sys.stderr, flush=True)

    rows, loads = [], []
    for size in args.sizes:
        for _, base in folders:
            os.makedirs(base, exist_ok=True)
            fs = f"{filesystem(base)} ({base})"
            site = Site(base, size, renkei, hugo, gen)
            load_before = os.getloadavg()[0]
            log(f"{size} content files on {fs}, load {load_before:.2f}")
            results = measure(site, args.runs, log)
            loads.append(f"{size} on {fs}: load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
            for case in CASES[::-1]:
                rows.append(row(fs, size, case, results[case]))
            shutil.rmtree(base, ignore_errors=True)

    print(f"\n{os.cpu_count()} cores; Hugo {hugo_version}; {args.runs} alternating runs per case "
          "(after 3 warm-up rebuilds for nochange and edit); medians (ranges) of wall time.\n")
    print("| file system | content files | case | Renkei | Hugo | Renkei/Hugo time | sys time Renkei / Hugo "
          "| peak RSS Renkei / Hugo | Renkei/Hugo memory |")
    print("|---|---|---|---|---|---|---|---|---|")
    for line in rows:
        print(line)
    print()
    for line in loads:
        print(f"- {line}")


if __name__ == "__main__":
    main()
