//! Real audio without a sound card, for the CLI's tests: a PulseAudio server
//! with a null sink as a real-time microphone, and ALSA's `file` plugin as a
//! microphone (and speakers) backed by files. See shared/testing/README.md.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_mockloop");

/// Fails with a clear message when a system tool the test needs is missing
/// (`make test` installs them all).
pub fn require(tool: &str) {
    let found =
        Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success());
    assert!(found, "`{tool}` is needed for this test: run `make test` (scripts/install-deps.sh test) to install it");
}

/// A deterministic pseudo-random 16-bit signal (xorshift), loud but not clipping.
pub fn noise(len: usize, seed: u64) -> Vec<i16> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x >> 48) as i16) / 2
        })
        .collect()
}

pub fn write_wav(path: &Path, rate: u32, samples: &[i16]) {
    let spec =
        hound::WavSpec { channels: 1, sample_rate: rate, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

pub fn write_raw(path: &Path, samples: &[i16]) {
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

pub fn read_raw(path: &Path) -> Vec<i16> {
    std::fs::read(path).unwrap().chunks_exact(2).map(|c| i16::from_le_bytes([c[0], c[1]])).collect()
}

pub fn read_wav(path: &Path) -> (hound::WavSpec, Vec<i16>) {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{} does not open as WAV: {e}", path.display()));
    let spec = r.spec();
    (spec, r.samples::<i16>().map(Result::unwrap).collect())
}

/// Where `needle` first occurs exactly in `hay`.
pub fn find(hay: &[i16], needle: &[i16]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A home folder whose `.asoundrc` makes ALSA's default device read `infile`
/// (raw S16_LE 48 kHz mono) and write playback to `played.raw`.
pub struct FileAudio {
    pub home: tempfile::TempDir,
}

impl FileAudio {
    pub fn new(input: &[i16]) -> Self {
        let home = tempfile::tempdir().unwrap();
        let infile = home.path().join("in.raw");
        write_raw(&infile, input);
        let played = home.path().join("played.raw");
        let conf = include_str!("../../../tests/fixtures/asoundrc.file-audio")
            .replace("@IN@", &infile.display().to_string())
            .replace("@OUT@", &played.display().to_string());
        std::fs::write(home.path().join(".asoundrc"), conf).unwrap();
        Self { home }
    }

    pub fn played(&self) -> PathBuf {
        self.home.path().join("played.raw")
    }

    /// Points a command's ALSA at these files (and away from any PulseAudio server).
    pub fn env(&self, c: &mut Command) {
        c.env("HOME", self.home.path()).env_remove("PULSE_SERVER").env("XDG_RUNTIME_DIR", self.home.path());
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args);
        self.env(&mut c);
        c
    }
}

/// A PulseAudio server of the test's own, with a null sink `mic` whose
/// monitor is the default source: what is played into `mic` is what a
/// recording from ALSA's default device hears, in real time.
pub struct Pulse {
    pub runtime: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Pulse {
    pub fn start() -> Self {
        require("pulseaudio");
        require("pactl");
        require("paplay");
        let runtime = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        let status = Command::new("pulseaudio")
            .args([
                "-D",
                "--exit-idle-time=-1",
                "-n",
                "--load=module-null-sink sink_name=mic format=s16le rate=48000 channels=1",
                "--load=module-native-protocol-unix",
            ])
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("start pulseaudio");
        assert!(status.success(), "pulseaudio did not start");
        let pulse = Self { runtime, home };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pulse.pactl(&["set-default-source", "mic.monitor"]).status.success() {
            assert!(Instant::now() < deadline, "pulseaudio did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        pulse
    }

    fn env(&self, c: &mut Command) {
        c.env("XDG_RUNTIME_DIR", self.runtime.path()).env("HOME", self.home.path()).env_remove("PULSE_SERVER");
    }

    pub fn pactl(&self, args: &[&str]) -> Output {
        let mut c = Command::new("pactl");
        c.args(args);
        self.env(&mut c);
        c.output().expect("run pactl")
    }

    /// Plays a WAV into the microphone; returns the paplay process.
    pub fn play(&self, wav: &Path) -> Child {
        let mut c = Command::new("paplay");
        c.args(["-d", "mic"]).arg(wav);
        self.env(&mut c);
        c.spawn().expect("run paplay")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args);
        self.env(&mut c);
        c
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let pid = std::fs::read_to_string(self.runtime.path().join("pulse/pid")).unwrap_or_default();
        if let Ok(pid) = pid.trim().parse::<i32>() {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    }
}

/// A recording started with `mockloop record`, acknowledged.
pub struct Recording {
    pub child: Child,
    pub acknowledged_at: Instant,
    stderr: mpsc::Receiver<String>,
}

impl Recording {
    /// Spawns `command` and waits for its "recording to" line on stderr.
    pub fn start(mut command: Command) -> Self {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn mockloop record");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(line) if line.starts_with("recording to ") => {}
            Ok(line) => panic!("mockloop record said: {line}"),
            Err(_) => panic!("mockloop record did not acknowledge within 15 s"),
        }
        Self { child, acknowledged_at: Instant::now(), stderr: rx }
    }

    /// Waits for the process; returns (success, stdout JSON, stderr lines).
    pub fn finish(self) -> (bool, serde_json::Value, Vec<String>) {
        let out = self.child.wait_with_output().unwrap();
        let stderr: Vec<String> = self.stderr.try_iter().collect();
        let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
        (out.status.success(), json, stderr)
    }
}
