#!/usr/bin/env bash
# The Windows program under Wine (issue 23): what an editor at a ward office does, run on Linux.
# Cross-compiles renkei.exe (release, x86_64-pc-windows-gnu) and runs it under Wine:
#   --version; `build` of the project's site in a Japanese-named folder (C:\Users\山田\Documents\renkei),
#   byte-identical to the Linux build; the same after every content file is saved the way Notepad
#   does (UTF-8 with a BOM, CRLF); `check` and `build` of a broken file (located error, exit 1,
#   previous site kept); a Shift_JIS file; `new`; the site through a UNC path (\\server\share\…);
#   `serve` answering and picking up a change.
# Any mismatch stops it with "windows-smoke: FAILED: …" and exit code 1. .ci/run calls it.
#
# Needs what .ci/run installs: the rustup target x86_64-pc-windows-gnu, Debian's
# gcc-mingw-w64-x86-64 and wine (8.0). Wine's prefix is kept in target/wine-prefix.
# RENKEI_LINUX=path/to/renkei: the Linux program to compare with (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
triple=x86_64-pc-windows-gnu
target_dir=${CARGO_TARGET_DIR:-$repo/target}
exe_dir=$target_dir/$triple/release
exe=$exe_dir/renkei.exe
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
# The same day for both builds: whether an event is upcoming depends on it.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1735689600}

step() { echo "-- $*"; }
since() { awk -v from="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.2f", now - from }'; }
fail() {
  echo "windows-smoke: FAILED: $*" >&2
  exit 1
}

step "cross-compile renkei.exe (release, $triple) and the Linux program for comparison"
cargo build --locked --release --target "$triple"
linux=${RENKEI_LINUX:-}
if [ -z "$linux" ]; then
  cargo build --locked --release
  linux=$target_dir/release/renkei
fi

step "renkei.exe needs no DLL that a Windows PC lacks (no MinGW runtime)"
# Windows 10 and later have all of these; anything else (libwinpthread-1.dll, libgcc_s_seh-1.dll)
# would stop the program on the editors' PCs.
system_dlls='^(kernel32|ntdll|advapi32|bcrypt|bcryptprimitives|msvcrt|userenv|ws2_32|api-ms-win-core-synch-l1-2-0)\.dll$'
imports=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
for dll in $imports; do
  [[ $dll =~ $system_dlls ]] || fail "renkei.exe imports $dll, which Windows does not have"
done
echo "   imports: $(echo $imports)"

step "the test-only bcryptprimitives.dll for Wine 8.0 (tools/wine/bcryptprimitives.c), next to the .exe"
x86_64-w64-mingw32-gcc -shared -O2 -Wall -Werror -o "$exe_dir/bcryptprimitives.dll" \
  tools/wine/bcryptprimitives.c -ladvapi32

# Wine: its own prefix; no debug output, no offer to install Mono or Gecko (a console program needs
# neither, nor an X display); a UTF-8 locale, so that Japanese arguments reach the program intact.
export WINEPREFIX=$target_dir/wine-prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" LC_ALL=C.UTF-8
unset DISPLAY
wine=$(command -v wine || command -v wine64 || echo /usr/lib/wine/wine64)
work=$(mktemp -d)
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
  wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$wine" wineboot -i >/dev/null 2>&1 || fail "wineboot could not make the prefix $WINEPREFIX"

# run NAME ARGS…: renkei.exe ARGS under Wine; stdout in $work/NAME.out, stderr in NAME.err, exit
# code in $rc.
run() {
  local name=$1
  shift
  rc=0
  (cd "$work" && "$wine" "$exe" "$@") >"$work/$name.out" 2>"$work/$name.err" || rc=$?
}
show() {
  echo "--- stdout of $1:" >&2
  cat "$work/$1.out" >&2
  echo "--- stderr of $1:" >&2
  head -n 40 "$work/$1.err" >&2
}
expect_rc() { # NAME CODE
  [ "$rc" = "$2" ] || {
    show "$1"
    fail "$1: exit code $rc, expected $2"
  }
}
expect_text() { # NAME out|err TEXT
  grep -qF -- "$3" "$work/$1.$2" || {
    show "$1"
    fail "$1: the std$2 does not say: $3"
  }
}
same_site() { # WHAT DIR: DIR holds exactly the Linux build
  # The manifest records what each page was made from, the program's own bytes included, so
  # it differs between the two programs; every file of the site must be the same.
  diff -r -x .renkei-manifest "$work/linux" "$2" >"$work/diff" 2>&1 || {
    head -n 20 "$work/diff" >&2
    fail "$1: the output differs from the Linux build"
  }
}

step "renkei.exe --version"
run version --version
expect_rc version 0
[ "$(tr -d '\r' <"$work/version.out")" = "renkei $version" ] || {
  show version
  fail "--version does not print: renkei $version"
}

step "the reference: the Linux program builds the project's site"
"$linux" build --root "$repo" --output "$work/linux" >/dev/null

step "build of the project's site in C:\\Users\\山田\\Documents\\renkei: byte-identical to Linux"
documents=$WINEPREFIX/drive_c/users/山田/Documents
site=$documents/renkei
rm -rf "$documents"
mkdir -p "$site"
cp -r site.toml content themes "$site/"
[ ! -d static ] || cp -r static "$site/"
# data/: the plan of the 推進方針 (data/plan.toml), which the /plan/ page is made from.
[ ! -d data ] || cp -r data "$site/"
winsite='C:\Users\山田\Documents\renkei'
started=$(date +%s.%N)
run build build --root "$winsite"
expect_rc build 0
expect_text build out "→ $winsite\\public"
same_site "build in a Japanese-named folder" "$site/public"
echo "   $(head -n 1 "$work/build.out") (wall clock under Wine: $(since "$started") s)"

step "check of the same site: no problems"
run check check --root "$winsite"
expect_rc check 0
expect_text check out "問題はありません"

step "every content file and site.toml saved as Notepad does (UTF-8 with BOM, CRLF): the same site"
find "$site/content" -name '*.md' -print0 | xargs -0 sed -i -e 's/$/\r/' -e '1s/^/\xef\xbb\xbf/'
sed -i -e 's/$/\r/' -e '1s/^/\xef\xbb\xbf/' "$site/site.toml"
[ "$(head -c 3 "$site/content/about.md" | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "no BOM written"
run notepad build --root "$winsite"
expect_rc notepad 0
same_site "build of BOM+CRLF files" "$site/public"

step "check of a broken file: the located error with the editor's path, exit code 1"
broken=content/events/wine-smoke-broken.md
printf '%s\r\n' '---' 'title: 交流会' 'date: 2024-10-05' 'category: 住民交流' 'wards: [chiyodda]' '---' '' '本文' \
  >"$site/$broken"
run broken check --root "$winsite"
expect_rc broken 1
expect_text broken err '--> content\events\wine-smoke-broken.md:5:'
expect_text broken err 'chiyoda'
expect_text broken err 'エラー: 問題が 1 件あります'

step "build with the broken file: exit code 1, the previous site unchanged"
run broken-build build --root "$winsite"
expect_rc broken-build 1
expect_text broken-build err '前のサイトはそのままです'
same_site "the site after a failed build" "$site/public"

step "a file saved as Shift_JIS: the helpful error"
printf -- '---\ntitle: 交流会\ndate: 2024-10-05\ncategory: 住民交流\n---\n本文\n' | iconv -f UTF-8 -t SHIFT_JIS >"$site/$broken"
run sjis check --root "$winsite"
expect_rc sjis 1
expect_text sjis err 'content\events\wine-smoke-broken.md:2:'
expect_text sjis err '文字コードが UTF-8 ではありません'
expect_text sjis err '文字コード UTF-8'
rm "$site/$broken"

step "new: a file with the right front matter, never overwritten"
run new new events wine-smoke --root "$winsite"
expect_rc new 0
expect_text new out 'content\events\wine-smoke.md を作りました'
grep -q '^draft: true' "$site/content/events/wine-smoke.md" || fail "new: the new file is not a draft"
run new-again new events wine-smoke --root "$winsite"
expect_rc new-again 2
expect_text new-again err 'にあります。何も書いていません'
run new-check check --root "$winsite"
expect_rc new-check 0
rm "$site/content/events/wine-smoke.md"

step "the site through a UNC path (\\\\server\\share\\renkei, Wine's dosdevices/unc): the same site"
mkdir -p "$WINEPREFIX/dosdevices/unc/server"
ln -sfn "$documents" "$WINEPREFIX/dosdevices/unc/server/share"
run unc build --root '\\server\share\renkei'
expect_rc unc 0
same_site "build through a UNC path" "$site/public"

step "serve: answers, and picks up a change in a subfolder"
(cd "$work" && exec "$wine" "$exe" serve --root "$winsite" --port 0) >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
url=
for _ in $(seq 1 120); do
  url=$(sed -n 's/^\(http[^ ]*\) でサイトを見られます.*/\1/p' "$work/serve.out")
  [ -n "$url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.5
done
[ -n "$url" ] || {
  show serve
  fail "serve did not start"
}
curl -fsS "${url}about/" >"$work/about.html" || fail "serve does not answer ${url}about/"
grep -q '<title>' "$work/about.html" || fail "serve: ${url}about/ is not a page"
event=$(cd "$site/content/events" && ls ./*.md | grep -v _index | head -n 1)
event=${event#./}
sed -i '0,/^title: .*/s//title: ワインで変更\r/' "$site/content/events/$event"
changed_at=$(date +%s.%N)
picked=
for _ in $(seq 1 100); do
  if curl -fsS "${url}events/${event%.md}/" | grep -q 'ワインで変更'; then
    picked=$(since "$changed_at")
    break
  fi
  sleep 0.2
done
[ -n "$picked" ] || {
  show serve
  fail "serve did not pick up the change of content\\events\\$event within 20 s"
}
grep '^変更：' "$work/serve.out" | grep -qF "content\\events\\$event" || {
  show serve
  fail "serve does not name the changed file as content\\events\\$event"
}
echo "   the change was served after $picked s"

echo "windows-smoke: all passed (renkei $version, $triple, $("$wine" --version))"
