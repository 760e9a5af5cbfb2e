//! The interviewer's voice: text spoken by the desktop's own speech
//! engine, offline. On Linux that is Speech Dispatcher (usually with
//! espeak-ng behind it), reached over its protocol (SSIP) on its socket in
//! pure Rust: nothing is linked, so a machine without it still runs the
//! app, and [`VoiceError::NoEngine`] says how to get a voice.
//!
//! Other platforms have no engine here yet ([`VoiceError::NoEngine`]).
//!
//! This module blocks (a sentence takes seconds to say): callers run it on
//! a thread of its own, never on an audio thread or the window's.

use crate::logging::LogErr;
use serde::Serialize;
use std::time::{Duration, Instant};

/// How to get a voice, for the one message a machine without one sees.
pub const GET_A_VOICE: &str = "on Debian or Ubuntu: sudo apt install speech-dispatcher espeak-ng";

/// Longest a single utterance may take before it counts as stuck.
const LONGEST_UTTERANCE: Duration = Duration::from_secs(120);

/// Why nothing was said.
#[derive(Debug, thiserror::Error)]
pub enum VoiceError {
    /// No speech engine answers on this machine.
    #[error("no speech engine answered ({why}); to hear the interviewer, install one ({GET_A_VOICE})")]
    NoEngine {
        /// What was tried and how it failed.
        why: String,
    },
    /// The engine is installed, but this process cannot reach it (no
    /// session folder for its socket, say): what is missing, in words.
    #[error("the speech engine is installed but cannot be reached: {why}")]
    Unreachable {
        /// What is missing.
        why: String,
    },
    /// The engine answered but refused or failed.
    #[error("the speech engine failed: {0}")]
    Failed(String),
    /// Stopped before the end ([`Speaker::cancel`]).
    #[error("the voice was stopped")]
    Cancelled,
    /// A setting is out of range or names no voice.
    #[error("{0}")]
    BadSetting(String),
}

/// How the interviewer sounds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VoiceSettings {
    /// A voice's name from [`Speaker::voices`]; `None` for the engine's default.
    pub voice: Option<String>,
    /// Speed, -100 (slowest) to 100 (fastest); 0 is the engine's normal.
    pub rate: i8,
    /// Loudness, -100 to 100; 0 is the engine's normal.
    pub volume: i8,
}

impl VoiceSettings {
    /// Checks the ranges, in the user's terms.
    pub fn validate(&self) -> Result<(), VoiceError> {
        let limits = &crate::limits::LIMITS;
        for (what, v, range) in [("rate", self.rate, limits.voice_rate), ("volume", self.volume, limits.voice_volume)] {
            if !range.contains(v.into()) {
                return Err(VoiceError::BadSetting(format!(
                    "the voice's {what} must be between {} and {}, not {v}",
                    range.min, range.max
                )));
            }
        }
        Ok(())
    }
}

/// One voice the engine offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VoiceInfo {
    /// What to pass as [`VoiceSettings::voice`].
    pub name: String,
    /// Its language tag (`en-US`), if the engine says.
    pub language: Option<String>,
    /// Its variant or dialect, if the engine says.
    pub variant: Option<String>,
}

/// How long saying something took, measured from the call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Spoken {
    /// Until the engine said the voice began.
    pub began_ms: u32,
    /// Until the engine said it ended.
    pub ended_ms: u32,
}

#[cfg(target_os = "linux")]
mod engine {
    use super::{Spoken, VoiceError, VoiceInfo, VoiceSettings, LONGEST_UTTERANCE};
    use ssip_client_async::client::Client;
    use ssip_client_async::{fifo, ClientName, ClientScope, EventType, NotificationType};
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    /// Whether Speech Dispatcher's daemon is on `PATH`.
    fn installed() -> bool {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("speech-dispatcher").is_file()))
    }

    /// Held while starting Speech Dispatcher.
    static SPAWNING: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Connects again every 100 ms for up to 3 s.
    fn retry<T, E>(connect: impl Fn() -> Result<T, E>) -> Option<T> {
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            if let Ok(client) = connect() {
                return Some(client);
            }
        }
        None
    }

    /// A connection to Speech Dispatcher.
    pub struct Connection {
        client: Client<UnixStream>,
    }

    fn failed(e: impl std::fmt::Display) -> VoiceError {
        VoiceError::Failed(e.to_string())
    }

    impl Connection {
        /// Connects, starting the daemon first if it is not running (as
        /// every Speech Dispatcher client does; it leaves on its own when
        /// idle).
        pub fn open() -> Result<Self, VoiceError> {
            let timeout = Duration::from_secs(10);
            let connect = || fifo::synchronous::Builder::new().timeout(timeout).build();
            let client = match connect() {
                Ok(client) => client,
                Err(_) => {
                    // Without a session folder the daemon has nowhere to
                    // put its socket: say so, not "install it" (it may well
                    // be installed; this is a shell outside a desktop login).
                    let no_runtime =
                        std::env::var_os("XDG_RUNTIME_DIR").is_none() && std::env::var_os("SPEECHD_ADDRESS").is_none();
                    let installed = installed();
                    if no_runtime && installed {
                        return Err(VoiceError::Unreachable {
                            why: "XDG_RUNTIME_DIR is not set, so there is no session folder for its socket (a shell \
                                  outside a desktop login?): run mockloop from your desktop session, or set \
                                  XDG_RUNTIME_DIR"
                                .into(),
                        });
                    }
                    // One start at a time: two connections starting it at
                    // once (the window's voice and hands-free) would each
                    // find no socket, and the one that loses the race
                    // fails before the winner's daemon is listening.
                    let _one = SPAWNING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    let unreachable = |why: String| {
                        if installed {
                            VoiceError::Unreachable { why }
                        } else {
                            VoiceError::NoEngine { why }
                        }
                    };
                    match connect() {
                        Ok(client) => client,
                        Err(_) => {
                            let mut builder = fifo::synchronous::Builder::new();
                            builder.timeout(timeout);
                            let spawned = builder
                                .with_spawn()
                                .map_err(|e| unreachable(format!("speech-dispatcher cannot be started: {e}")))?;
                            match spawned.build() {
                                Ok(client) => client,
                                // Started, maybe by someone else, and not
                                // listening yet: a few more tries.
                                Err(first) => retry(connect).ok_or_else(|| {
                                    unreachable(format!("speech-dispatcher does not answer: {first}"))
                                })?,
                            }
                        }
                    }
                }
            };
            let mut conn = Self { client };
            let user = std::env::var("USER").unwrap_or_else(|_| "user".into());
            conn.client
                .set_client_name(ClientName::new(&user, "mockloop"))
                .and_then(|c| c.check_client_name_set())
                .map_err(failed)?;
            for kind in [NotificationType::Begin, NotificationType::End, NotificationType::Cancel] {
                conn.client
                    .set_notification(kind, true)
                    .and_then(|c| c.check_status(ssip_client_async::OK_NOTIFICATION_SET))
                    .map_err(failed)?;
            }
            Ok(conn)
        }

        pub fn voices(&mut self) -> Result<Vec<VoiceInfo>, VoiceError> {
            let voices =
                self.client.list_synthesis_voices().and_then(|c| c.receive_synthesis_voices()).map_err(failed)?;
            Ok(voices
                .into_iter()
                .map(|v| VoiceInfo {
                    name: v.name,
                    language: v.language.filter(|l| l != "none"),
                    variant: v.dialect.filter(|d| d != "none"),
                })
                .collect())
        }

        pub fn say(
            &mut self,
            text: &str,
            settings: &VoiceSettings,
            started: Instant,
            on_queued: &mut dyn FnMut(u32),
        ) -> Result<Spoken, VoiceError> {
            let c = &mut self.client;
            if let Some(voice) = &settings.voice {
                c.set_synthesis_voice(ClientScope::Current, voice)
                    .and_then(|c| c.check_status(ssip_client_async::OK_VOICE_SET))
                    .map_err(failed)?;
            }
            c.set_rate(ClientScope::Current, settings.rate)
                .and_then(|c| c.check_status(ssip_client_async::OK_RATE_SET))
                .and_then(|c| c.set_volume(ClientScope::Current, settings.volume))
                .and_then(|c| c.check_status(ssip_client_async::OK_VOLUME_SET))
                .map_err(failed)?;
            // SSIP ends a message with a line holding one dot, so a line of
            // the text that starts with a dot gets a second one.
            let lines: Vec<String> =
                text.lines().map(|l| if l.starts_with('.') { format!(".{l}") } else { l.to_owned() }).collect();
            let id = c
                .speak()
                .and_then(|c| c.check_receiving_data())
                .and_then(|c| c.send_lines(&lines))
                .and_then(|c| c.receive_message_id())
                .map_err(failed)?;
            on_queued(id);
            let id = id.to_string();
            let mut began = None;
            loop {
                if started.elapsed() > LONGEST_UTTERANCE {
                    return Err(VoiceError::Failed("the voice did not finish within two minutes".into()));
                }
                let event = c.receive_event().map_err(failed)?;
                if event.id.message != id {
                    continue;
                }
                let at = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
                match event.ntype {
                    EventType::Begin => began = Some(at),
                    EventType::End => return Ok(Spoken { began_ms: began.unwrap_or(at), ended_ms: at }),
                    EventType::Cancel => return Err(VoiceError::Cancelled),
                    _ => {}
                }
            }
        }

        pub fn cancel(&mut self, message: u32) -> Result<(), VoiceError> {
            self.client
                .cancel(ssip_client_async::MessageScope::Message(message))
                .and_then(|c| c.check_status(ssip_client_async::OK_CANCELED))
                .map(|_| ())
                .map_err(failed)
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod engine {
    use super::{Spoken, VoiceError, VoiceInfo, VoiceSettings};
    use std::time::Instant;

    pub struct Connection;

    impl Connection {
        pub fn open() -> Result<Self, VoiceError> {
            Err(VoiceError::NoEngine { why: "this build speaks only through Speech Dispatcher, on Linux".into() })
        }
        pub fn voices(&mut self) -> Result<Vec<VoiceInfo>, VoiceError> {
            Ok(Vec::new())
        }
        pub fn say(
            &mut self,
            _: &str,
            _: &VoiceSettings,
            _: Instant,
            _: &mut dyn FnMut(u32),
        ) -> Result<Spoken, VoiceError> {
            Err(VoiceError::NoEngine { why: "no engine on this platform yet".into() })
        }
        pub fn cancel(&mut self, _: u32) -> Result<(), VoiceError> {
            Ok(())
        }
    }
}

/// The speech engine, connected.
pub struct Speaker {
    conn: engine::Connection,
}

impl Speaker {
    /// Connects to the engine (starting it if it can be started).
    pub fn connect() -> Result<Self, VoiceError> {
        match engine::Connection::open() {
            // Speech Dispatcher leaves a few idle seconds after its last
            // client: a connection can land on it as it goes. Once more.
            Err(VoiceError::Failed(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(200));
                Ok(Self { conn: engine::Connection::open()? })
            }
            opened => Ok(Self { conn: opened? }),
        }
    }

    /// The voices it offers.
    pub fn voices(&mut self) -> Result<Vec<VoiceInfo>, VoiceError> {
        match self.conn.voices() {
            Err(VoiceError::Failed(_)) => {
                self.conn = engine::Connection::open()?;
                self.conn.voices()
            }
            listed => listed,
        }
    }

    /// Says `text` and returns once the voice has ended.
    pub fn say(&mut self, text: &str, settings: &VoiceSettings) -> Result<Spoken, VoiceError> {
        self.say_then(text, settings, &mut |_| {})
    }

    /// [`Self::say`], handing `on_queued` the utterance's id as soon as the
    /// engine has it, for [`Self::cancel`] from another connection.
    pub fn say_then(
        &mut self,
        text: &str,
        settings: &VoiceSettings,
        on_queued: &mut dyn FnMut(u32),
    ) -> Result<Spoken, VoiceError> {
        settings.validate()?;
        let started = Instant::now();
        if text.trim().is_empty() {
            return Err(VoiceError::BadSetting("there is nothing to say".into()));
        }
        if let Some(name) = &settings.voice {
            if !self.voices()?.iter().any(|v| &v.name == name) {
                return Err(VoiceError::BadSetting(format!(
                    "no voice is called \"{name}\" (`mockloop voices` lists them)"
                )));
            }
        }
        let mut queued = false;
        let said = self.conn.say(text, settings, started, &mut |id| {
            queued = true;
            on_queued(id);
        });
        match said {
            // The engine went away (idle) before it took the text: once
            // more, on a new connection. Never after: that would say it twice.
            Err(VoiceError::Failed(_)) if !queued => {
                self.conn = engine::Connection::open()?;
                self.conn.say(text, settings, started, on_queued)
            }
            said => said,
        }
    }

    /// Stops an utterance another connection is saying (its `say` returns
    /// [`VoiceError::Cancelled`]); one already over is no error.
    pub fn cancel(&mut self, utterance: u32) -> Result<(), VoiceError> {
        self.conn.cancel(utterance)
    }
}

/// Renders `text` into a new WAV file at `out` instead of saying it, with
/// espeak-ng (the engine Speech Dispatcher speaks through on Debian and
/// Ubuntu), run as a program: Speech Dispatcher itself has no way to write
/// a file. The voice is an espeak-ng voice (`espeak-ng --voices`); the rate
/// and volume map onto espeak-ng's words a minute (80 to 450, 175 normal)
/// and amplitude (0 to 200). Refuses a file that exists. Returns the
/// seconds rendered.
pub fn render(text: &str, settings: &VoiceSettings, out: &std::path::Path) -> Result<f64, VoiceError> {
    settings.validate()?;
    if text.trim().is_empty() {
        return Err(VoiceError::BadSetting("there is nothing to say".into()));
    }
    if out.exists() {
        return Err(VoiceError::BadSetting(format!("{} already exists; it was left untouched", out.display())));
    }
    // espeak-ng falls back to its default for a language it lacks,
    // silently, and refuses its own voices' display names: a voice is
    // looked up in its list and passed on by its language.
    let voice = match &settings.voice {
        None => None,
        Some(voice) => {
            let listed = std::process::Command::new("espeak-ng").arg("--voices").output().map_err(|_| {
                VoiceError::NoEngine { why: "espeak-ng, which writes the file, is not installed".into() }
            })?;
            // Columns: priority, language, age/gender, name, file, other languages.
            let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
            let language = listed.lines().skip(1).find_map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                let named = [1, 3, 4].iter().any(|&i| cols.get(i).is_some_and(|c| c.eq_ignore_ascii_case(voice)));
                named.then(|| cols.get(1).map(|c| (*c).to_owned())).flatten()
            });
            Some(language.ok_or_else(|| {
                VoiceError::BadSetting(format!(
                    "espeak-ng has no voice called \"{voice}\" (`espeak-ng --voices` lists them)"
                ))
            })?)
        }
    };
    let rate = i32::from(settings.rate);
    let wpm = if rate < 0 { 175 + rate * 95 / 100 } else { 175 + rate * 275 / 100 };
    let amplitude = 100 + i32::from(settings.volume);
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let part = out.with_file_name(format!(".{name}.{}.part", std::process::id()));
    let mut command = std::process::Command::new("espeak-ng");
    command.args(["-s", &wpm.to_string(), "-a", &amplitude.to_string(), "-w"]).arg(&part);
    if let Some(voice) = &voice {
        command.args(["-v", voice]);
    }
    let ran = command.arg("--").arg(text).stdout(std::process::Stdio::null()).output();
    let output = match ran {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VoiceError::NoEngine { why: "espeak-ng, which writes the file, is not installed".into() })
        }
        Err(e) => return Err(VoiceError::Failed(format!("espeak-ng: {e}"))),
    };
    let written = hound::WavReader::open(&part).ok().map(|r| f64::from(r.duration()) / f64::from(r.spec().sample_rate));
    let seconds = match written {
        Some(seconds) if output.status.success() && seconds > 0.0 => seconds,
        _ => {
            std::fs::remove_file(&part).log_warn();
            let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            return Err(VoiceError::Failed(if said.is_empty() {
                "espeak-ng wrote no audio".into()
            } else {
                format!("espeak-ng: {said} (`espeak-ng --voices` lists its voices)")
            }));
        }
    };
    // Linked into place, which never replaces a file that appeared there
    // meanwhile, then the part name dropped.
    let linked = std::fs::hard_link(&part, out);
    std::fs::remove_file(&part).log_warn();
    match linked {
        Ok(()) => Ok(seconds),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(VoiceError::BadSetting(format!("{} already exists; it was left untouched", out.display())))
        }
        Err(e) => Err(VoiceError::Failed(format!("cannot write {}: {e}", out.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_out_of_range_are_refused_in_words() {
        let bad = VoiceSettings { rate: 101, ..VoiceSettings::default() };
        assert_eq!(bad.validate().unwrap_err().to_string(), "the voice's rate must be between -100 and 100, not 101");
        let bad = VoiceSettings { volume: -101, ..VoiceSettings::default() };
        assert!(bad.validate().unwrap_err().to_string().contains("volume"));
        assert!(VoiceSettings { rate: -100, volume: 100, voice: None }.validate().is_ok());
    }

    #[test]
    fn no_engine_says_how_to_get_a_voice() {
        let e = VoiceError::NoEngine { why: "speech-dispatcher cannot be started: not found".into() };
        let text = e.to_string();
        assert!(text.contains("speech-dispatcher espeak-ng"), "{text}");
        assert!(text.starts_with("no speech engine answered (speech-dispatcher cannot be started"), "{text}");
    }
}
