//! The work after a take: what is computed from a take once it is closed
//! (today how it sounded, [`crate::analysis`]), done exactly once per take
//! in this process. A shell runs [`Booth::work_after_takes`] on a thread
//! of its own: takes as they close first, then, after a pause that leaves
//! start-up to the window, the backlog of older takes this build has not
//! analysed (newest first). A caller that needs a take's figures now (the
//! probes that follow a main answer depend on how it sounded) calls
//! [`Booth::settle`]: a take already being worked on is waited for, one
//! still queued is done on the caller's thread, and one done is left
//! alone. The one set of takes in progress is this queue's.
//!
//! No take's work starts while a take is being recorded (one already
//! running finishes: about a second for 45 minutes of speech). The file is
//! read without the session lock; the lock is taken only to store the
//! result. A panic costs that take's figures, never the worker.

use super::{relock, Booth, BoothError};
use crate::analysis;
use crate::store::{StoreError, TakeRow};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How often a worker waiting for a recording to end looks again.
const RECORDING_POLL: Duration = Duration::from_millis(250);
/// How long an idle worker sleeps before it looks again unasked.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

/// How far the work after takes is: `done` of `queued`, in this process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    /// Takes done (or found unreadable).
    pub done: u32,
    /// Takes handed to the work.
    pub queued: u32,
}

/// What the work after takes tells its shell.
#[derive(Debug, Clone)]
pub enum Notice {
    /// A take's figures were stored (or why its file could not be read):
    /// its row as it is now.
    Analysed(Box<TakeRow>),
    /// How far the work is.
    Progress(Progress),
    /// A take's transcript was stored, or why it has none.
    Transcribed {
        /// The take.
        take_id: i64,
        /// Why it has none (the take is kept).
        error: Option<String>,
    },
    /// How far a take's transcription is: pieces done of all.
    Transcribing {
        /// The take.
        take_id: i64,
        /// Pieces done.
        done: u32,
        /// Pieces in all.
        of: u32,
    },
    /// How far the transcripts are: `done` of `queued`, in this process.
    TranscriptProgress(Progress),
}

/// Where a take is in the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    Queued,
    Working,
    Done,
}

#[derive(Default)]
pub(super) struct Work {
    fresh: VecDeque<i64>,
    backlog: VecDeque<i64>,
    pub(super) phase: HashMap<i64, Phase>,
    pub(super) progress: Progress,
    pub(super) backlog_loaded: bool,
    pub(super) shut: bool,
}

impl Work {
    /// Queues a take not seen before.
    pub(super) fn add(&mut self, take_id: i64, fresh: bool) {
        if self.phase.contains_key(&take_id) {
            return;
        }
        self.phase.insert(take_id, Phase::Queued);
        self.progress.queued += 1;
        if fresh {
            self.fresh.push_back(take_id);
        } else {
            self.backlog.push_back(take_id);
        }
    }

    /// The next queued take, fresh ones first, marked in progress.
    pub(super) fn claim_next(&mut self) -> Option<i64> {
        while let Some(id) = self.fresh.pop_front().or_else(|| self.backlog.pop_front()) {
            if self.phase.get(&id) == Some(&Phase::Queued) {
                self.phase.insert(id, Phase::Working);
                return Some(id);
            }
        }
        None
    }

    pub(super) fn has_queued(&self) -> bool {
        !self.fresh.is_empty() || !self.backlog.is_empty()
    }
}

/// The takes waiting for their work, and those in progress.
#[derive(Default)]
pub(super) struct Queue {
    pub(super) work: Mutex<Work>,
    pub(super) changed: Condvar,
}

/// What a queue's worker does next.
pub(super) enum Next {
    /// Read the backlog of older takes.
    Backlog,
    /// Work on this take (claimed).
    Take(i64),
    /// Stop: the booth is closing.
    Shut,
}

impl Queue {
    /// Waits for what the worker of this queue does next: the backlog once
    /// `backlog_at` has come, else the next take queued (fresh ones first),
    /// never while a take records. While `on()` is false (transcripts
    /// off) it only waits.
    pub(super) fn next(&self, booth: &Booth, backlog_at: Instant, on: &dyn Fn() -> bool) -> Next {
        loop {
            let mut work = relock(&self.work);
            loop {
                if work.shut {
                    return Next::Shut;
                }
                let on = on();
                if on && !work.backlog_loaded && Instant::now() >= backlog_at {
                    work.backlog_loaded = true;
                    return Next::Backlog;
                }
                if on && work.has_queued() {
                    break;
                }
                let wait = if on && !work.backlog_loaded {
                    backlog_at.saturating_duration_since(Instant::now()).max(Duration::from_millis(10))
                } else {
                    IDLE_WAIT
                };
                work = self.changed.wait_timeout(work, wait).unwrap_or_else(std::sync::PoisonError::into_inner).0;
            }
            drop(work);
            // Never alongside a recording: the candidate's take owns the CPU.
            while booth.is_recording() && !relock(&self.work).shut {
                std::thread::sleep(RECORDING_POLL);
            }
            if let Some(take_id) = relock(&self.work).claim_next() {
                return Next::Take(take_id);
            }
        }
    }

    /// Hands a take that just closed to the work.
    pub(super) fn push(&self, take_id: i64) {
        relock(&self.work).add(take_id, true);
        self.changed.notify_all();
    }

    /// Tells the worker to stop at its next look.
    pub(super) fn shut(&self) {
        relock(&self.work).shut = true;
        self.changed.notify_all();
    }
}

impl Booth {
    /// How far the work after takes is.
    pub fn progress(&self) -> Progress {
        relock(&self.after.work).progress
    }

    /// The worker: does the work of each take as it closes and, from
    /// `backlog_after` on, of every older take this build has not done,
    /// until [`Booth::close`]. `tell` hears of each take done and of the
    /// progress (on this thread, no lock held).
    pub fn work_after_takes(&self, backlog_after: Duration, tell: &mut dyn FnMut(Notice)) {
        let backlog_at = Instant::now() + backlog_after;
        loop {
            match self.after.next(self, backlog_at, &|| true) {
                Next::Shut => return,
                Next::Backlog => self.load_backlog(tell),
                Next::Take(take_id) => self.work_on(take_id, tell),
            }
        }
    }

    /// Queues every older take this build has not done, newest first.
    fn load_backlog(&self, tell: &mut dyn FnMut(Notice)) {
        let backlog = match self.with_session(|s| s.analysis_backlog().map_err(BoothError::from)) {
            Ok(backlog) => backlog,
            Err(BoothError::Unopened(_)) => return, // no data folder: nothing to do
            Err(e) => {
                log::error!("the takes not yet analysed could not be listed: {e}");
                return;
            }
        };
        let progress = {
            let mut work = relock(&self.after.work);
            for (take_id, _) in backlog {
                work.add(take_id, false);
            }
            work.progress
        };
        self.after.changed.notify_all();
        tell(Notice::Progress(progress));
    }

    /// Makes sure the work of these takes is done when this returns: waits
    /// for a take being worked on elsewhere, does a queued (or unknown) one
    /// here, leaves a done one alone.
    pub fn settle(&self, take_ids: &[i64], tell: &mut dyn FnMut(Notice)) {
        for &take_id in take_ids {
            let mut work = relock(&self.after.work);
            loop {
                match work.phase.get(&take_id).copied() {
                    Some(Phase::Done) => break,
                    Some(Phase::Working) => {
                        work = self.after.changed.wait(work).unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                    queued @ (Some(Phase::Queued) | None) => {
                        if queued.is_none() {
                            work.progress.queued += 1;
                        }
                        work.phase.insert(take_id, Phase::Working);
                        drop(work);
                        self.work_on(take_id, tell);
                        break;
                    }
                }
            }
        }
    }

    /// Settles the takes of the main answer up now that have no figures
    /// yet (none while a probe is up): what moving on from it waits for.
    pub fn settle_answer(&self, tell: &mut dyn FnMut(Notice)) {
        let pending = self.with_session(|s| s.unanalysed_answer_takes().map_err(BoothError::from));
        match pending {
            Ok(pending) => self.settle(&pending.iter().map(|(id, _)| *id).collect::<Vec<_>>(), tell),
            Err(BoothError::Unopened(_)) => {}
            Err(e) => log::error!("the main answer's takes could not be listed: {e}"),
        }
    }

    /// Does one take's work (claimed by the caller), then marks it done.
    fn work_on(&self, take_id: i64, tell: &mut dyn FnMut(Notice)) {
        let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.analyse(take_id)));
        let progress = {
            let mut work = relock(&self.after.work);
            work.phase.insert(take_id, Phase::Done);
            work.progress.done += 1;
            work.progress
        };
        self.after.changed.notify_all();
        match done {
            Ok(Ok(Some(row))) => {
                self.hand_to_transcripts(take_id);
                tell(Notice::Analysed(Box::new(row)));
            }
            Ok(Ok(None)) => {} // deleted meanwhile
            Ok(Err(e)) => log::error!("take {take_id}: its analysis could not be saved: {e}"),
            Err(_) => log::error!("take {take_id}: the analysis failed on an internal error"),
        }
        tell(Notice::Progress(progress));
    }

    /// Analyses one take's file (read without the session lock) and stores
    /// the figures, or why the file could not be read; `None` for a take
    /// deleted meanwhile.
    fn analyse(&self, take_id: i64) -> Result<Option<TakeRow>, BoothError> {
        let gone = |e: &BoothError| {
            matches!(e, BoothError::Session(crate::session::SessionError::Store(StoreError::NotFound(_))))
        };
        let file = match self.with_session(|s| s.take_file(take_id).map_err(BoothError::from)) {
            Ok(file) => file,
            Err(e) if gone(&e) => return Ok(None),
            Err(e) => return Err(e),
        };
        let measured = analysis::analyze_file(&file).map_err(|e| e.to_string());
        let stored = self.with_session(|s| {
            s.save_delivery(take_id, measured.as_ref().map_err(String::as_str))?;
            Ok::<_, BoothError>(s.store().take(take_id)?)
        });
        match stored {
            Ok(row) => Ok(Some(row)),
            Err(e) if gone(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
