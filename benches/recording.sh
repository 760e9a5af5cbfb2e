#!/usr/bin/env bash
# Benchmark: recording through the real-time path, on PulseAudio and on
# PipeWire, each with a virtual microphone and nothing else running:
#   - CPU of the whole `mockloop record` process from minute 1 to the end of
#     a MINUTES-minute take (default 10) in speech quality (so mixing down
#     and resampling to 16 kHz are included), RSS growth, dropped samples;
#   - start latency over 20 starts: `record` asked to start -> first samples
#     (the summary's start_ms), and process launch -> "recording to" (wall);
#   - the file-fed path's throughput (ALSA's file plugin, unpaced).
# Prints figures; asserts nothing.
#   benches/recording.sh [MINUTES]      (after `make build`; needs `make test`'s packages)
#   TRANSCRIBE_BESIDE=MODEL.bin benches/recording.sh [MINUTES]
#                                       the same with the transcription worker
#                                       running all along beside the recording
#                                       (as the window's would if it did not pause)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
bin=$(realpath "${MOCKLOOP_BIN:-target/debug/mockloop}")
pw_alsa=$(realpath "${MOCKLOOP_PIPEWIRE_ALSA:-target/test-deps/pipewire-alsa}")
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$(cat "$work/run/pulse/pid" 2>/dev/null)" 2>/dev/null || true
  sleep 0.3
  rm -rf "$work"
}
trap cleanup EXIT
secs=$((minutes * 60))
tick=$(getconf CLK_TCK)
sox -n -r 48000 -c 2 "$work/speechlike.wav" synth "$secs" pinknoise tremolo 3 80 vol 0.3
sox -n -r 48000 -c 1 "$work/short.wav" synth 600 pinknoise vol 0.3
if [ -n "${TRANSCRIBE_BESIDE:-}" ]; then
  espeak-ng -s 150 -w "$work/said.wav" "$(printf 'We shipped a smaller version first, and then, um, we learned from the data. %.0s' $(seq 12))"
  ( while :; do "$bin" transcribe-worker --model "$TRANSCRIBE_BESIDE" "$work/said.wav" >/dev/null 2>&1; done ) &
  pids+=($!)
  echo "with the transcription worker running beside the recording ($(basename "$TRANSCRIBE_BESIDE"), lowest priority)"
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
now_ms() { date +%s%3N; }

# One long take: CPU, RSS, dropped. $1 = server name; `play` plays a file into the microphone.
long_take() {
  local name=$1
  "$bin" record --seconds "$secs" --out "$work/take-$name.wav" >"$work/summary.json" 2>"$work/stderr" &
  local pid=$!
  until grep -q "^recording to" "$work/stderr" 2>/dev/null; do sleep 0.05; done
  play "$work/speechlike.wav"
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
  rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
  sleep 60
  local t1 c1 r1 t2 c2 r2
  t1=$(date +%s.%N); c1=$(cpu_ticks); r1=$(rss_kb)
  sleep $((secs - 65))
  t2=$(date +%s.%N); c2=$(cpu_ticks); r2=$(rss_kb)
  wait "$pid"
  stop_player
  local cpu dropped seconds
  cpu=$(awk -v c1="$c1" -v c2="$c2" -v t1="$t1" -v t2="$t2" -v hz="$tick" 'BEGIN { printf "%.2f", (c2 - c1) / hz / (t2 - t1) * 100 }')
  dropped=$(grep -o '"dropped_samples": [0-9]*' "$work/summary.json" | grep -o '[0-9]*$')
  seconds=$(grep -o '"seconds": [0-9.]*' "$work/summary.json" | grep -o '[0-9.]*$')
  echo "$name, ${minutes} min in speech quality from $(grep -o '"input_rate": [0-9]*' "$work/summary.json" | grep -o '[0-9]*$') Hz $(grep -o '"input_channels": [0-9]*' "$work/summary.json" | grep -o '[0-9]*$') ch:"
  echo "  CPU of the whole process: ${cpu} % of one core (minute 1 to the end)"
  echo "  RSS: ${r1} kB at minute 1, ${r2} kB at the end (growth $((r2 - r1)) kB)"
  echo "  take: ${seconds} s, dropped samples: ${dropped}"
}

# Twenty starts while the microphone delivers.
starts() {
  local name=$1 n in_process=() launch=()
  play "$work/short.wav"
  sleep 1
  for n in $(seq 20); do
    local t0
    t0=$(now_ms)
    "$bin" record --seconds 0.3 --force --out "$work/start.wav" >"$work/start.json" 2>"$work/start.err" &
    local pid=$!
    until grep -q "^recording to" "$work/start.err" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do sleep 0.002; done
    launch+=($(($(now_ms) - t0)))
    wait "$pid"
    in_process+=("$(grep -o '"start_ms": [0-9.]*' "$work/start.json" | grep -o '[0-9.]*$')")
    sleep 0.2
  done
  stop_player
  echo "$name, start latency over 20 starts:"
  echo "  asked to record -> first samples: median $(printf '%s\n' "${in_process[@]}" | median) ms, max $(printf '%s\n' "${in_process[@]}" | sort -n | tail -1) ms"
  echo "  process launch -> \"recording to\" (wall, includes starting the binary): median $(printf '%s\n' "${launch[@]}" | median) ms"
}

# --- PulseAudio: a null sink's monitor as the default source. For the long
# take the sink runs at the latency its clients ask for, as a microphone's
# source does (ours asks for 50 ms). For the starts, a silent low-latency
# stream plays into it all along, as a microphone delivers all along: an
# idle null sink renders in 2 s blocks, so its monitor would start every
# recording up to 2 s late, which no microphone does. (That stream also
# makes the sink wake every 20 ms, which would inflate the CPU figure.)
export XDG_RUNTIME_DIR="$work/run" HOME="$work/home"
mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
pulseaudio -D --exit-idle-time=-1 -n --load="module-null-sink sink_name=mic" --load="module-native-protocol-unix" 2>/dev/null
for _ in $(seq 50); do pactl set-default-source mic.monitor 2>/dev/null && break; sleep 0.1; done
play() { paplay -d mic "$1" & player=$!; }
stop_player() { kill "$player" 2>/dev/null || true; wait "$player" 2>/dev/null || true; }
long_take PulseAudio
pacat -p --raw --format=s16le --rate=48000 --channels=1 --latency-msec=20 -d mic /dev/zero &
pids+=($!)
sleep 2.1
starts PulseAudio
kill "${pids[@]}" 2>/dev/null || true
pids=()
kill "$(cat "$XDG_RUNTIME_DIR/pulse/pid")"
sleep 0.5

# --- PipeWire: a virtual source (48 kHz stereo) as the default source, read
# through PipeWire's own ALSA plugin (unpacked by `make test`: Debian 12's
# pipewire-alsa package conflicts with pulseaudio).
lib=$(dirname "$(find "$pw_alsa" -name libasound_module_pcm_pipewire.so | head -1)")
export XDG_RUNTIME_DIR="$work/pwrun" HOME="$work/pwhome"
mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
chmod 700 "$XDG_RUNTIME_DIR"
cat >"$HOME/.asoundrc" <<EOF
pcm_type.pipewire { lib "$lib/libasound_module_pcm_pipewire.so" }
ctl_type.pipewire { lib "$lib/libasound_module_ctl_pipewire.so" }
<$pw_alsa/usr/share/alsa/alsa.conf.d/50-pipewire.conf>
pcm.!default { type pipewire }
ctl.!default { type pipewire }
EOF
dbus-daemon --session --fork --address="unix:path=$XDG_RUNTIME_DIR/bus" --print-pid >"$XDG_RUNTIME_DIR/dbus.pid"
pids+=("$(cat "$XDG_RUNTIME_DIR/dbus.pid")")
export DBUS_SESSION_BUS_ADDRESS="unix:path=$XDG_RUNTIME_DIR/bus"
pipewire >/dev/null 2>&1 &
pids+=($!)
until [ -S "$XDG_RUNTIME_DIR/pipewire-0" ]; do sleep 0.02; done
wireplumber >/dev/null 2>&1 &
pids+=($!)
pw-cli create-node adapter '{ factory.name=support.null-audio-sink node.name=mic node.description="Test microphone"
  media.class=Audio/Source/Virtual object.linger=true audio.format=S16LE audio.rate=48000 audio.channels=2
  audio.position=[ FL FR ] }' >/dev/null
until pw-metadata 0 default.audio.source 2>/dev/null | grep -q value; do sleep 0.05; done
pw-metadata 0 default.audio.source '{"name":"mic"}' >/dev/null
plays=0
play() {
  plays=$((plays + 1))
  pw-play --target=0 -P "{ node.name=bench-player-$plays }" "$1" &
  player=$!
  until pw-link -o | grep -q "bench-player-$plays:output_"; do sleep 0.02; done
  for port in $(pw-link -o | grep "bench-player-$plays:output_"); do
    case $port in
      *_FR) pw-link "$port" mic:input_FR ;;
      *_FL) pw-link "$port" mic:input_FL ;;
      *) pw-link "$port" mic:input_FL && pw-link "$port" mic:input_FR ;;
    esac
  done
}
long_take PipeWire
starts PipeWire
kill "${pids[@]}" 2>/dev/null || true
pids=()
sleep 0.5

# File-fed path: ALSA's file plugin, as fast as it can be read.
sox -n -r 48000 -c 1 -b 16 -e signed-integer -t raw "$work/in.raw" synth 120 whitenoise vol 0.5
export HOME="$work/filehome" XDG_RUNTIME_DIR="$work/filehome"
mkdir -p "$HOME"
sed -e "s#@IN@#$work/in.raw#" -e "s#@OUT@#$work/played.raw#" tests/fixtures/asoundrc.file-audio >"$HOME/.asoundrc"
start=$(date +%s.%N)
"$bin" record --seconds 100 --quality studio --rate 48000 --out "$work/fast.wav" >"$work/fast.json" 2>/dev/null
end=$(date +%s.%N)
fdrop=$(grep -o '"dropped_samples": [0-9]*' "$work/fast.json" | grep -o '[0-9]*$')
awk -v s="$start" -v e="$end" -v d="$fdrop" 'BEGIN { printf "file-fed recording: 100 s of 48 kHz audio written in %.2f s (%.0fx real time), dropped %d input frames (the file plugin delivers faster than any writer)\n", e - s, 100 / (e - s), d }'
