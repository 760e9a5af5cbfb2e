//! Audio: recording takes from a microphone and playing them back, with the
//! files' crash safety, waveform peaks and levels.
//!
//! Threads: each cpal stream is created, owned and dropped by one dedicated
//! audio thread; the real-time callbacks only copy samples through a
//! wait-free ring; files are owned by a writer (or decoder) thread.

#[cfg(target_os = "linux")]
mod alsa_capture;
pub mod devices;
mod feed;
pub mod levels;
pub mod peaks;
pub mod player;
pub mod recorder;
#[cfg(target_os = "linux")]
pub mod sound_server;
pub mod wavfile;
pub mod writer;

pub use devices::{DeviceError, DeviceInfo};
pub use player::{PlayError, Player};
pub use recorder::{record_file, Outcome, Quality, RecordError, RecordOptions, Recorder, RecorderStatus, TakeSummary};
pub use wavfile::WavInfo;
