//! Finding audio devices and choosing a stream configuration.

use cpal::traits::{DeviceTrait, HostTrait};
use cpal::{Device, SampleFormat, SupportedStreamConfig, SupportedStreamConfigRange};
use serde::Serialize;

/// A device as `mockloop devices` lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceInfo {
    /// Human name (what `--device` matches).
    pub name: String,
    /// The host's stable id, e.g. `alsa:default` (also accepted by `--device`).
    pub id: String,
    /// Whether it can capture.
    pub input: bool,
    /// Whether it can play.
    pub output: bool,
    /// Whether it is the system's default input.
    pub default_input: bool,
    /// Whether it is the system's default output.
    pub default_output: bool,
    /// Its default input configuration, if it captures: `48000 Hz, 2 ch, f32`.
    pub default_input_config: Option<String>,
}

/// Why a device could not be used, in words for the user.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    /// No device at all.
    #[error("no microphone found: connect one, or check that the system sees it (mockloop devices)")]
    NoInput,
    /// No output device.
    #[error("no speakers or headphones found to play on (mockloop devices)")]
    NoOutput,
    /// The named device does not exist.
    #[error("no audio device named \"{0}\" (see: mockloop devices)")]
    NotFound(String),
    /// The device cannot do what was asked.
    #[error("the microphone \"{device}\" cannot record {what}")]
    Unsupported {
        /// The device.
        device: String,
        /// What was asked.
        what: String,
    },
    /// The backend failed.
    #[error("the audio device \"{device}\" failed: {message}")]
    Backend {
        /// The device.
        device: String,
        /// The backend's words.
        message: String,
    },
}

/// Expands `$build!(T)` with the Rust sample type `T` of `$format`, the one
/// place that maps cpal's sample formats to types; an unusable format
/// returns `DeviceError::Unsupported` from the calling function.
macro_rules! with_sample_type {
    ($format:expr, $build:ident, $device:expr) => {
        match $format {
            cpal::SampleFormat::I16 => $build!(i16),
            cpal::SampleFormat::F32 => $build!(f32),
            cpal::SampleFormat::I32 => $build!(i32),
            cpal::SampleFormat::F64 => $build!(f64),
            cpal::SampleFormat::U16 => $build!(u16),
            cpal::SampleFormat::I8 => $build!(i8),
            cpal::SampleFormat::U8 => $build!(u8),
            other => {
                return Err($crate::audio::devices::DeviceError::Unsupported {
                    device: $device,
                    what: format!("in sample format {other}"),
                })
            }
        }
    };
}
pub(crate) use with_sample_type;

/// The audio system: ALSA (which reaches PulseAudio or PipeWire through
/// their ALSA plugins on a desktop).
///
/// cpal 0.18's native PulseAudio host was tried and measured: it cut the
/// recorder's CPU from ~30 % to ~1.3 % of a core, but lost audio (12,257 of
/// the first 100,000 samples of a test signal, with no error reported), so
/// it is not used. Correct takes come first.
pub fn host() -> cpal::Host {
    cpal::default_host()
}

/// The device's human name, or its id if it has none.
pub fn device_name(device: &Device) -> String {
    device
        .description()
        .map(|d| d.name().to_owned())
        .or_else(|_| device.id().map(|id| id.to_string()))
        .unwrap_or_else(|_| "unknown device".to_owned())
}

/// Every device the default host offers (`all` changes nothing here).
#[cfg(not(target_os = "linux"))]
pub fn list(_all: bool) -> Result<Vec<DeviceInfo>, DeviceError> {
    let host = host();
    let default_in = host.default_input_device().and_then(|d| d.id().ok());
    let default_out = host.default_output_device().and_then(|d| d.id().ok());
    let devices =
        host.devices().map_err(|e| DeviceError::Backend { device: "audio system".into(), message: e.to_string() })?;
    Ok(devices
        .map(|d| {
            let id = d.id().ok();
            let input = d.supports_input();
            DeviceInfo {
                name: device_name(&d),
                id: id.as_ref().map_or_else(String::new, ToString::to_string),
                input,
                output: d.supports_output(),
                default_input: id.is_some() && id == default_in,
                default_output: id.is_some() && id == default_out,
                default_input_config: input
                    .then(|| d.default_input_config().ok())
                    .flatten()
                    .map(|c| format!("{} Hz, {} ch, {}", c.sample_rate(), c.channels(), c.sample_format())),
            }
        })
        .collect())
}

fn find(name: &str, input: bool) -> Result<Device, DeviceError> {
    let host = host();
    let devices = host.devices().map_err(|e| DeviceError::Backend { device: name.into(), message: e.to_string() })?;
    devices
        .filter(|d| if input { d.supports_input() } else { d.supports_output() })
        .find(|d| device_name(d) == name || d.id().is_ok_and(|id| id.to_string() == name))
        .ok_or_else(|| DeviceError::NotFound(name.to_owned()))
}

/// The named input device, or the default one.
pub fn input_device(name: Option<&str>) -> Result<Device, DeviceError> {
    match name {
        Some(name) => find(name, true),
        None => host().default_input_device().ok_or(DeviceError::NoInput),
    }
}

/// The named output device, or the default one.
pub fn output_device(name: Option<&str>) -> Result<Device, DeviceError> {
    match name {
        Some(name) => find(name, false),
        None => host().default_output_device().ok_or(DeviceError::NoOutput),
    }
}

/// Where a Linux capture reads from: the ALSA device name to open, the
/// name to show, and the rate the source runs at when known.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureTarget {
    /// What `snd_pcm_open` is given (`default`, `pulse:DEVICE=…`, `hw:1,0`).
    pub pcm: String,
    /// The microphone, in words.
    pub name: String,
    /// The source's own rate, if known (capturing at it converts nothing).
    pub rate: Option<u32>,
}

/// Set (to anything) to let ALSA print its own diagnostics on stderr
/// (`mockloop --verbose` sets it). By default they are kept quiet: on a
/// machine without a sound card ALSA prints "Cannot get card index" and
/// the like for devices nobody asked for.
pub const VERBOSE_ENV: &str = "MOCKLOOP_VERBOSE";

/// Keeps ALSA's diagnostics off stderr on the calling thread (ALSA's error
/// handler is per thread), unless [`VERBOSE_ENV`] is set. Called by every
/// thread that opens or lists devices.
pub(crate) fn quiet_alsa() {
    #[cfg(target_os = "linux")]
    {
        static VERBOSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if !*VERBOSE.get_or_init(|| std::env::var_os(VERBOSE_ENV).is_some()) {
            // Messages collect in a buffer of this thread's, never printed;
            // a new call starts a new buffer.
            let _ = alsa::Output::local_error_handler();
        }
    }
}

/// An ALSA device string with `value` as its argument: quoted, so a name
/// with spaces or quotes stays one argument.
#[cfg(target_os = "linux")]
fn alsa_arg(plugin: &str, key: &str, value: &str) -> String {
    format!("{plugin}:{key}=\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// ALSA's device hints for PCMs: `(name, description, input, output)`.
#[cfg(target_os = "linux")]
fn alsa_hints() -> Vec<(String, String, bool, bool)> {
    let Ok(hints) = alsa::device_name::HintIter::new_str(None, "pcm") else { return Vec::new() };
    hints
        .filter_map(|h| {
            let name = h.name?;
            let desc = h.desc.map_or_else(|| name.clone(), |d| d.lines().collect::<Vec<_>>().join(", "));
            let (input, output) = match h.direction {
                Some(alsa::Direction::Capture) => (true, false),
                Some(alsa::Direction::Playback) => (false, true),
                None => (true, true),
            };
            Some((name, desc, input, output))
        })
        .collect()
}

/// Linux: what the sound server has (its sources and sinks by the names
/// the desktop shows; monitors of speakers only with `all` or when one is
/// the default), then ALSA's own devices: with `all` every PCM ALSA
/// offers (plugins included), else only the cards' defaults, and only
/// when there is no sound server.
#[cfg(target_os = "linux")]
pub fn list(all: bool) -> Result<Vec<DeviceInfo>, DeviceError> {
    quiet_alsa();
    let mut found = Vec::new();
    let server = super::sound_server::query();
    if let Some(server) = &server {
        for s in &server.sources {
            let default = server.default_source.as_deref() == Some(s.name.as_str());
            if s.monitor && !default && !all {
                continue;
            }
            found.push(DeviceInfo {
                name: s.description.clone(),
                id: s.name.clone(),
                input: true,
                output: false,
                default_input: default,
                default_output: false,
                default_input_config: Some(format!("{} Hz, {} ch, {}", s.rate, s.channels, s.format)),
            });
        }
        for s in &server.sinks {
            found.push(DeviceInfo {
                name: s.description.clone(),
                id: s.name.clone(),
                input: false,
                output: true,
                default_input: false,
                default_output: server.default_sink.as_deref() == Some(s.name.as_str()),
                default_input_config: None,
            });
        }
    }
    if all || server.is_none() {
        for (name, desc, input, output) in alsa_hints() {
            let card_default = name == "default" || name.starts_with("sysdefault:");
            if !all && !card_default {
                continue;
            }
            let default = server.is_none() && name == "default";
            found.push(DeviceInfo {
                name: desc,
                id: format!("alsa:{name}"),
                input,
                output,
                default_input: default && input,
                default_output: default && output,
                default_input_config: None,
            });
        }
    }
    Ok(found)
}

/// The capture device for a chosen id (or the default): a source of the
/// sound server by its name (or the name the desktop shows), `alsa:NAME`
/// for an ALSA device, or, with no sound server, an ALSA device name.
#[cfg(target_os = "linux")]
pub fn capture_target(device: Option<&str>) -> Result<CaptureTarget, DeviceError> {
    quiet_alsa();
    if let Some(pcm) = device.and_then(|d| d.strip_prefix("alsa:")) {
        return Ok(CaptureTarget { pcm: pcm.to_owned(), name: pcm.to_owned(), rate: None });
    }
    let server = super::sound_server::query();
    Ok(match (device, server) {
        (None, server) => {
            let source = server.as_ref().and_then(|s| s.default_source());
            CaptureTarget {
                pcm: "default".into(),
                name: source.map_or_else(|| "default microphone".to_owned(), |s| s.description.clone()),
                rate: source.map(|s| s.rate),
            }
        }
        (Some(id), Some(server)) => {
            let source = server
                .sources
                .iter()
                .find(|s| s.name == id)
                .or_else(|| server.sources.iter().find(|s| s.description == id))
                .ok_or_else(|| DeviceError::NotFound(id.to_owned()))?;
            // PipeWire's own ALSA plugin when there is one; the pulse
            // plugin reaches PipeWire too, through pipewire-pulse. (The
            // name was checked above: PipeWire's plugin would silently
            // record the default for a name it does not know.)
            let pipewire_plugin = server.pipewire && alsa_hints().iter().any(|(name, ..)| name == "pipewire");
            let pcm = if pipewire_plugin {
                alsa_arg("pipewire", "NODE", &source.name)
            } else {
                alsa_arg("pulse", "DEVICE", &source.name)
            };
            CaptureTarget { pcm, name: source.description.clone(), rate: Some(source.rate) }
        }
        // No sound server: an ALSA device, by its name or description
        // (`mockloop devices --all`), or a device string such as `hw:1,0`.
        (Some(id), None) => {
            let hints = alsa_hints();
            let pcm = hints
                .iter()
                .find(|(name, desc, input, _)| *input && (name == id || desc == id))
                .map(|(name, ..)| name.clone())
                .or_else(|| id.contains(':').then(|| id.to_owned()))
                .ok_or_else(|| DeviceError::NotFound(id.to_owned()))?;
            CaptureTarget { pcm, name: id.to_owned(), rate: None }
        }
    })
}

/// How much a sample format is preferred: 16-bit first (the file is 16-bit,
/// so nothing is converted), then float, then the rest.
fn format_rank(f: SampleFormat) -> u8 {
    match f {
        SampleFormat::I16 => 0,
        SampleFormat::F32 => 1,
        SampleFormat::I32 => 2,
        SampleFormat::F64 => 3,
        SampleFormat::U16 => 4,
        SampleFormat::I8 | SampleFormat::U8 => 5,
        _ => 9,
    }
}

/// Picks the configuration to open: at `rate` if given (else the device's
/// default rate), preferring fewer channels (`prefer_channels` first) and
/// 16-bit samples.
pub fn choose_config(
    device: &Device,
    input: bool,
    rate: Option<u32>,
    prefer_channels: u16,
) -> Result<SupportedStreamConfig, DeviceError> {
    let name = device_name(device);
    let backend = |e: cpal::Error| DeviceError::Backend { device: name.clone(), message: e.to_string() };
    let default =
        if input { device.default_input_config() } else { device.default_output_config() }.map_err(backend)?;
    let rate = rate.unwrap_or(default.sample_rate());
    let ranges: Vec<SupportedStreamConfigRange> = if input {
        device.supported_input_configs().map_err(backend)?.collect()
    } else {
        device.supported_output_configs().map_err(backend)?.collect()
    };
    ranges
        .into_iter()
        .filter(|r| r.min_sample_rate() <= rate && rate <= r.max_sample_rate() && format_rank(r.sample_format()) < 9)
        .min_by_key(|r| (r.channels() != prefer_channels, r.channels(), format_rank(r.sample_format())))
        .map(|r| r.with_sample_rate(rate))
        .or_else(|| (default.sample_rate() == rate).then_some(default))
        .ok_or(DeviceError::Unsupported { device: name, what: format!("at {rate} Hz") })
}
