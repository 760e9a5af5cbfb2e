//! The desktop's sound server (PulseAudio, or PipeWire through
//! `pipewire-pulse`): which microphones and speakers a person has, by the
//! names their desktop shows, and which ones are the defaults.
//!
//! ALSA alone cannot say: its device hints name plugins ("PulseAudio Sound
//! Server", "Rate Converter Plugin Using Libav"), never the sources behind
//! them. This asks the server over its native protocol (the `pulseaudio`
//! crate, pure Rust: no libpulse is loaded), once per call, with a short
//! timeout; a machine without a server simply has none.

use pulseaudio::protocol::{self, Command, Prop, Props};
use std::ffi::{CStr, CString};
use std::io::BufReader;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::Duration;

/// How long the server may take to answer before it counts as absent.
const ANSWER_WITHIN: Duration = Duration::from_millis(750);

/// A source (something to record from) or a sink (something to play to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The server's stable name (`alsa_input.pci-0000_00_1f.3.analog-stereo`).
    pub name: String,
    /// What the desktop shows ("Built-in Audio Analog Stereo").
    pub description: String,
    /// A sink's monitor: what the speakers play, not a microphone.
    pub monitor: bool,
    /// Its own rate.
    pub rate: u32,
    /// Its channels.
    pub channels: u8,
    /// Its sample format, in the server's words (`s16le`, `float32le`).
    pub format: &'static str,
}

/// What the server has.
#[derive(Debug, Clone, Default)]
pub struct Server {
    /// Whether it is PipeWire (through pipewire-pulse) rather than PulseAudio.
    pub pipewire: bool,
    /// The microphones and monitors.
    pub sources: Vec<Endpoint>,
    /// The speakers and headphones.
    pub sinks: Vec<Endpoint>,
    /// The default source's name.
    pub default_source: Option<String>,
    /// The default sink's name.
    pub default_sink: Option<String>,
}

impl Server {
    /// The source with this name.
    pub fn source(&self, name: &str) -> Option<&Endpoint> {
        self.sources.iter().find(|s| s.name == name)
    }

    /// The default source, if the server names one it has.
    pub fn default_source(&self) -> Option<&Endpoint> {
        self.source(self.default_source.as_deref()?)
    }
}

/// The server's socket: `PULSE_SERVER` (a `unix:` path), else
/// `$XDG_RUNTIME_DIR/pulse/native`.
fn socket_path() -> Option<PathBuf> {
    if let Some(server) = std::env::var_os("PULSE_SERVER") {
        let server = server.to_string_lossy().into_owned();
        return server.strip_prefix("unix:").map(PathBuf::from);
    }
    Some(PathBuf::from(std::env::var_os("XDG_RUNTIME_DIR")?).join("pulse/native"))
}

/// The cookie PulseAudio authenticates clients by (PipeWire checks none).
fn cookie() -> Vec<u8> {
    let from_env = std::env::var_os("PULSE_COOKIE").map(PathBuf::from);
    let home = dirs::home_dir();
    let candidates =
        from_env.into_iter().chain(home.iter().flat_map(|h| [h.join(".config/pulse/cookie"), h.join(".pulse-cookie")]));
    // The protocol's cookie is 256 bytes; a server that needs none (PipeWire)
    // still refuses one of another length.
    candidates.filter_map(|path| std::fs::read(path).ok()).find(|c| c.len() == 256).unwrap_or_else(|| vec![0; 256])
}

fn text(s: &CStr) -> String {
    s.to_string_lossy().into_owned()
}

fn format_name(format: protocol::SampleFormat) -> &'static str {
    use protocol::SampleFormat as F;
    match format {
        F::U8 => "u8",
        F::Alaw => "alaw",
        F::Ulaw => "ulaw",
        F::S16Le => "s16le",
        F::S16Be => "s16be",
        F::Float32Le => "float32le",
        F::Float32Be => "float32be",
        F::S32Le => "s32le",
        F::S32Be => "s32be",
        F::S24Le => "s24le",
        F::S24Be => "s24be",
        F::S24In32Le => "s24-32le",
        F::S24In32Be => "s24-32be",
        F::Invalid => "unknown",
    }
}

/// Asks the sound server what it has; `None` when there is no server (or
/// it does not answer in time).
pub fn query() -> Option<Server> {
    let stream = UnixStream::connect(socket_path()?).ok()?;
    stream.set_read_timeout(Some(ANSWER_WITHIN)).ok()?;
    stream.set_write_timeout(Some(ANSWER_WITHIN)).ok()?;
    ask(stream).ok()
}

fn ask(stream: UnixStream) -> Result<Server, protocol::ProtocolError> {
    let mut sock = BufReader::new(stream);
    let auth = protocol::AuthParams {
        version: protocol::MAX_VERSION,
        supports_shm: false,
        supports_memfd: false,
        cookie: cookie(),
    };
    protocol::write_command_message(sock.get_mut(), 0, &Command::Auth(auth), protocol::MAX_VERSION)?;
    let (_, reply) = protocol::read_reply_message::<protocol::AuthReply>(&mut sock, protocol::MAX_VERSION)?;
    let version = protocol::MAX_VERSION.min(reply.version);

    let mut props = Props::new();
    props.set(Prop::ApplicationName, CString::from(c"mockloop"));
    protocol::write_command_message(sock.get_mut(), 1, &Command::SetClientName(props), version)?;
    protocol::read_reply_message::<protocol::SetClientNameReply>(&mut sock, version)?;

    protocol::write_command_message(sock.get_mut(), 2, &Command::GetServerInfo, version)?;
    let (_, info) = protocol::read_reply_message::<protocol::ServerInfo>(&mut sock, version)?;
    protocol::write_command_message(sock.get_mut(), 3, &Command::GetSourceInfoList, version)?;
    let (_, sources) = protocol::read_reply_message::<protocol::SourceInfoList>(&mut sock, version)?;
    protocol::write_command_message(sock.get_mut(), 4, &Command::GetSinkInfoList, version)?;
    let (_, sinks) = protocol::read_reply_message::<protocol::SinkInfoList>(&mut sock, version)?;

    let endpoint = |name: &CStr, description: Option<&CString>, spec: &protocol::SampleSpec, monitor: bool| Endpoint {
        name: text(name),
        description: description.map_or_else(|| text(name), |d| text(d)),
        monitor,
        rate: spec.sample_rate,
        channels: spec.channels,
        format: format_name(spec.format),
    };
    Ok(Server {
        pipewire: info.server_name.as_deref().is_some_and(|n| text(n).contains("PipeWire")),
        sources: sources
            .iter()
            .map(|s| endpoint(&s.name, s.description.as_ref(), &s.sample_spec, s.monitor_of_sink_index.is_some()))
            .collect(),
        sinks: sinks.iter().map(|s| endpoint(&s.name, s.description.as_ref(), &s.sample_spec, false)).collect(),
        default_source: info.default_source_name.as_deref().map(text),
        default_sink: info.default_sink_name.as_deref().map(text),
    })
}
