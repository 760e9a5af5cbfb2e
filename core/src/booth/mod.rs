//! The recording booth: what the threads of a shell share, and the whole
//! life of a take. The window's commands, its ticker and its hands-free
//! thread, and the terminal's `mockloop rehearse`, all go through one
//! [`Booth`]; none of them holds a copy of the sequence.
//!
//! A take's life: [`Booth::start_take`] files it with the session (its row
//! says `recording` before a sample is taken, so even a crash in its first
//! second leaves a row start-up recovery settles), then opens the
//! microphone **without the session lock held** (opening waits up to 5 s
//! for the first samples; the countdowns must keep ticking meanwhile), and
//! deletes the row again if the device fails. [`Booth::stop_take`] (or
//! [`Booth::reap_take`], for a take that ended by itself: device lost, disk
//! full) stops the recorder, files how it ended, and queues the work after
//! a take ([`after`]: today its delivery analysis), which is done exactly
//! once per take, on the shell's worker thread or, when a caller needs it
//! now ([`Booth::settle`]), on the caller's, never both at once.
//!
//! Locks: the session's mutex and the take's are never held together
//! while a device or a file is waited on; the session's is always taken
//! after the take's when both are needed, never the other way round.

pub mod after;
pub mod words;

use crate::audio::{RecordError, RecordOptions, Recorder, RecorderStatus, TakeSummary};
use crate::clock::Clock;
use crate::error::{ErrorKind, Kind};
use crate::lock::DataLock;
use crate::rehearsal::hands_free::{AnswerKey, Heard};
use crate::session::{OpenFailure, Session, SessionError};
use crate::store::TakeRow;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

pub use after::{Notice, Progress};

/// Locks a mutex, also one a panicking thread left poisoned: the session
/// keeps its invariants per transaction, so a panic half-way through a
/// command leaves nothing half-written, and no lock is lost to it.
pub fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why something in the booth could not be done, in words, with its kind.
#[derive(Debug, thiserror::Error)]
pub enum BoothError {
    /// The session refused.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The data folder is not open (why, in words).
    #[error("{0}")]
    Unopened(#[from] Unopened),
    /// A take is already being recorded or started.
    #[error("already recording")]
    Busy,
    /// The microphone could not be opened; the take was not kept.
    #[error("{0}. The rehearsal goes on without recording.")]
    Record(#[from] RecordError),
    /// The answer a take was for is no longer the one up (the candidate
    /// moved on while the microphone opened); the take was stopped.
    #[error("the answer moved on while the microphone opened")]
    MovedOn,
    /// The microphone test could not start.
    #[error("{0}")]
    MicTest(String),
}

impl From<crate::store::StoreError> for BoothError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Session(e.into())
    }
}

impl Kind for BoothError {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Session(e) => e.kind(),
            Self::Unopened(e) => e.kind,
            Self::Busy => ErrorKind::Busy,
            Self::Record(e) => e.kind(),
            Self::MovedOn => ErrorKind::BadInput,
            Self::MicTest(_) => ErrorKind::Device,
        }
    }
}

/// Why the data folder is not open: its kind and words (the session's
/// error, kept so every command can say it).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Unopened {
    /// What kind of failure it was (a damaged database can be set aside).
    pub kind: ErrorKind,
    /// In words.
    pub message: String,
}

/// A take that started: its row and its file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Started {
    /// The take's row.
    pub take_id: i64,
    /// Its WAV file.
    pub path: String,
    /// Milliseconds from asking the device to its first samples.
    pub opened_ms: u32,
}

/// The session, or why there is none.
enum Desk {
    /// Being opened on another thread (the window opens it while WebKit
    /// starts): callers wait.
    Opening(Option<DataLock>),
    /// Open.
    Open(Box<Session>),
    /// Could not be opened; the folder's lock is kept, so nobody else
    /// writes to it meanwhile and "Start fresh" can set the database aside.
    Closed(Unopened, Option<DataLock>),
}

/// What the microphone is doing.
enum Mic {
    Idle,
    /// A take is being started: the device is opening.
    Starting,
    /// A take is being recorded.
    Take {
        recorder: Recorder,
        take_id: i64,
    },
    /// The microphone test is opening the device.
    TestStarting,
    /// The settings screen's microphone test, into a scratch file.
    Test {
        recorder: Recorder,
        path: PathBuf,
    },
}

/// The session, the microphone and the work after each take, shared by a
/// shell's threads.
pub struct Booth {
    desk: Mutex<Desk>,
    opened: Condvar,
    mic: Mutex<Mic>,
    after: after::Queue,
    words: after::Queue,
    transcripts: Mutex<words::Setup>,
    clock: Arc<dyn Clock>,
    data_dir: PathBuf,
}

impl Booth {
    /// A booth for the data folder `lock` holds, its session opened now.
    pub fn open(clock: Arc<dyn Clock>, lock: DataLock) -> Self {
        let booth = Self::opening(clock, lock);
        booth.finish_opening();
        booth
    }

    /// A booth whose session is not open yet: [`Self::finish_opening`]
    /// (on any thread) opens it, and until then every call that needs the
    /// session waits.
    pub fn opening(clock: Arc<dyn Clock>, lock: DataLock) -> Self {
        Self {
            data_dir: lock.dir().to_path_buf(),
            desk: Mutex::new(Desk::Opening(Some(lock))),
            opened: Condvar::new(),
            mic: Mutex::new(Mic::Idle),
            after: after::Queue::default(),
            words: after::Queue::default(),
            transcripts: Mutex::new(words::Setup::default()),
            clock,
        }
    }

    /// Opens the session of a booth made by [`Self::opening`] (checks the
    /// database, recovers interrupted takes); a failure is kept, with the
    /// folder's lock, for every caller to be told.
    pub fn finish_opening(&self) {
        let mut desk = relock(&self.desk);
        let Desk::Opening(lock) = &mut *desk else { return };
        let Some(lock) = lock.take() else { return };
        *desk = self.open_desk(lock);
        drop(desk);
        self.opened.notify_all();
    }

    fn open_desk(&self, lock: DataLock) -> Desk {
        match Session::open_locked(Arc::clone(&self.clock), lock) {
            Ok(session) => Desk::Open(Box::new(session)),
            Err(OpenFailure { error, lock }) => {
                let kind = error.kind();
                let mut message = error.to_string();
                if kind == ErrorKind::DamagedDatabase {
                    message.push_str(". Start fresh sets it aside (nothing is deleted); your recordings stay.");
                }
                Desk::Closed(Unopened { kind, message }, Some(lock))
            }
        }
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The clock the session runs on.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// Why the session is not open, once it is known; `None` while open
    /// (or still opening).
    pub fn unopened(&self) -> Option<Unopened> {
        match &*relock(&self.desk) {
            Desk::Closed(why, _) => Some(why.clone()),
            Desk::Open(_) | Desk::Opening(_) => None,
        }
    }

    /// Runs `f` with the session (waiting while it is being opened), or
    /// says why there is none.
    pub fn with_session<T, E: From<Unopened>>(&self, f: impl FnOnce(&mut Session) -> Result<T, E>) -> Result<T, E> {
        let mut desk = relock(&self.desk);
        while matches!(*desk, Desk::Opening(_)) {
            desk = self.opened.wait(desk).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        match &mut *desk {
            Desk::Open(session) => f(session),
            Desk::Closed(why, _) => Err(why.clone().into()),
            Desk::Opening(_) => Err(still_opening().into()),
        }
    }

    /// When the database was found damaged: sets it aside (renamed, never
    /// deleted) and opens a fresh one, the folder's lock held throughout.
    /// Recordings and loops stay. Returns the set-aside file's path.
    pub fn start_fresh(&self) -> Result<PathBuf, BoothError> {
        let mut desk = relock(&self.desk);
        let Desk::Closed(why, lock) = &mut *desk else {
            return Err(
                SessionError::BadSetting("the data folder is open and healthy; nothing to set aside".into()).into()
            );
        };
        if why.kind != ErrorKind::DamagedDatabase {
            return Err(why.clone().into());
        }
        let Some(held) = lock.take() else { return Err(why.clone().into()) };
        let aside = Session::set_aside_database(&held, &*self.clock);
        *desk = self.open_desk(held);
        let aside = aside?;
        match &*desk {
            Desk::Open(_) => Ok(aside),
            Desk::Closed(why, _) => Err(why.clone().into()),
            Desk::Opening(_) => Err(still_opening().into()),
        }
    }

    /// Files a take for the answer up now and opens the microphone for it;
    /// returns once its first samples have arrived. With `answer`, only if
    /// that answer is (still) the one up: hands-free records the answer it
    /// asked for, never the next one the candidate moved on to. A
    /// microphone test running is stopped first.
    pub fn start_take(&self, options: &RecordOptions, answer: Option<AnswerKey>) -> Result<Started, BoothError> {
        {
            let mut mic = relock(&self.mic);
            match &*mic {
                Mic::Idle => {}
                Mic::Test { .. } => stop_test(std::mem::replace(&mut *mic, Mic::Idle)),
                Mic::Starting | Mic::TestStarting | Mic::Take { .. } => return Err(BoothError::Busy),
            }
            *mic = Mic::Starting;
        }
        let starting = StartingGuard(&self.mic);
        let (take_id, path) = self.with_session(|s| {
            if answer.is_some_and(|key| !is_up(s, key)) {
                return Err(BoothError::MovedOn);
            }
            Ok(s.begin_take()?)
        })?;
        // Waits for the first samples (up to 5 s), no lock held.
        let asked = std::time::Instant::now();
        let recorder = match Recorder::start(&path, options) {
            Ok(recorder) => recorder,
            Err(e) => {
                if let Err(not_deleted) = self.with_session(|s| s.delete_take(take_id).map_err(BoothError::from)) {
                    log::warn!("take {take_id}: the row of a take whose microphone failed stays: {not_deleted}");
                }
                return Err(e.into());
            }
        };
        starting.promote(Mic::Take { recorder, take_id });
        let opened_ms = u32::try_from(asked.elapsed().as_millis()).unwrap_or(u32::MAX);
        let started = Started { take_id, path: path.display().to_string(), opened_ms };
        if let Some(key) = answer {
            let up = self.with_session(|s| Ok::<_, Unopened>(is_up(s, key))).unwrap_or(false);
            if !up {
                self.stop_take()?;
                return Err(BoothError::MovedOn);
            }
        }
        Ok(started)
    }

    /// Stops the take being recorded, if any, files how it ended and queues
    /// the work after it. A take still starting is left to its starter.
    pub fn stop_take(&self) -> Result<Option<TakeRow>, BoothError> {
        let taken = {
            let mut mic = relock(&self.mic);
            match std::mem::replace(&mut *mic, Mic::Idle) {
                Mic::Take { recorder, take_id } => Some((recorder, take_id)),
                other => {
                    *mic = other;
                    None
                }
            }
        };
        let Some((recorder, take_id)) = taken else { return Ok(None) };
        let ended = recorder.stop();
        self.file(take_id, ended).map(Some)
    }

    /// Files a take that ended by itself (its length reached, the
    /// microphone lost, the disk full), if the one recording did; `None`
    /// while it records (or none does).
    pub fn reap_take(&self) -> Option<Result<TakeRow, BoothError>> {
        let (recorder, take_id) = {
            let mut mic = relock(&self.mic);
            if !matches!(&*mic, Mic::Take { recorder, .. } if recorder.is_finished()) {
                return None;
            }
            match std::mem::replace(&mut *mic, Mic::Idle) {
                Mic::Take { recorder, take_id } => (recorder, take_id),
                other => {
                    *mic = other;
                    return None;
                }
            }
        };
        let ended = recorder.wait();
        Some(self.file(take_id, ended))
    }

    /// Files how a take ended, and queues the work after it.
    fn file(&self, take_id: i64, ended: Result<TakeSummary, RecordError>) -> Result<TakeRow, BoothError> {
        let ended = ended.map_err(|e| e.to_string());
        let row =
            self.with_session(|s| Ok::<_, BoothError>(s.close_take(take_id, ended.as_ref().map_err(Clone::clone))?))?;
        self.after.push(row.id);
        Ok(row)
    }

    /// The take being recorded: its meter and length.
    pub fn recorder_status(&self) -> Option<RecorderStatus> {
        match &*relock(&self.mic) {
            Mic::Take { recorder, .. } => Some(recorder.status()),
            _ => None,
        }
    }

    /// What the live voice detector heard of the take being recorded; a
    /// take being started counts as recording, with nothing heard yet.
    pub fn heard(&self) -> Option<Heard> {
        match &*relock(&self.mic) {
            Mic::Take { recorder, .. } => {
                let levels = recorder.status().levels;
                Some(Heard { speech_ms: levels.speech_ms, quiet_ms: levels.quiet_ms })
            }
            Mic::Starting => Some(Heard::default()),
            Mic::Idle | Mic::TestStarting | Mic::Test { .. } => None,
        }
    }

    /// Whether a take is being recorded (or started).
    pub fn is_recording(&self) -> bool {
        matches!(&*relock(&self.mic), Mic::Starting | Mic::Take { .. })
    }

    /// Starts the settings screen's microphone test: a recorder into a
    /// private scratch file in the data folder (the recorder only reports
    /// levels of what it writes), under a name no other user can guess.
    /// Refused while a take is being recorded.
    pub fn start_mic_test(&self, device: Option<String>) -> Result<RecorderStatus, BoothError> {
        {
            let mut mic = relock(&self.mic);
            match &*mic {
                Mic::Starting | Mic::Take { .. } => {
                    return Err(BoothError::MicTest(
                        "a take is being recorded; test the microphone when it is done".into(),
                    ))
                }
                Mic::TestStarting => return Err(BoothError::Busy),
                Mic::Test { .. } => stop_test(std::mem::replace(&mut *mic, Mic::Idle)),
                Mic::Idle => {}
            }
            *mic = Mic::TestStarting;
        }
        let starting = StartingGuard(&self.mic);
        let scratch = self.data_dir.join("scratch");
        crate::fsutil::create_private_dir(&scratch)
            .map_err(|e| BoothError::MicTest(format!("cannot create {}: {e}", scratch.display())))?;
        let nonce = self.clock.wall().timestamp_nanos_opt().unwrap_or_default();
        let path = scratch.join(format!("mic-test-{}-{nonce}.wav", std::process::id()));
        let options = RecordOptions { device, ..RecordOptions::default() };
        // Waits for the first samples, no lock held.
        let recorder = Recorder::start(&path, &options)?;
        let status = recorder.status();
        starting.promote(Mic::Test { recorder, path });
        Ok(status)
    }

    /// The microphone test's levels, while it runs.
    pub fn mic_test_status(&self) -> Option<RecorderStatus> {
        match &*relock(&self.mic) {
            Mic::Test { recorder, .. } => Some(recorder.status()),
            _ => None,
        }
    }

    /// Ends the microphone test, if one runs, and deletes its scratch file.
    pub fn stop_mic_test(&self) {
        let mut mic = relock(&self.mic);
        if matches!(&*mic, Mic::Test { .. }) {
            stop_test(std::mem::replace(&mut *mic, Mic::Idle));
        }
    }

    /// Closing: the take being recorded is finished and filed (not left as
    /// a part file), the microphone test ended, the work after takes told
    /// to stop, and the active run saved with the time used so far.
    pub fn close(&self) -> Result<(), BoothError> {
        let stopped = self.stop_take();
        self.stop_mic_test();
        self.after.shut();
        self.words.shut();
        stopped?;
        match self.with_session(|s| Ok::<_, BoothError>(s.save_active()?)) {
            Err(BoothError::Unopened(_)) => Ok(()),
            other => other,
        }
    }
}

/// Whether `key` is the answer up now.
fn is_up(session: &Session, key: AnswerKey) -> bool {
    session.view().as_ref().and_then(crate::session::RunView::answering).is_some_and(|a| a.key == key)
}

/// Ends a microphone test and deletes what it wrote.
fn stop_test(test: Mic) {
    if let Mic::Test { recorder, path } = test {
        if let Err(e) = recorder.stop() {
            log::info!("the microphone test ended with: {e}");
        }
        for leftover in [path.with_extension("wav.part"), path.with_extension("wav.peaks"), path] {
            match std::fs::remove_file(&leftover) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    log::warn!("cannot delete the microphone test's {}: {e}", leftover.display());
                }
                _ => {}
            }
        }
    }
}

/// Puts the microphone back to idle however a start ends, unless the
/// start made it a take (or a test).
struct StartingGuard<'a>(&'a Mutex<Mic>);

impl StartingGuard<'_> {
    fn promote(self, to: Mic) {
        *relock(self.0) = to;
        std::mem::forget(self);
    }
}

impl Drop for StartingGuard<'_> {
    fn drop(&mut self) {
        let mut mic = relock(self.0);
        if matches!(*mic, Mic::Starting | Mic::TestStarting) {
            *mic = Mic::Idle;
        }
    }
}

/// What a desk still opening after it was waited for says (never seen:
/// `with_session` waits `Opening` out, and `start_fresh` never leaves it).
fn still_opening() -> Unopened {
    Unopened { kind: ErrorKind::Internal, message: "the data folder is still being opened".into() }
}
