#!/usr/bin/env python3
"""Save → new page served: the latency of `renkei serve` (and, given its binary, `hugo server`)
on a generated site of about 10,000 pages (60 % municipalities over the 47 prefectures, 30 %
events, 10 % news, 1–3 KB of Japanese Markdown each), as docs/performance.md reports.

It starts the server, then repeatedly edits a file the way an editor saves it (write, close) and
polls the page every 2 ms until the new text is served. Two kinds of edit: a municipality's body,
and the municipality template (which every municipality page uses). A benchmark, not a test.

usage: python3 benches/serve_latency.py [--pages 10000] [--runs 15] [--hugo /path/to/hugo]
       (build first: cargo build --release; RENKEI_TRACE=1 shows the server's stage timings)
"""
import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WARDS = sorted(f[:-3] for f in os.listdir(os.path.join(REPO, "content/wards")) if re.fullmatch(r"[a-z]+\.md", f))
PREFECTURES = sorted(f[:-3] for f in os.listdir(os.path.join(REPO, "content/prefectures")) if re.fullmatch(r"[a-z]+\.md", f))
CATEGORIES = ["産業振興", "観光振興", "文化芸術振興", "東京2020", "地域課題", "住民交流"]
SENTENCES = [
    "特別区と全国の地域が連携し、互いの魅力を発信しています。",
    "地域の特産品を紹介する催しが区内の商店街で開かれました。",
    "住民どうしの交流を深めるため、毎年相互に訪問しています。",
    "観光と産業の振興に向けて、職員の派遣と研修を続けています。",
    "災害時の相互応援について協定を結び、訓練を重ねています。",
]


def body(rng):
    text, size = [], rng.randint(1000, 3000)
    while sum(len(s.encode()) for s in text) < size:
        if rng.random() < 0.1:
            text.append(f"\n\n## 見出し{len(text)}\n\n")
        text.append(rng.choice(SENTENCES))
    return "".join(text) + "\n"


def check_digit(five):
    total = sum(int(d) * w for d, w in zip(five, [6, 5, 4, 3, 2]))
    return (11 - total if total < 11 else 11 - total % 11) % 10


def municipality_codes(count, taken):
    codes, n = [], 0
    while len(codes) < count:
        pref = n % 47 + 1
        five = f"{pref:02d}{900 - n // 47:03d}"
        code = five + str(check_digit(five))
        if code not in taken:
            codes.append((code, PREFECTURES[pref - 1] if pref - 1 < len(PREFECTURES) else PREFECTURES[0]))
        n += 1
    return codes


def prefecture_by_code():
    result = {}
    for p in PREFECTURES:
        text = open(os.path.join(REPO, "content/prefectures", p + ".md"), encoding="utf-8").read()
        code = re.search(r'code: "(\d\d)"', text).group(1)
        result[int(code)] = p
    return result


def generate(site, pages, rng):
    """The project's own site plus generated entries, up to about `pages` pages."""
    os.makedirs(site)
    for part in ["site.toml", "themes", "content", "static"]:
        source = os.path.join(REPO, part)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(site, part))
        elif os.path.exists(source):
            shutil.copy(source, site)
    taken = {f[:6] for f in os.listdir(os.path.join(site, "content/municipalities"))}
    by_code = prefecture_by_code()
    n_muni, n_event = int(pages * 0.6), int(pages * 0.3)
    n_news = pages - n_muni - n_event
    entries = []
    for code, _ in municipality_codes(n_muni, taken):
        prefecture = by_code.get(int(code[:2]), PREFECTURES[0])
        ward = rng.choice(WARDS)
        front = f'name: 市{code}\nkana: し\nprefecture: {prefecture}\nkind: 市\npartners:\n  - ward: {ward}\n    relation: 交流都市\n'
        entries.append((f"municipalities/{code}.md", front, code))
    for i in range(n_event):
        front = f"title: 交流イベント{i}\ndate: {2015 + i % 11}-{i % 12 + 1:02d}-{i % 28 + 1:02d}\ncategory: {CATEGORIES[i % 6]}\nwards: [{rng.choice(WARDS)}]\n"
        entries.append((f"events/gen-{i}.md", front, None))
    for i in range(n_news):
        front = f"title: お知らせ{i}\ndate: {2015 + i % 11}-{i % 12 + 1:02d}-{i % 28 + 1:02d}\n"
        entries.append((f"news/gen-{i}.md", front, None))
    for path, front, _ in entries:
        with open(os.path.join(site, "content", path), "w", encoding="utf-8") as f:
            f.write(f"---\n{front}---\n\n{body(rng)}")
    return [code for _, _, code in entries if code]


def generate_hugo(site, renkei_site):
    """The same content for Hugo: the Markdown files as they are, minimal templates."""
    os.makedirs(os.path.join(site, "layouts/_default"))
    with open(os.path.join(site, "hugo.toml"), "w") as f:
        f.write('baseURL = "http://127.0.0.1/"\ntitle = "bench"\ndisableKinds = ["RSS", "taxonomy", "term"]\n')
    layouts = {
        "baseof.html": "<!doctype html><html><body>{{ block \"main\" . }}{{ end }}</body></html>",
        "single.html": "{{ define \"main\" }}<h1>{{ .Title }}{{ .Params.name }}</h1>{{ .Content }}{{ end }}",
        "list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}{{ .Params.name }}</a></li>{{ end }}</ul>{{ end }}",
    }
    for name, text in layouts.items():
        with open(os.path.join(site, "layouts/_default", name), "w") as f:
            f.write(text)
    with open(os.path.join(site, "layouts/index.html"), "w") as f:
        f.write("<!doctype html><html><body><h1>home</h1></body></html>")
    os.makedirs(os.path.join(site, "content"))
    for folder in ["municipalities", "events", "news"]:
        target = os.path.join(site, "content", folder)
        os.makedirs(target)
        for name in os.listdir(os.path.join(renkei_site, "content", folder)):
            if re.fullmatch(r"(\d{6}|gen-\d+)\.md", name):
                shutil.copy(os.path.join(renkei_site, "content", folder, name), target)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8", "replace")
    except OSError:
        return ""


def wait_for(url, token, timeout=60.0):
    """Polls until the page holds `token`; returns the seconds since the call."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if token in fetch(url):
            return time.perf_counter() - start
        time.sleep(0.002)
    raise TimeoutError(f"{url} never showed {token}")


def save(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def measure(label, runs, edit):
    """`edit(i)` saves a file and returns (url, token); the median of save → token served."""
    times = []
    for i in range(runs):
        url, token = edit(i)
        times.append(wait_for(url, token))
        time.sleep(0.3)
    median = statistics.median(times) * 1000
    print(f"{label}: median {median:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {runs} runs)")
    return median


TRACE = bool(os.environ.get("RENKEI_TRACE"))


def start(command, url, cwd=None):
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # RENKEI_TRACE=1: show the server's lines (renkei then prints the time of each rebuild stage).
    show = (lambda line: print("    |", line.rstrip())) if TRACE else (lambda line: None)
    threading.Thread(target=lambda: [show(line) for line in process.stdout], daemon=True).start()
    started = time.perf_counter()
    while not fetch(url):
        if process.poll() is not None or time.perf_counter() - started > 300:
            raise RuntimeError(f"{command[0]} did not start")
        time.sleep(0.05)
    print(f"  ready after {time.perf_counter() - started:.1f} s")
    return process


def bench_renkei(site, codes, runs):
    binary = os.path.join(REPO, "target/release/renkei")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"renkei serve ({binary})")
    server = start([binary, "serve", "--root", site, "--port", str(port)], f"{base}/")
    try:
        def body_edit(i):
            code = codes[i * 37 % len(codes)]
            path = os.path.join(site, "content/municipalities", code + ".md")
            token = f"本文の編集{i}号"
            save(path, open(path, encoding="utf-8").read() + f"\n{token}\n")
            return f"{base}/municipalities/{code}/", token

        template = os.path.join(site, "themes/default/templates/municipality.html")
        original = open(template, encoding="utf-8").read()

        def template_edit(i):
            token = f"template-edit-{i}"
            save(template, original.replace("{% block content %}", "{% block content %}<!-- " + token + " -->", 1))
            return f"{base}/municipalities/{codes[i * 53 % len(codes)]}/", token

        return measure("  body edit", runs, body_edit), measure("  template edit", runs, template_edit)
    finally:
        server.terminate()
        server.wait()


def bench_hugo(hugo, site, codes, runs):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"hugo server ({hugo})")
    server = start([hugo, "server", "-s", site, "--port", str(port), "--bind", "127.0.0.1", "--logLevel", "error"], f"{base}/")
    try:
        def body_edit(i):
            code = codes[i * 37 % len(codes)]
            path = os.path.join(site, "content/municipalities", code + ".md")
            token = f"本文の編集{i}号"
            save(path, open(path, encoding="utf-8").read() + f"\n{token}\n")
            return f"{base}/municipalities/{code}/", token

        template = os.path.join(site, "layouts/_default/single.html")
        original = open(template, encoding="utf-8").read()

        def template_edit(i):
            token = f"template-edit-{i}"
            save(template, original.replace('{{ define "main" }}', '{{ define "main" }}<!-- ' + token + " -->", 1).replace("<!--", "<b>").replace("-->", "</b>"))
            return f"{base}/municipalities/{codes[i * 53 % len(codes)]}/", token

        return measure("  body edit", runs, body_edit), measure("  template edit", runs, template_edit)
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--hugo", help="the hugo binary, to measure `hugo server` on the same content")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = os.path.join(tmp, "renkei")
        codes = generate(site, args.pages, random.Random(1))
        print(f"generated {args.pages} entries in {site} ({os.cpu_count()} CPUs)")
        build = subprocess.run([os.path.join(REPO, "target/release/renkei"), "build", "--root", site, "--output", os.path.join(tmp, "public")], capture_output=True, text=True)
        print("renkei build:", build.stdout.strip() or build.stderr.strip()[-2000:])
        bench_renkei(site, codes, args.runs)
        if args.hugo:
            hugo_site = os.path.join(tmp, "hugo")
            generate_hugo(hugo_site, site)
            bench_hugo(args.hugo, hugo_site, codes, args.runs)


if __name__ == "__main__":
    sys.exit(main())
