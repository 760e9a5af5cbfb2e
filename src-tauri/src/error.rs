//! What a failed command gives the window: a kind to branch on (a damaged
//! database offers "Start fresh"; nothing reads the words to find out) and
//! a message for people. Every error of the core converts into it with its
//! own kind, so commands use `?` and never flatten an error to a string.

use mockloop_core::error::{ErrorKind, Kind};
use serde::Serialize;

/// A failed command, as the window receives it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CommandError {
    /// What kind of failure it is.
    pub kind: ErrorKind,
    /// What happened, in words for the candidate.
    pub message: String,
}

impl CommandError {
    /// A failure of `kind`, in these words.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }

    /// What was sent cannot be used. Logged with the place that refused it
    /// (most such refusals come before a command's work, which logs its
    /// own failures).
    #[track_caller]
    pub fn bad_input(message: impl Into<String>) -> Self {
        let refused = Self::new(ErrorKind::BadInput, message);
        let at = std::panic::Location::caller();
        log::warn!("refused at {}:{}: {}", at.file(), at.line(), mockloop_core::logging::clip(&refused.message));
        refused
    }

    /// A failure of the app itself.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Every error of the core becomes a command error of its own kind.
macro_rules! from_core {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for CommandError {
            fn from(e: $error) -> Self {
                Self { kind: e.kind(), message: e.to_string() }
            }
        }
    )*};
}

from_core!(
    mockloop_core::booth::BoothError,
    mockloop_core::session::SessionError,
    mockloop_core::store::StoreError,
    mockloop_core::audio::DeviceError,
    mockloop_core::audio::PlayError,
    mockloop_core::voice::VoiceError,
    mockloop_core::backup::BackupError,
);

impl From<mockloop_core::booth::Unopened> for CommandError {
    fn from(why: mockloop_core::booth::Unopened) -> Self {
        Self { kind: why.kind, message: why.message }
    }
}

/// A command's result.
pub type CommandResult<T> = Result<T, CommandError>;
