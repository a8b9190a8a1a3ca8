#!/usr/bin/env bash
# The release archives (issue 23), for people who do not build Renkei themselves:
#   renkei-<version>-x86_64-pc-windows-gnu.zip      the ward editors' Windows program
#   renkei-<version>-x86_64-unknown-linux-gnu.tar.gz
#   SHA256SUMS                                       their checksums
# Usage: tools/dist.sh [OUT_DIR]   (default: dist/). Needs what .ci/run installs for the Windows
# build (the rustup target x86_64-pc-windows-gnu, Debian's gcc-mingw-w64-x86-64) and python3.
#
# Each archive holds the program (stripped: the release profile's line tables make the .exe five
# times larger), README-ja.txt (the Japanese quick start: tools/dist/README-ja.txt, @VERSION@
# replaced) and the licences. The zip has them at its top level, so that `Expand-Archive …
# -DestinationPath $HOME\renkei` gives $HOME\renkei\renkei.exe; its texts are UTF-8 with a BOM
# and CRLF, which every Notepad opens. The tarball has them in a folder of its own name. Both are
# reproducible: names sorted, times set to SOURCE_DATE_EPOCH (default: the last commit's time).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
target_dir=${CARGO_TARGET_DIR:-target}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
windows=renkei-$version-x86_64-pc-windows-gnu
linux=renkei-$version-x86_64-unknown-linux-gnu

echo "-- build (release): $windows, $linux"
cargo build --locked --release --target x86_64-pc-windows-gnu
cargo build --locked --release

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$windows" "$stage/$linux" "$out"

# Windows: renkei.exe and the texts for Notepad. Only renkei.exe is taken from the build folder,
# never the smoke test's bcryptprimitives.dll beside it.
x86_64-w64-mingw32-strip -o "$stage/$windows/renkei.exe" "$target_dir/x86_64-pc-windows-gnu/release/renkei.exe"
sed "s/@VERSION@/$version/g" tools/dist/README-ja.txt >"$stage/README-ja.txt"
for text in "$stage/README-ja.txt" LICENSE-MIT LICENSE-APACHE; do
  { printf '\xef\xbb\xbf' && sed 's/$/\r/' "$text"; } >"$stage/$windows/$(basename "$text")"
done

# Linux: the program and the same texts as they are.
strip -o "$stage/$linux/renkei" "$target_dir/release/renkei"
cp "$stage/README-ja.txt" LICENSE-MIT LICENSE-APACHE "$stage/$linux/"

echo "-- archives in $out/"
python3 - "$stage/$windows" "$out/$windows.zip" "$SOURCE_DATE_EPOCH" <<'EOF'
import os, sys, time, zipfile
folder, archive, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip times start in 1980
with zipfile.ZipFile(archive, "w") as z:
    for name in sorted(os.listdir(folder)):
        info = zipfile.ZipInfo(name, stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (0o755 if name.endswith(".exe") else 0o644) << 16
        with open(os.path.join(folder, name), "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
EOF
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  -C "$stage" -cf - "$linux" | gzip -9n >"$out/$linux.tar.gz"
(cd "$out" && sha256sum "$windows.zip" "$linux.tar.gz" >SHA256SUMS && sha256sum --quiet -c SHA256SUMS)

echo "-- contents"
python3 -c 'import sys, zipfile; [print(f"   {i.file_size:>10}  {sys.argv[1]}: {i.filename}") for i in zipfile.ZipFile(sys.argv[1]).infolist()]' "$out/$windows.zip"
tar -tvzf "$out/$linux.tar.gz" | sed 's/^/   /'
sed 's/^/   /' "$out/SHA256SUMS"
