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

/// A real-time microphone of a test's own, behind a sound server: what is
/// played into it is what a recording from ALSA's default device hears.
pub trait Mic {
    /// Which sound server, for messages.
    fn server(&self) -> &'static str;
    /// Points a command at this server (and away from any other).
    fn env(&self, c: &mut Command);
    /// Plays a WAV into the named source (`mic`, or one made with
    /// `with_sources`); returns the player process.
    fn play_into(&self, source: &str, wav: &Path) -> Child;
    /// Kills the sound server: for ALSA's default device the microphone is gone.
    fn kill_server(&self);

    /// Plays a WAV into the default microphone; returns the player process.
    fn play(&self, wav: &Path) -> Child {
        self.play_into("mic", wav)
    }

    /// `mockloop` with these arguments, on this server.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args);
        self.env(&mut c);
        c
    }
}

/// Kills a process by pid, and waits until it is gone (at most 5 s).
fn kill_and_wait(pid: u32, signal: &str) {
    let _ = Command::new("kill").args([signal, &pid.to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A PulseAudio server of the test's own, with a null sink `mic` whose
/// monitor is the default source. A silent low-latency stream plays into
/// the sink all along, as a microphone delivers all along: an idle null
/// sink renders in 2 s blocks, so its monitor would hand a new recording
/// its first samples up to 2 s late (measured), which no microphone does.
/// Silence mixed in changes no sample.
pub struct Pulse {
    pub runtime: tempfile::TempDir,
    home: tempfile::TempDir,
    keep_alive: Option<Child>,
}

impl Pulse {
    pub fn start() -> Self {
        Self::with_sources(&[])
    }

    /// With more sources, `(name, description)`: each a real source (not a
    /// monitor) remapped from the monitor of a null sink `NAME-feed`.
    pub fn with_sources(extra: &[(&str, &str)]) -> Self {
        require("pulseaudio");
        require("pactl");
        require("paplay");
        require("pacat");
        let runtime = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        // The pulse plugin as ALSA's default, whatever else the machine has.
        std::fs::write(home.path().join(".asoundrc"), "pcm.!default { type pulse }\nctl.!default { type pulse }\n")
            .unwrap();
        let mut args: Vec<String> = ["-D", "--exit-idle-time=-1", "-n"].map(String::from).to_vec();
        args.push("--load=module-null-sink sink_name=mic format=s16le rate=48000 channels=1 sink_properties=device.description=Test-microphone".into());
        for (name, description) in extra {
            args.push(format!("--load=module-null-sink sink_name={name}-feed format=s16le rate=48000 channels=1"));
            args.push(format!(
                "--load=module-remap-source master={name}-feed.monitor source_name={name} source_properties=device.description={description}"
            ));
        }
        args.push("--load=module-native-protocol-unix".into());
        let status = Command::new("pulseaudio")
            .args(&args)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("start pulseaudio");
        assert!(status.success(), "pulseaudio did not start");
        let mut pulse = Self { runtime, home, keep_alive: None };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !pulse.pactl(&["set-default-source", "mic.monitor"]).status.success() {
            assert!(Instant::now() < deadline, "pulseaudio did not answer");
            std::thread::sleep(Duration::from_millis(100));
        }
        pulse.keep_alive = Some(pulse.keep_rendering("mic"));
        // The block the idle sink was rendering when the stream came ends
        // within 2 s; from then on the monitor delivers every 20 ms.
        std::thread::sleep(Duration::from_millis(2_100));
        pulse
    }

    /// Plays silence into `sink` until killed, so the sink keeps rendering
    /// (and its monitor delivers every 20 ms, as a microphone does). The
    /// idle block it was in ends within 2 s: wait that long before timing.
    pub fn keep_rendering(&self, sink: &str) -> Child {
        let mut keep = Command::new("pacat");
        keep.args(["-p", "--raw", "--format=s16le", "--rate=48000", "--channels=1", "--latency-msec=20", "-d", sink])
            .arg("/dev/zero");
        self.env(&mut keep);
        keep.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("run pacat")
    }

    pub fn pactl(&self, args: &[&str]) -> Output {
        let mut c = Command::new("pactl");
        c.args(args);
        self.env(&mut c);
        c.output().expect("run pactl")
    }

    fn pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.runtime.path().join("pulse/pid")).ok()?.trim().parse().ok()
    }
}

impl Mic for Pulse {
    fn server(&self) -> &'static str {
        "PulseAudio"
    }

    fn env(&self, c: &mut Command) {
        c.env("XDG_RUNTIME_DIR", self.runtime.path()).env("HOME", self.home.path()).env_remove("PULSE_SERVER");
    }

    fn play_into(&self, source: &str, wav: &Path) -> Child {
        let sink = if source == "mic" { "mic".to_owned() } else { format!("{source}-feed") };
        let mut c = Command::new("paplay");
        c.args(["-d", &sink]).arg(wav);
        self.env(&mut c);
        c.spawn().expect("run paplay")
    }

    fn kill_server(&self) {
        if let Some(pid) = self.pid() {
            kill_and_wait(pid, "-9");
        }
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        if let Some(mut keep) = self.keep_alive.take() {
            let _ = keep.kill();
            let _ = keep.wait();
        }
        if let Some(pid) = self.pid() {
            kill_and_wait(pid, "-TERM");
        }
    }
}

/// The first file called `name` under `dir`.
fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, name) {
                return Some(found);
            }
        } else if entry.file_name() == name {
            return Some(path);
        }
    }
    None
}

/// Where the PipeWire ALSA plugin is: `MOCKLOOP_PIPEWIRE_ALSA`, else the
/// copy `make test` unpacks into `target/test-deps/pipewire-alsa` (Debian
/// 12's pipewire-alsa package conflicts with pulseaudio, so the PulseAudio
/// tests' machine cannot have it installed; the plugin itself is the same).
pub fn pipewire_alsa() -> PathBuf {
    std::env::var_os("MOCKLOOP_PIPEWIRE_ALSA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-deps/pipewire-alsa"))
}

/// A PipeWire server of the test's own (with WirePlumber and a session
/// bus), a virtual source `mic` (48 kHz mono s16) as the default source,
/// and the PipeWire ALSA plugin as ALSA's default device. With `pulse`,
/// also pipewire-pulse, the PulseAudio protocol a desktop's tools speak.
pub struct PipeWire {
    runtime: tempfile::TempDir,
    home: tempfile::TempDir,
    children: Vec<Child>,
    dbus: Option<u32>,
    plays: std::sync::atomic::AtomicU32,
}

impl PipeWire {
    pub fn start() -> Self {
        Self::launch(&[], false)
    }

    /// With more virtual sources `(node name, description)` and pipewire-pulse.
    pub fn with_sources(extra: &[(&str, &str)]) -> Self {
        Self::launch(extra, true)
    }

    fn launch(extra: &[(&str, &str)], pulse: bool) -> Self {
        for tool in ["pipewire", "wireplumber", "pw-cli", "pw-play", "pw-link", "pw-metadata", "dbus-daemon"] {
            require(tool);
        }
        let plugin = pipewire_alsa();
        let conf = plugin.join("usr/share/alsa/alsa.conf.d/50-pipewire.conf");
        let lib = find_file(&plugin.join("usr/lib"), "libasound_module_pcm_pipewire.so")
            .and_then(|so| so.parent().map(Path::to_path_buf))
            .filter(|_| conf.exists())
            .unwrap_or_else(|| {
                panic!(
                    "the PipeWire ALSA plugin is not in {}: run `make test` (scripts/install-deps.sh test unpacks it)",
                    plugin.display()
                )
            });
        let runtime = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        std::fs::write(
            home.path().join(".asoundrc"),
            format!(
                "pcm_type.pipewire {{ lib \"{lib}/libasound_module_pcm_pipewire.so\" }}\n\
                 ctl_type.pipewire {{ lib \"{lib}/libasound_module_ctl_pipewire.so\" }}\n\
                 <{conf}>\n\
                 pcm.!default {{ type pipewire }}\nctl.!default {{ type pipewire }}\n",
                lib = lib.display(),
                conf = conf.display()
            ),
        )
        .unwrap();
        let mut pw = Self { runtime, home, children: Vec::new(), dbus: None, plays: Default::default() };
        let bus = pw.runtime.path().join("bus");
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-pid"])
            .arg(format!("--address=unix:path={}", bus.display()))
            .output()
            .expect("start dbus-daemon");
        assert!(out.status.success(), "dbus-daemon did not start");
        pw.dbus = String::from_utf8_lossy(&out.stdout).trim().parse().ok();
        pw.children.push(pw.spawn(Command::new("pipewire")));
        pw.wait_for("pipewire's socket", |pw| pw.runtime.path().join("pipewire-0").exists());
        pw.children.push(pw.spawn(Command::new("wireplumber")));
        for (name, description) in std::iter::once(&("mic", "Test-microphone")).chain(extra) {
            let node = format!(
                "{{ factory.name=support.null-audio-sink node.name={name} node.description=\"{description}\" \
                 media.class=Audio/Source/Virtual object.linger=true audio.format=S16LE audio.rate=48000 \
                 audio.channels=1 audio.position=[ MONO ] }}"
            );
            let mut c = Command::new("pw-cli");
            c.args(["create-node", "adapter", &node]);
            assert!(pw.run(c).status.success(), "pw-cli could not make the source {name}");
        }
        // WirePlumber makes the first source the default; make sure it is `mic`.
        pw.wait_for("WirePlumber to choose a default source", |pw| {
            let mut c = Command::new("pw-metadata");
            c.args(["0", "default.audio.source"]);
            String::from_utf8_lossy(&pw.run(c).stdout).contains("value")
        });
        let mut c = Command::new("pw-metadata");
        c.args(["0", "default.audio.source", r#"{"name":"mic"}"#]);
        assert!(pw.run(c).status.success());
        if pulse {
            let mut c = Command::new("pipewire");
            c.args(["-c", "pipewire-pulse.conf"]);
            pw.children.push(pw.spawn(c));
            pw.wait_for("pipewire-pulse's socket", |pw| pw.runtime.path().join("pulse/native").exists());
        }
        pw
    }

    fn spawn(&self, mut c: Command) -> Child {
        self.env(&mut c);
        c.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start a PipeWire process")
    }

    fn run(&self, mut c: Command) -> Output {
        self.env(&mut c);
        c.output().expect("run a PipeWire tool")
    }

    fn wait_for(&self, what: &str, ready: impl Fn(&Self) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready(self) {
            assert!(Instant::now() < deadline, "waited 10 s for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Mic for PipeWire {
    fn server(&self) -> &'static str {
        "PipeWire"
    }

    fn play_into(&self, source: &str, wav: &Path) -> Child {
        let n = self.plays.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let node = format!("test-player-{n}");
        // WirePlumber links no player into a source: link it by hand. An
        // unlinked player waits, so nothing is lost before the link.
        let mut c = Command::new("pw-play");
        c.args(["--target=0", "-P", &format!("{{ node.name={node} }}")]).arg(wav);
        let player = self.spawn(c);
        let port = format!("{node}:output_MONO");
        self.wait_for("the player's port", |pw| {
            let mut c = Command::new("pw-link");
            c.arg("-o");
            String::from_utf8_lossy(&pw.run(c).stdout).lines().any(|l| l.trim() == port)
        });
        let mut c = Command::new("pw-link");
        c.args([port.as_str(), &format!("{source}:input_MONO")]);
        assert!(self.run(c).status.success(), "pw-link {port} into {source}");
        player
    }

    fn env(&self, c: &mut Command) {
        c.env("XDG_RUNTIME_DIR", self.runtime.path())
            .env("HOME", self.home.path())
            .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", self.runtime.path().join("bus").display()))
            .env_remove("PULSE_SERVER");
    }

    fn kill_server(&self) {
        if let Some(pipewire) = self.children.first() {
            kill_and_wait(pipewire.id(), "-9");
        }
    }
}

impl Drop for PipeWire {
    fn drop(&mut self) {
        for child in self.children.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(pid) = self.dbus {
            kill_and_wait(pid, "-TERM");
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
