#!/usr/bin/env bash
# What a user downloads and starts, next to the minimal Tauri 2 window
# (benches/hello-tauri) built the same way in the same run: release binary
# sizes, package sizes, then the installed window's cold start to an
# interactive home screen and its idle memory (benches/window.mjs --cold).
# Prints figures; asserts nothing.
#
#   benches/package.sh [RUNS]     (default 5 starts of each window)
#
# Needs root (it installs the .deb, and empties the page cache before each
# start) and what `make test` installs. Builds with the release profile in
# Cargo.toml: the first run takes a while. Installs mockloop's .deb if it is
# not installed, and removes it again at the end if it was not.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
tauri=ui/node_modules/.bin/tauri
version=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')

make -s ui >/dev/null
echo "building mockloop's packages (release profile)…"
"$tauri" build --ci --bundles deb,rpm >/dev/null 2>target/package-bench-build.log ||
  { cat target/package-bench-build.log; exit 1; }
echo "building the minimal window and its .deb (the same profile)…"
(cd benches/hello-tauri && "../../$tauri" build --ci --bundles deb --config '{"bundle":{"active":true}}') \
  >/dev/null 2>>target/package-bench-build.log || { cat target/package-bench-build.log; exit 1; }

mb() { python3 -c "import os, sys; print(f'{os.path.getsize(sys.argv[1]) / 1048576:7.1f} MiB')" "$1"; }
deb=target/release/bundle/deb/mockloop_${version}_amd64.deb
rpm=$(ls target/release/bundle/rpm/mockloop-"${version}"-*.rpm)
hello_deb=$(ls target/release/bundle/deb/hello-tauri_*_amd64.deb)
echo
echo "size (MiB)                       mockloop    hello-tauri"
echo "window executable (release)    $(mb target/release/mockloop-window)    $(mb target/release/hello-tauri)"
echo "command line (release)         $(mb target/release/mockloop)"
echo ".deb                           $(mb "$deb")    $(mb "$hello_deb")"
echo ".rpm                           $(mb "$rpm")"
echo "(targets: window executable at most 15 MB, .deb at most 10 MB)"

installed_here=0
if ! dpkg-query -W -f='${Status}' mockloop 2>/dev/null | grep -q "install ok installed"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
  installed_here=1
fi
trap 'if [ "$installed_here" = 1 ]; then apt-get purge -y -qq mockloop >/dev/null; fi' EXIT

echo
echo "the installed window: start-up and idle memory ($runs cold starts each)"
node benches/window.mjs --runs "$runs" --cold --app /usr/bin/mockloop-window --hello target/release/hello-tauri
echo "(targets: start-up at most 1.1x and idle memory at most 1.15x the minimal window)"
