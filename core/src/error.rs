//! What kind of failure an error is, for a shell to act on: the window
//! branches on it (a damaged database offers "Start fresh"), the command
//! line picks its exit code by it. Each error type of the core says its
//! own kind, so no shell ever reads an error's words to find out.

use serde::Serialize;

/// The kinds of failure a shell can act on differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The database is damaged: it can be set aside and a fresh one
    /// opened ("Start fresh"), recordings kept.
    DamagedDatabase,
    /// The database belongs to another version of mockloop (newer: update
    /// mockloop; older, for a command that only reads: open the app once).
    OtherVersion,
    /// Another process holds the data folder (or the database file).
    FolderInUse,
    /// The action needs a rehearsal in progress, and none is.
    NoActiveRun,
    /// What was asked for names nothing there: a run, take, story or loop.
    NotFound,
    /// What was sent cannot be used: out of range, too long, not a date.
    BadInput,
    /// A microphone or a speaker failed, or there is none.
    Device,
    /// The speech engine is missing or failed.
    Voice,
    /// A file or the database could not be read or written.
    Storage,
    /// Already doing it: a take is being recorded or started.
    Busy,
    /// A failure of mockloop itself; the app goes on.
    Internal,
}

/// An error that knows its kind.
pub trait Kind {
    /// What kind of failure this is.
    fn kind(&self) -> ErrorKind;
}

impl Kind for crate::store::StoreError {
    fn kind(&self) -> ErrorKind {
        use crate::store::StoreError as E;
        match self {
            E::TooNew { .. } | E::TooOld { .. } => ErrorKind::OtherVersion,
            E::Damaged { .. } | E::BadState { .. } => ErrorKind::DamagedDatabase,
            E::Locked { .. } => ErrorKind::FolderInUse,
            E::NotFound(_) => ErrorKind::NotFound,
            E::Sqlite { .. } | E::File(_) => ErrorKind::Storage,
        }
    }
}

impl Kind for crate::lock::LockError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Held { .. } => ErrorKind::FolderInUse,
            Self::Io { .. } => ErrorKind::Storage,
        }
    }
}

impl Kind for crate::session::SessionError {
    fn kind(&self) -> ErrorKind {
        use crate::session::SessionError as E;
        match self {
            E::Store(e) => e.kind(),
            E::Locked(e) => e.kind(),
            E::UnknownLoop(_) => ErrorKind::NotFound,
            E::Plan(_) | E::BadAssessment(_) | E::BadSetting(_) | E::NotAnswering => ErrorKind::BadInput,
            E::NoActiveRun => ErrorKind::NoActiveRun,
        }
    }
}

impl Kind for crate::audio::DeviceError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Device
    }
}

impl Kind for crate::audio::RecordError {
    fn kind(&self) -> ErrorKind {
        use crate::audio::RecordError as E;
        match self {
            E::Device(_) | E::NoAudio { .. } => ErrorKind::Device,
            E::Write(_) => ErrorKind::Storage,
            E::Internal(_) => ErrorKind::Internal,
        }
    }
}

impl Kind for crate::audio::PlayError {
    fn kind(&self) -> ErrorKind {
        use crate::audio::PlayError as E;
        match self {
            E::File { .. } => ErrorKind::Storage,
            E::Device(_) => ErrorKind::Device,
        }
    }
}

impl Kind for crate::voice::VoiceError {
    fn kind(&self) -> ErrorKind {
        use crate::voice::VoiceError as E;
        match self {
            E::NoEngine { .. } | E::Unreachable { .. } | E::Failed(_) | E::Cancelled => ErrorKind::Voice,
            E::BadSetting(_) => ErrorKind::BadInput,
        }
    }
}

impl Kind for crate::backup::BackupError {
    fn kind(&self) -> ErrorKind {
        use crate::backup::BackupError as E;
        match self {
            E::Store(e) => e.kind(),
            E::Locked(e) => e.kind(),
            E::Io { .. } => ErrorKind::Storage,
            E::NotABackup(..) | E::NotEmpty(_) => ErrorKind::BadInput,
        }
    }
}

impl Kind for crate::demo::DemoError {
    fn kind(&self) -> ErrorKind {
        use crate::demo::DemoError as E;
        match self {
            E::NotEmpty(_) => ErrorKind::BadInput,
            E::Store(e) => e.kind(),
        }
    }
}

impl Kind for crate::takes::RecoverError {
    fn kind(&self) -> ErrorKind {
        use crate::takes::RecoverError as E;
        match self {
            E::Locked(e) => e.kind(),
            E::Store(e) => e.kind(),
        }
    }
}
