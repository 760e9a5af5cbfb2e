#!/usr/bin/env bash
# Benchmark: recording through the real-time path (PulseAudio null sink at
# its default 44.1 kHz stereo float, so mixing and resampling to speech
# quality are exercised) for MINUTES minutes (default 10), then the file-fed
# path's throughput. Prints figures; asserts nothing.
#   benches/recording.sh [MINUTES]      (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
bin=${MOCKLOOP_BIN:-target/debug/mockloop}
work=$(mktemp -d)
trap 'kill $(cat "$work/run/pulse/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
export XDG_RUNTIME_DIR="$work/run" HOME="$work/home"
mkdir -p "$XDG_RUNTIME_DIR" "$HOME"

pulseaudio -D --exit-idle-time=-1 -n --load="module-null-sink sink_name=mic" --load="module-native-protocol-unix" 2>/dev/null
for _ in $(seq 50); do pactl set-default-source mic.monitor 2>/dev/null && break; sleep 0.1; done
secs=$((minutes * 60))
sox -n -r 44100 -c 2 "$work/speechlike.wav" synth "$secs" pinknoise tremolo 3 80 vol 0.3

"$bin" record --seconds "$secs" --out "$work/take.wav" >"$work/summary.json" 2>"$work/stderr" &
pid=$!
until grep -q "^recording to" "$work/stderr" 2>/dev/null; do sleep 0.05; done
paplay -d mic "$work/speechlike.wav" &

tick=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
sleep 60
t1=$(date +%s.%N); c1=$(cpu_ticks); r1=$(rss_kb)
sleep $((secs - 65))
t2=$(date +%s.%N); c2=$(cpu_ticks); r2=$(rss_kb)
wait "$pid"

cpu=$(awk -v c1="$c1" -v c2="$c2" -v t1="$t1" -v t2="$t2" -v hz="$tick" 'BEGIN { printf "%.2f", (c2 - c1) / hz / (t2 - t1) * 100 }')
dropped=$(grep -o '"dropped_samples": [0-9]*' "$work/summary.json" | grep -o '[0-9]*$')
seconds=$(grep -o '"seconds": [0-9.]*' "$work/summary.json" | grep -o '[0-9.]*$')
echo "real-time recording, ${minutes} min, speech quality from 44.1 kHz stereo f32:"
echo "  CPU: ${cpu} % of one core (from minute 1 to minute $((secs / 60)))"
echo "  RSS: $((r1)) kB at minute 1, $((r2)) kB at the end (growth $((r2 - r1)) kB)"
echo "  take: ${seconds} s, dropped samples: ${dropped}"

# File-fed path: ALSA's file plugin, as fast as it can be read.
sox -n -r 48000 -c 1 -b 16 -e signed-integer -t raw "$work/in.raw" synth 120 whitenoise vol 0.5
sed -e "s#@IN@#$work/in.raw#" -e "s#@OUT@#$work/played.raw#" tests/fixtures/asoundrc.file-audio >"$HOME/.asoundrc"
unset XDG_RUNTIME_DIR
start=$(date +%s.%N)
"$bin" record --seconds 100 --quality studio --rate 48000 --out "$work/fast.wav" >"$work/fast.json" 2>/dev/null
end=$(date +%s.%N)
fdrop=$(grep -o '"dropped_samples": [0-9]*' "$work/fast.json" | grep -o '[0-9]*$')
awk -v s="$start" -v e="$end" -v d="$fdrop" 'BEGIN { printf "file-fed recording: 100 s of 48 kHz audio written in %.2f s (%.0fx real time), dropped %d input frames (the file plugin delivers faster than any writer)\n", e - s, 100 / (e - s), d }'
