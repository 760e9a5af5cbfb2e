//! The transcript step of the work after a take: once a take's delivery
//! is stored, its words are made in a worker process
//! ([`crate::transcript::worker`]), one take at a time, newest first for
//! the backlog, never starting while a take records (one running is
//! paused with SIGSTOP until the recording ends). Only when the user has
//! turned transcripts on with a model that checked out ([`Setup`]).
//!
//! The queue is the analysis's ([`super::after`]); a crash of the worker
//! costs that take's transcript (its reason stored, shown, not retried by
//! the same model) and nothing else.

use super::after::{Next, Notice, Phase, Progress};
use super::{relock, Booth, BoothError};
use crate::transcript::worker::{Job, Line, Watch, WorkerError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Whether and how takes are transcribed.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The model chosen (`None`: transcripts off).
    pub model: Option<Model>,
    /// Make every take's transcript again with this model ("Transcribe all
    /// my takes again"), not only those without one.
    pub again: bool,
}

/// A model that checked out, and the worker to run it.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Its name, stored with each transcript.
    pub name: String,
    /// Its file.
    pub path: PathBuf,
    /// The worker executable.
    pub exe: PathBuf,
}

impl Booth {
    /// Turns transcripts on with `model` (or off with `None`); `again`
    /// queues every take not transcribed by it. The backlog is read anew.
    pub fn set_transcripts(&self, model: Option<Model>, again: bool) {
        *relock(&self.transcripts) = Setup { model, again };
        let mut work = relock(&self.words.work);
        work.backlog_loaded = false;
        if again {
            work.phase.retain(|_, p| *p != Phase::Done);
        }
        drop(work);
        self.words.changed.notify_all();
    }

    /// The model transcripts are made with now, if they are on.
    pub fn transcript_model(&self) -> Option<Model> {
        relock(&self.transcripts).model.clone()
    }

    /// How far the transcripts are.
    pub fn transcript_progress(&self) -> Progress {
        relock(&self.words.work).progress
    }

    /// Hands a take whose delivery was just stored to the transcripts.
    pub(super) fn hand_to_transcripts(&self, take_id: i64) {
        if relock(&self.transcripts).model.is_some() {
            self.words.push(take_id);
        }
    }

    /// The transcript worker's loop (on a thread of its own, like
    /// [`Booth::work_after_takes`]): takes as they are handed over, then,
    /// from `backlog_after` on, older takes without a transcript, newest
    /// first; until [`Booth::close`].
    pub fn transcribe_takes(&self, backlog_after: Duration, tell: &mut dyn FnMut(Notice)) {
        let backlog_at = Instant::now() + backlog_after;
        let on = || relock(&self.transcripts).model.is_some();
        loop {
            match self.words.next(self, backlog_at, &on) {
                Next::Shut => return,
                Next::Backlog => self.load_transcript_backlog(tell),
                Next::Take(take_id) => self.transcribe_one(take_id, tell),
            }
        }
    }

    fn load_transcript_backlog(&self, tell: &mut dyn FnMut(Notice)) {
        let again = {
            let setup = relock(&self.transcripts);
            match (&setup.model, setup.again) {
                (Some(m), true) => Some(m.name.clone()),
                _ => None,
            }
        };
        let backlog = match self.with_session(|s| s.transcript_backlog(again.as_deref()).map_err(BoothError::from)) {
            Ok(b) => b,
            Err(BoothError::Unopened(_)) => return,
            Err(e) => {
                log::error!("the takes to transcribe could not be listed: {e}");
                return;
            }
        };
        let progress = {
            let mut work = relock(&self.words.work);
            for take_id in backlog {
                work.add(take_id, false);
            }
            work.progress
        };
        self.words.changed.notify_all();
        tell(Notice::TranscriptProgress(progress));
    }

    /// Transcribes one claimed take and marks it done.
    fn transcribe_one(&self, take_id: i64, tell: &mut dyn FnMut(Notice)) {
        let error = match self.transcribe(take_id, tell) {
            Ok(None) => None,
            Ok(Some(why)) => Some(why),
            Err(e) => {
                log::error!("take {take_id}: its transcript could not be saved: {e}");
                Some(e.to_string())
            }
        };
        let progress = {
            let mut work = relock(&self.words.work);
            work.phase.insert(take_id, Phase::Done);
            work.progress.done += 1;
            work.progress
        };
        self.words.changed.notify_all();
        tell(Notice::Transcribed { take_id, error });
        tell(Notice::TranscriptProgress(progress));
    }

    /// Runs the worker on one take and stores what it made (or why it
    /// made nothing); `Ok(Some(why))` when the take has no transcript.
    fn transcribe(&self, take_id: i64, tell: &mut dyn FnMut(Notice)) -> Result<Option<String>, BoothError> {
        let Some(model) = self.transcript_model() else { return Ok(Some("transcripts are off".into())) };
        // A model removed behind the app's back is not the take's fault:
        // nothing is stored (it stays to transcribe), and transcripts go off.
        if !model.path.is_file() {
            let why = format!("the model {} is gone from {}: transcripts are off", model.name, model.path.display());
            log::warn!("{why}");
            self.set_transcripts(None, false);
            return Ok(Some(why));
        }
        let file = match self.with_session(|s| s.take_file(take_id).map_err(BoothError::from)) {
            Ok(f) => f,
            Err(e) => return Ok(Some(e.to_string())),
        };
        let job = Job { exe: model.exe.clone(), model: model.path.clone(), wav: Some(file) };
        let mut watch = BoothWatch { booth: self, take_id, tell };
        let outcome = job.run(&mut watch);
        let saved = match &outcome {
            Ok(Line::Done(done)) => self.with_session(|s| {
                s.save_transcript(take_id, &model.name, Ok((&done.words, done.seconds))).map_err(BoothError::from)
            }),
            Ok(_) => return Ok(Some("the speech engine gave no transcript".into())),
            Err(WorkerError::Stopped) => return Ok(Some(WorkerError::Stopped.to_string())),
            Err(e) => {
                log::warn!("take {take_id}: no transcript: {e}");
                self.with_session(|s| {
                    s.save_transcript(take_id, &model.name, Err(&e.to_string())).map_err(BoothError::from)
                })
            }
        };
        saved?;
        Ok(outcome.err().map(|e| e.to_string()))
    }
}

/// What the worker asks of the booth while it runs.
struct BoothWatch<'a, 'b> {
    booth: &'a Booth,
    take_id: i64,
    tell: &'b mut dyn FnMut(Notice),
}

impl Watch for BoothWatch<'_, '_> {
    fn hold(&self) -> bool {
        self.booth.is_recording()
    }

    fn stop(&self) -> bool {
        relock(&self.booth.words.work).shut
    }

    fn progress(&mut self, done: usize, of: usize) {
        (self.tell)(Notice::Transcribing { take_id: self.take_id, done: done as u32, of: of as u32 });
    }
}

/// The installed model called `name` in `data_dir`, checked (header, and
/// for a catalogue model its checksum), with the worker to run it.
pub fn ready_model(data_dir: &std::path::Path, name: &str) -> Result<Model, String> {
    use crate::transcript::{cpu, models, worker};
    if let Some(why) = cpu::unsupported() {
        return Err(why);
    }
    let path = models::model_file(data_dir, name);
    if !path.is_file() {
        return Err(format!("the model {name} is not in {}", models::models_dir(data_dir).display()));
    }
    models::verify(&path, name).map_err(|e| e.to_string())?;
    Ok(Model { name: name.to_owned(), path, exe: worker::worker_exe() })
}
