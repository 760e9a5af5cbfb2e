//! A rehearsal session: the catalog, the store and at most one active run,
//! kept in step. The app and the CLI drive runs only through this type, so
//! every transition of the engine is persisted the same way.
//!
//! A session is the one writer of its data folder: it holds the folder's
//! lock ([`crate::lock`]) for as long as it lives, and every write goes
//! through its methods ([`Session::store`] hands out a read-only store).
//! A step of a run is saved in one transaction, or not taken at all.

mod stories;

pub use stories::{StoryDetail, StoryTake};

use crate::audio::{Outcome, TakeSummary};
use crate::clock::Clock;
use crate::lock::{DataLock, LockError};
use crate::logging::LogErr;
use crate::loops::{Catalog, ChecklistItem, Loop};
use crate::paths;
use crate::rehearsal::{format_remaining, Phase, PlanError, Rehearsal, RunEvent, RunPlan, Thresholds, Timer};
use crate::store::{Draft, NewTake, Rating, Store, StoreError, TakeResult, TakeRow, TakeStatus};
use crate::takes::{self, RecoveryReport};
use chrono::{Local, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How often a running answer's progress is saved even if nothing happens,
/// so a crash or a closed window loses at most this much time used.
const AUTOSAVE_EVERY: Duration = Duration::from_secs(5);

/// What can go wrong while rehearsing, said for the user.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process writes to the data folder.
    #[error(transparent)]
    Locked(#[from] LockError),
    /// No loop with that id is loaded.
    #[error("no loop \"{0}\" is loaded (see `mockloop loops`)")]
    UnknownLoop(String),
    /// The plan could not be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// An action needs a run and there is none.
    #[error("no rehearsal is in progress")]
    NoActiveRun,
    /// A rating is out of range or names an item the round does not have.
    #[error("{0}")]
    BadAssessment(String),
    /// Recording was asked for while no answer is being given.
    #[error("recording is for answers: this round is being assessed")]
    NotAnswering,
    /// A setting the user chose cannot be used.
    #[error("{0}")]
    BadSetting(String),
}

/// Result of session operations.
pub type Result<T> = std::result::Result<T, SessionError>;

/// What the user can do to a running rehearsal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Move on (next probe, question, assessment or round).
    Next,
    /// Pause both countdowns.
    Pause,
    /// Resume them.
    Resume,
    /// End the round now and go to self-assessment.
    FinishRound,
}

/// A countdown as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimerView {
    /// Milliseconds left; negative in overtime.
    pub remaining_ms: i64,
    /// Milliseconds given.
    pub budget_ms: i64,
    /// `m:ss`, or `+m:ss` in overtime.
    pub label: String,
    /// Whether time is past the budget.
    pub overtime: bool,
}

impl TimerView {
    fn new(remaining_ms: i64, budget_ms: i64) -> Self {
        Self { remaining_ms, budget_ms, label: format_remaining(remaining_ms), overtime: remaining_ms < 0 }
    }
}

/// A competency as shown beside a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CompetencyRef {
    /// Id.
    pub id: String,
    /// Human name.
    pub name: String,
}

/// An unfinished run as the home screen offers it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Resumable {
    /// The run.
    pub run: crate::store::RunSummary,
    /// Where it stopped (its clocks as saved); `None` when its saved state
    /// cannot be read or its loop is gone: it can still be set aside.
    pub at: Option<RunView>,
}

/// Everything the round screen shows about the active run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunView {
    /// The run's id in the store.
    pub run_id: i64,
    /// The loop.
    pub loop_id: String,
    /// Its title.
    pub loop_title: String,
    /// Answering, assessing or finished.
    pub phase: Phase,
    /// Whether the countdowns are paused.
    pub paused: bool,
    /// 1-based round number and the count of rounds in the run.
    pub round_number: usize,
    /// Rounds in the run.
    pub round_count: usize,
    /// The round's id.
    pub round_id: String,
    /// The round's kind.
    pub round_kind: String,
    /// The round's title.
    pub round_title: String,
    /// What the round probes.
    pub competencies: Vec<CompetencyRef>,
    /// What the candidate rates after the round.
    pub checklist: Vec<ChecklistItem>,
    /// 1-based question number within the round, and the count.
    pub question_number: usize,
    /// Questions in the round.
    pub question_count: usize,
    /// The question being answered.
    pub question_id: String,
    /// Its text.
    pub question: String,
    /// The follow-up probe being answered, if any.
    pub probe: Option<String>,
    /// Its index in the question's probes (the loop file's order), which
    /// need not be the order it is asked in.
    pub probe_index: Option<usize>,
    /// Why this probe was asked now (delivery, weak spots or file order);
    /// `None` in runs stored before probes were chosen.
    pub probe_reason: Option<String>,
    /// 1-based probe number, if answering a probe.
    pub probe_number: Option<usize>,
    /// Probes this question has.
    pub probe_count: usize,
    /// The answer countdown.
    pub answer_timer: TimerView,
    /// The round countdown.
    pub round_timer: TimerView,
    /// Milliseconds left at which the answer countdown starts to warn.
    pub answer_warn_ms: i64,
    /// Milliseconds left at which the round countdown starts to warn.
    pub round_warn_ms: i64,
    /// The story from the story bank this run practises, if it does (its
    /// takes are linked to it).
    pub story: Option<String>,
}

impl RunView {
    /// The answer this view waits for, as the hands-free interviewer sees
    /// it; `None` outside the answering phase.
    pub fn answering(&self) -> Option<crate::rehearsal::hands_free::Answering> {
        (self.phase == Phase::Answering).then(|| crate::rehearsal::hands_free::Answering {
            key: (self.run_id, self.round_number - 1, self.question_number - 1, self.probe_index),
            text: self.probe.clone().unwrap_or_else(|| self.question.clone()),
            remaining_ms: self.answer_timer.remaining_ms,
            paused: self.paused,
        })
    }
}

/// A view plus what happened since the last one.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Update {
    /// The run now.
    pub view: RunView,
    /// Warnings and endings, in order.
    pub events: Vec<RunEvent>,
}

struct Active {
    run_id: i64,
    engine: Rehearsal,
    last_saved: Duration,
    /// The title of the story this run practises, if it does.
    story: Option<String>,
}

/// The catalog, the store and the active run.
pub struct Session {
    catalog: Catalog,
    store: Store,
    clock: Arc<dyn Clock>,
    thresholds: Thresholds,
    active: Option<Active>,
    recovered: RecoveryReport,
    data_dir: PathBuf,
    lock: DataLock,
}

/// Why a data folder did not open, with its lock, still held.
#[derive(Debug)]
pub struct OpenFailure {
    /// Why.
    pub error: SessionError,
    /// The folder's lock, which the caller keeps or lets go.
    pub lock: DataLock,
}

impl Session {
    /// Opens the data dir: its database and its user loops. Locks the
    /// folder first (a folder another process writes to is refused), checks
    /// the database whole, then repairs and marks takes a crash interrupted
    /// (see [`Self::recovered`]).
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        let lock = DataLock::acquire(data_dir, "the mockloop window")?;
        Self::open_locked(clock, lock).map_err(|failed| failed.error)
    }

    /// [`Self::open`] with the folder already locked by the caller. On
    /// failure the lock comes back with the error, never let go meanwhile:
    /// no other process can take the folder between a failed open and
    /// what the caller does next (say, setting a damaged database aside).
    pub fn open_locked(clock: Arc<dyn Clock>, lock: DataLock) -> std::result::Result<Self, OpenFailure> {
        let opened = Store::open_in(&lock).and_then(|mut store| {
            store.check()?;
            let recovered = takes::recover_with(&mut store, lock.dir());
            // Stories deleted a day ago or more are past Undo: gone for good.
            store.purge_deleted_stories(clock.wall() - chrono::Duration::days(1))?;
            Ok((store, recovered))
        });
        let (store, recovered) = match opened {
            Ok(opened) => opened,
            Err(e) => return Err(OpenFailure { error: e.into(), lock }),
        };
        let data_dir = lock.dir().to_path_buf();
        let catalog = Catalog::load(Some(&paths::loops_dir(&data_dir)));
        Ok(Self { catalog, store, clock, thresholds: Thresholds::default(), active: None, recovered, data_dir, lock })
    }

    /// Sets a damaged database aside (renamed, with its journal files, to
    /// `mockloop.sqlite3.damaged-<time>`), so the next open starts a fresh
    /// one; recordings and loops stay where they are. Returns the new name
    /// of the set-aside file. Needs the folder's lock in hand.
    pub fn set_aside_database(lock: &DataLock, clock: &dyn Clock) -> Result<PathBuf> {
        let data_dir = lock.dir();
        let db = data_dir.join(crate::store::DB_FILE);
        let stamp = clock.wall().with_timezone(&Local).format("%Y%m%d-%H%M%S");
        let aside = data_dir.join(format!("{}.damaged-{stamp}", crate::store::DB_FILE));
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", db.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&from, &to)
                    .map_err(|e| StoreError::File(format!("could not set {} aside: {e}", from.display())))?;
            }
        }
        crate::fsutil::sync_dir(data_dir).map_err(|e| StoreError::File(e.to_string()))?;
        Ok(aside)
    }

    /// Gives the folder's lock back, closing the session (the database is
    /// closed first): how a shell reopens the folder without letting go of
    /// it.
    pub fn into_lock(self) -> DataLock {
        self.lock
    }

    /// The clock the session runs on.
    pub fn clock(&self) -> &dyn Clock {
        &*self.clock
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What start-up recovery did to takes a crash had interrupted.
    pub fn recovered(&self) -> &RecoveryReport {
        &self.recovered
    }

    /// The loops, and the problems with the user's loop files.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The store, for read-only listings (every write takes `&mut Store`,
    /// so writes go through the session's own methods).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Sets (or clears) the interview date, which `mockloop report` reads too.
    pub fn set_target_date(&mut self, date: Option<chrono::NaiveDate>) -> Result<()> {
        Ok(self.store.set_target_date(date)?)
    }

    /// Sets the warning marks for runs started from now on (a run keeps
    /// the marks it started with, also when resumed).
    pub fn set_thresholds(&mut self, thresholds: Thresholds) -> Result<()> {
        thresholds.validate().map_err(SessionError::BadSetting)?;
        self.thresholds = thresholds;
        Ok(())
    }

    /// Starts a run of a whole loop (`round == None`) or of one round.
    /// Any active run is saved and left resumable.
    pub fn start(&mut self, loop_id: &str, round: Option<&str>, include_optional: bool, seed: u64) -> Result<RunView> {
        self.save_active()?;
        let lp = self.catalog.get(loop_id).ok_or_else(|| SessionError::UnknownLoop(loop_id.to_owned()))?;
        let plan = match round {
            Some(round_id) => RunPlan::single_round(lp, round_id, seed)?,
            None => RunPlan::whole_loop(lp, include_optional, seed),
        };
        self.begin_run(plan)
    }

    /// Starts a short practice run of exactly these questions of a loop
    /// (the readiness report's "practise next" list).
    pub fn start_practice(&mut self, loop_id: &str, question_ids: &[String], seed: u64) -> Result<RunView> {
        self.save_active()?;
        let lp = self.catalog.get(loop_id).ok_or_else(|| SessionError::UnknownLoop(loop_id.to_owned()))?;
        let plan = RunPlan::practice(lp, question_ids, seed)
            .ok_or_else(|| SessionError::BadSetting(format!("none of those questions is in loop \"{loop_id}\"")))?;
        self.begin_run(plan)
    }

    /// Files a new run of `plan` and makes it the active one, clocks running.
    fn begin_run(&mut self, plan: RunPlan) -> Result<RunView> {
        let lp = self.catalog.get(&plan.loop_id).ok_or_else(|| SessionError::UnknownLoop(plan.loop_id.clone()))?;
        let now = self.clock.now();
        let engine = Rehearsal::start(plan, self.thresholds.clone(), now);
        let run_id = self.store.create_run(lp, &engine, self.clock.wall())?;
        let story = self.story_title(engine.plan());
        self.active = Some(Active { run_id, engine, last_saved: now, story });
        self.view().ok_or(SessionError::NoActiveRun)
    }

    /// Resumes a stored run exactly where it was saved, paused.
    pub fn resume(&mut self, run_id: i64) -> Result<RunView> {
        self.save_active()?;
        let engine = self.store.load_state(run_id)?;
        if self.catalog.get(&engine.plan().loop_id).is_none() {
            return Err(SessionError::UnknownLoop(engine.plan().loop_id.clone()));
        }
        let story = self.story_title(engine.plan());
        self.active = Some(Active { run_id, engine, last_saved: self.clock.now(), story });
        self.view().ok_or(SessionError::NoActiveRun)
    }

    /// Applies a user action and persists what it ended, in one
    /// transaction. If that cannot be saved, the action is not taken: the
    /// run stays where it was and the error says why. Moving on from a
    /// self-assessment saves the ratings and note drafted for it.
    pub fn act(&mut self, action: Action) -> Result<Update> {
        let now = self.clock.now();
        let active = self.active.as_ref().ok_or(SessionError::NoActiveRun)?;
        let (run_id, phase, round) = (active.run_id, active.engine.phase(), active.engine.position().round);
        if action == Action::Next && phase == Phase::Assessing {
            if let Some(draft) = self.store.draft(run_id, round)? {
                self.save_assessment(Some((run_id, round)), &draft.ratings, &draft.not_asked, &draft.note)?;
            }
        }
        let choices = match action {
            Action::Next if phase == Phase::Answering => self.probe_order(now)?,
            _ => None,
        };
        let active = self.active.as_mut().ok_or(SessionError::NoActiveRun)?;
        let before = active.engine.clone();
        if let Some(choices) = choices {
            active.engine.order_probes(choices);
        }
        let events = match action {
            Action::Next => active.engine.next(now),
            Action::FinishRound => active.engine.finish_round(now),
            Action::Pause => {
                active.engine.pause(now);
                Vec::new()
            }
            Action::Resume => {
                active.engine.resume(now);
                Vec::new()
            }
        };
        if let Err(e) = self.persist(&events, now) {
            if let Some(active) = self.active.as_mut() {
                active.engine = before;
            }
            return Err(e);
        }
        Ok(Update { view: self.view().ok_or(SessionError::NoActiveRun)?, events })
    }

    /// The order to ask the current question's probes in, when its main
    /// answer is ending ([`crate::rehearsal::probes`]): by how the answer's
    /// takes sounded (those analysed so far: [`Self::unanalysed_answer_takes`]
    /// lists the rest), then by the candidate's ratings of the last 30 days.
    fn probe_order(&self, now: Duration) -> Result<Option<Vec<crate::rehearsal::ProbeChoice>>> {
        let Some(active) = self.active.as_ref().filter(|a| a.engine.on_main_answer()) else { return Ok(None) };
        let Some(view) = self.view() else { return Ok(None) };
        let Some(lp) = self.catalog.get(&view.loop_id) else { return Ok(None) };
        let Some(question) = lp.question(&view.question_id) else { return Ok(None) };
        let takes = self.store.answer_takes(active.run_id, view.round_number - 1, &view.question_id, None)?;
        let speaking_seconds =
            takes.iter().filter_map(|t| t.delivery.as_ref()).map(|d| d.speaking_seconds).reduce(|a, b| a + b);
        let given_ms = active.engine.answer_budget_ms();
        let answer = crate::rehearsal::AnswerSignals {
            used_ms: given_ms - active.engine.answer_remaining_ms(now),
            given_ms,
            speaking_seconds,
        };
        let since = self.clock.wall() - chrono::Duration::days(crate::rehearsal::probes::HISTORY_DAYS);
        let ratings = self.store.item_ratings_since(&lp.id, since)?;
        Ok(Some(crate::rehearsal::probes::choose(lp, question, &answer, &ratings)))
    }

    /// The closed takes of the main answer on screen (none while a probe
    /// is) that have no delivery figures yet, with their files: the window analyses them before it
    /// moves on from a main answer, so the probes can follow how it sounded.
    pub fn unanalysed_answer_takes(&self) -> Result<Vec<(i64, PathBuf)>> {
        let on_main = self.active.as_ref().is_some_and(|a| a.engine.on_main_answer());
        let Some(view) = self.view().filter(|_| on_main) else { return Ok(Vec::new()) };
        let takes = self.store.answer_takes(view.run_id, view.round_number - 1, &view.question_id, None)?;
        Ok(takes
            .into_iter()
            .filter(|t| t.status != TakeStatus::Recording && t.delivery.is_none() && t.delivery_error.is_none())
            .filter_map(|t| Some((t.id, takes::take_path(&self.data_dir, &t.path).ok()?)))
            .collect())
    }

    /// Checks the countdowns' thresholds and saves progress now and then.
    /// `None` when no run is active. A failed autosave is an error (the
    /// window shows it) and is tried again at the next tick.
    pub fn tick(&mut self) -> Result<Option<Update>> {
        let now = self.clock.now();
        let Some(active) = self.active.as_mut() else { return Ok(None) };
        let events = active.engine.tick(now);
        if now.saturating_sub(active.last_saved) >= AUTOSAVE_EVERY {
            self.persist(&[], now)?;
        }
        Ok(self.view().map(|view| Update { view, events }))
    }

    /// Saves the self-assessment of a round: the round being assessed in
    /// the active run (`round == None`), or any round of any stored run,
    /// given as (run id, 0-based position), so ratings stay editable later.
    /// Ratings and the items marked not asked are checked against the
    /// round's checklist in the loop (an item is rated or not asked, never
    /// both). The round's draft is done with and goes in the same
    /// transaction.
    pub fn save_assessment(
        &mut self,
        round: Option<(i64, usize)>,
        ratings: &[Rating],
        not_asked: &[String],
        note: &str,
    ) -> Result<()> {
        let (run_id, position) = self.target_round(round)?;
        let (checked, not_asked) = self.checked_ratings(run_id, position, ratings, not_asked)?;
        self.store.save_assessment(run_id, position, &checked, &not_asked, note, self.clock.wall())?;
        Ok(())
    }

    /// Keeps what the candidate typed or rated for a round but has not
    /// saved: the notes during the round, the ratings, not-asked marks and
    /// note of its assessment. Restored on resume ([`Self::draft`]);
    /// becomes the assessment when the candidate moves on without saving.
    pub fn save_draft(
        &mut self,
        round: Option<(i64, usize)>,
        ratings: &[Rating],
        not_asked: &[String],
        note: &str,
    ) -> Result<()> {
        let (run_id, position) = self.target_round(round)?;
        let (checked, not_asked) = self.checked_ratings(run_id, position, ratings, not_asked)?;
        self.store.save_draft(run_id, position, &checked, &not_asked, note, self.clock.wall())?;
        Ok(())
    }

    /// The draft of a round (the active one when `round == None`), if any.
    pub fn draft(&self, round: Option<(i64, usize)>) -> Result<Option<Draft>> {
        let (run_id, position) = self.target_round(round)?;
        Ok(self.store.draft(run_id, position)?)
    }

    /// The round meant: the given (run id, position), or the active run's.
    fn target_round(&self, round: Option<(i64, usize)>) -> Result<(i64, usize)> {
        match round {
            Some(target) => Ok(target),
            None => {
                let active = self.active.as_ref().ok_or(SessionError::NoActiveRun)?;
                Ok((active.run_id, active.engine.position().round))
            }
        }
    }

    /// Ratings and not-asked marks checked against the round's checklist,
    /// each rating's competency filled in from the loop.
    fn checked_ratings(
        &self,
        run_id: i64,
        position: usize,
        ratings: &[Rating],
        not_asked: &[String],
    ) -> Result<(Vec<Rating>, Vec<String>)> {
        let (loop_id, round_id) = self.store.round_of_run(run_id, position).map_err(|e| match e {
            StoreError::NotFound(_) => {
                SessionError::BadAssessment(format!("run {run_id} has no round {}", position.saturating_add(1)))
            }
            other => other.into(),
        })?;
        let lp = self.catalog.get(&loop_id).ok_or_else(|| SessionError::UnknownLoop(loop_id.clone()))?;
        let round = lp.round(&round_id).ok_or_else(|| {
            SessionError::BadAssessment(format!("loop \"{loop_id}\" no longer has a round \"{round_id}\""))
        })?;
        let mut checked = Vec::with_capacity(ratings.len());
        for r in ratings {
            if !(1..=4).contains(&r.rating) {
                return Err(SessionError::BadAssessment(format!(
                    "rating {} is outside 1 (missing) to 4 (strong)",
                    r.rating
                )));
            }
            let item = round.checklist.iter().find(|i| i.id == r.item_id).ok_or_else(|| {
                SessionError::BadAssessment(format!("round \"{}\" has no checklist item \"{}\"", round.id, r.item_id))
            })?;
            if checked.iter().any(|c: &Rating| c.item_id == item.id) {
                return Err(SessionError::BadAssessment(format!("checklist item \"{}\" is rated twice", item.id)));
            }
            checked.push(Rating { item_id: item.id.clone(), competency: item.competency.clone(), rating: r.rating });
        }
        let mut skipped: Vec<String> = Vec::with_capacity(not_asked.len());
        for id in not_asked {
            if !round.checklist.iter().any(|i| &i.id == id) {
                return Err(SessionError::BadAssessment(format!(
                    "round \"{}\" has no checklist item \"{id}\"",
                    round.id
                )));
            }
            if checked.iter().any(|c| &c.item_id == id) {
                return Err(SessionError::BadAssessment(format!(
                    "checklist item \"{id}\" is both rated and marked not asked"
                )));
            }
            if !skipped.contains(id) {
                skipped.push(id.clone());
            }
        }
        Ok((checked, skipped))
    }

    /// Files a new take for the answer on screen now: its row (status
    /// `recording`) and the readable path its WAV goes to, in the takes
    /// folder, never the name of a file or row already there.
    pub fn begin_take(&mut self) -> Result<(i64, PathBuf)> {
        let view = self.view().ok_or(SessionError::NoActiveRun)?;
        if view.phase != Phase::Answering {
            return Err(SessionError::NotAnswering);
        }
        let probe = view.probe_index;
        let name = takes::take_file_name(
            self.clock.wall().with_timezone(&Local),
            &view.loop_id,
            &view.round_id,
            &view.question_id,
            probe,
        );
        let dir = takes::takes_dir(&self.data_dir);
        crate::fsutil::create_private_dir(&dir)
            .map_err(|e| StoreError::File(format!("cannot create {}: {e}", dir.display())))?;
        // Two takes in one second (a quick stop and start) get `-2`, `-3`...
        let stem = name.trim_end_matches(".wav").to_owned();
        let mut name = name;
        for n in 2.. {
            let taken = dir.join(&name).exists()
                || dir.join(format!("{name}{}", crate::audio::wavfile::PART_SUFFIX)).exists()
                || self.store.take_by_name(&name)?.is_some();
            if !taken {
                break;
            }
            name = format!("{stem}-{n}.wav");
        }
        let new_take = NewTake {
            run_id: Some(view.run_id),
            round_position: Some(view.round_number - 1),
            question_id: Some(view.question_id),
            probe_index: probe,
            name: name.clone(),
            // A run practising a story: the take tells that story.
            story_id: self.active.as_ref().and_then(|a| a.engine.plan().story_id),
        };
        let id = self.store.insert_take(&new_take, self.clock.wall())?;
        Ok((id, dir.join(name)))
    }

    /// Files how a take ended: what the recorder says it holds, or (when
    /// the recorder failed outright) whatever reached the disk, so no row
    /// is left saying `recording`. Returns the row as stored.
    pub fn close_take(&mut self, take_id: i64, ended: std::result::Result<&TakeSummary, String>) -> Result<TakeRow> {
        let result = match ended {
            Ok(summary) => TakeResult {
                duration_ms: (summary.seconds * 1000.0) as u64,
                sample_rate: summary.rate,
                bytes: summary.bytes,
                dropped_samples: summary.dropped_samples,
                stream_errors: summary.stream_errors,
                status: match summary.outcome {
                    Outcome::Complete | Outcome::SizeLimit => TakeStatus::Complete,
                    Outcome::DeviceLost => TakeStatus::DeviceLost,
                    Outcome::WriteFailed => TakeStatus::WriteFailed,
                },
                error: summary.error.clone(),
            },
            Err(why) => {
                let row = self.store.take(take_id)?;
                let path = takes::take_path(&self.data_dir, &row.path)?;
                let (part, _) = crate::audio::wavfile::part_and_final(&path);
                let info = crate::audio::wavfile::recover(&part)
                    .map(|(_, info)| info)
                    .or_else(|_| crate::audio::wavfile::inspect(&path))
                    .ok();
                TakeResult {
                    duration_ms: info.map_or(0, |i| i.duration_ms()),
                    sample_rate: info.map_or(0, |i| i.sample_rate),
                    bytes: info.map_or(0, |i| i.bytes),
                    status: TakeStatus::WriteFailed,
                    error: Some(why),
                    ..TakeResult::default()
                }
            }
        };
        self.store.finish_take(take_id, &result)?;
        Ok(self.store.take(take_id)?)
    }

    /// The WAV file of a take: always inside the takes folder.
    pub fn take_file(&self, take_id: i64) -> Result<PathBuf> {
        let row = self.store.take(take_id)?;
        Ok(takes::take_path(&self.data_dir, &row.path)?)
    }

    /// Stores how a take sounded (or why it could not be analysed). A take
    /// deleted while it was being analysed is no error: there is nothing
    /// left to describe.
    pub fn save_delivery(
        &mut self,
        take_id: i64,
        result: std::result::Result<&crate::analysis::Delivery, &str>,
    ) -> Result<()> {
        match self.store.take(take_id) {
            Ok(_) => Ok(self.store.save_delivery(take_id, result, self.clock.wall())?),
            Err(crate::store::StoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores a take's transcript (or why it has none); a take deleted
    /// meanwhile is no error.
    pub fn save_transcript(
        &mut self,
        take_id: i64,
        model: &str,
        result: std::result::Result<(&[crate::transcript::Word], f64), &str>,
    ) -> Result<()> {
        match self.store.take(take_id) {
            Ok(take) => {
                let speech = take.delivery.as_ref().map(crate::analysis::Delivery::speech).unwrap_or_default();
                let fillers = result.map_or(0, |(words, _)| crate::transcript::fillers::find(words, &speech).len());
                Ok(self.store.save_transcript(take_id, model, result, fillers, self.clock.wall())?)
            }
            Err(crate::store::StoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Closed takes to transcribe, newest first (see
    /// [`Store::takes_to_transcribe`]), whose files are in the takes folder.
    pub fn transcript_backlog(&self, again_with: Option<&str>) -> Result<Vec<i64>> {
        Ok(self
            .store
            .takes_to_transcribe(again_with)?
            .into_iter()
            .filter(|(_, name)| takes::take_path(&self.data_dir, name).is_ok())
            .map(|(id, _)| id)
            .collect())
    }

    /// The model chosen for transcripts (`None`: off).
    pub fn transcript_model(&self) -> Result<Option<String>> {
        Ok(self.store.transcript_model()?)
    }

    /// Seconds of take each model has transcribed a second on this
    /// machine (see [`Store::transcript_speeds`]).
    pub fn transcript_speeds(&self) -> Result<Vec<(String, f64)>> {
        Ok(self.store.transcript_speeds()?)
    }

    /// Chooses the model for transcripts, or turns them off.
    pub fn set_transcript_model(&mut self, model: Option<&str>) -> Result<()> {
        Ok(self.store.set_transcript_model(model)?)
    }

    /// A take's transcript with its fillers and pace, if it has one.
    pub fn take_transcript(&self, take_id: i64) -> Result<Option<crate::transcript::Transcript>> {
        let Some(stored) = self.store.transcript(take_id)? else { return Ok(None) };
        let take = self.store.take(take_id)?;
        Ok(Some(crate::transcript::Transcript::new(stored, take.delivery.as_ref())))
    }

    /// Closed takes this build has not analysed, newest first, with their
    /// files (always inside the takes folder). A take it could not read
    /// comes back only once its file has changed since (`mockloop recover`
    /// repaired it, say).
    pub fn analysis_backlog(&self) -> Result<Vec<(i64, PathBuf)>> {
        let changed_since = |path: &Path, tried: &str| -> bool {
            let Ok(tried) = chrono::DateTime::parse_from_rfc3339(tried) else { return true };
            let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
            modified.is_some_and(|m| chrono::DateTime::<Utc>::from(m) > tried)
        };
        Ok(self
            .store
            .takes_to_analyze()?
            .into_iter()
            .filter_map(|(id, name, failed_at)| {
                let path = takes::take_path(&self.data_dir, &name).ok()?;
                match failed_at {
                    Some(tried) if !changed_since(&path, &tried) => None,
                    _ => Some((id, path)),
                }
            })
            .collect())
    }

    /// Deletes a take: its row, its file and its peaks, together.
    pub fn delete_take(&mut self, take_id: i64) -> Result<()> {
        takes::delete(&mut self.store, &self.data_dir, take_id)?;
        Ok(())
    }

    /// Every unfinished run not set aside, most recently touched first,
    /// each with where it stopped: the round, the question, the time left.
    pub fn resumable(&self) -> Result<Vec<Resumable>> {
        let runs = self.store.unfinished_runs()?;
        Ok(runs
            .into_iter()
            .map(|run| {
                let at = match self.active.as_ref() {
                    Some(active) if active.run_id == run.id => self.view(),
                    _ => self.store.load_state(run.id).log_warn().and_then(|engine| {
                        let lp = self.catalog.get(&engine.plan().loop_id)?;
                        Some(build_view(lp, run.id, &engine, Duration::ZERO))
                    }),
                };
                Resumable { run, at }
            })
            .collect())
    }

    /// Sets an unfinished run aside (it is no longer offered for resuming;
    /// its takes and ratings stay), or takes it back: the undo. Setting the
    /// active run aside saves and closes it first.
    pub fn set_aside(&mut self, run_id: i64, aside: bool) -> Result<()> {
        if aside && self.active.as_ref().is_some_and(|a| a.run_id == run_id) {
            self.save_active()?;
            self.active = None;
        }
        self.store.set_aside(run_id, aside, self.clock.wall())?;
        Ok(())
    }

    /// The active run as the UI shows it.
    pub fn view(&self) -> Option<RunView> {
        let active = self.active.as_ref()?;
        let lp = self.catalog.get(&active.engine.plan().loop_id)?;
        let mut view = build_view(lp, active.run_id, &active.engine, self.clock.now());
        view.story.clone_from(&active.story);
        Some(view)
    }

    /// The title of the story a plan practises (none if the story is gone).
    fn story_title(&self, plan: &RunPlan) -> Option<String> {
        plan.story_id.and_then(|id| self.store.story(id).ok()).map(|s| s.content.title)
    }

    /// Saves the active run (if any) at the current time.
    pub fn save_active(&mut self) -> Result<()> {
        let now = self.clock.now();
        if self.active.is_some() {
            self.persist(&[], now)?;
        }
        Ok(())
    }

    /// Saves what `events` ended and the engine's snapshot, in one
    /// transaction ([`Store::save_progress`]).
    fn persist(&mut self, events: &[RunEvent], now: Duration) -> Result<()> {
        let Some(active) = self.active.as_mut() else { return Ok(()) };
        let snapshot = active.engine.snapshot(now);
        self.store.save_progress(active.run_id, events, &snapshot, self.clock.wall())?;
        active.last_saved = now;
        Ok(())
    }
}

fn build_view(lp: &Loop, run_id: i64, engine: &Rehearsal, now: Duration) -> RunView {
    let pos = engine.position();
    let planned_round = &engine.plan().rounds[pos.round.min(engine.plan().rounds.len().saturating_sub(1))];
    let round = lp.round(&planned_round.round_id);
    let planned_q = &planned_round.questions[pos.question.min(planned_round.questions.len().saturating_sub(1))];
    let question = lp.question(&planned_q.question_id);
    let current = engine.current_probe();
    let probe = current.and_then(|(index, _)| question.and_then(|q| q.probes.get(index)).map(|p| p.text.clone()));
    RunView {
        run_id,
        loop_id: lp.id.clone(),
        loop_title: lp.title.clone(),
        phase: engine.phase(),
        paused: engine.is_paused(),
        round_number: pos.round + 1,
        round_count: engine.plan().rounds.len(),
        round_id: planned_round.round_id.clone(),
        round_kind: round.map(|r| r.kind.clone()).unwrap_or_default(),
        round_title: round.map(|r| r.title.clone()).unwrap_or_default(),
        competencies: round
            .map(|r| {
                r.competencies
                    .iter()
                    .map(|id| CompetencyRef {
                        id: id.clone(),
                        name: lp.competency(id).map_or_else(|| id.clone(), |c| c.name.clone()),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        checklist: round.map(|r| r.checklist.clone()).unwrap_or_default(),
        question_number: pos.question + 1,
        question_count: planned_round.questions.len(),
        question_id: planned_q.question_id.clone(),
        question: question.map(|q| q.text.clone()).unwrap_or_default(),
        probe,
        probe_index: current.map(|(index, _)| index),
        probe_reason: current.and_then(|(_, reason)| reason.map(str::to_owned)),
        probe_number: pos.probe.map(|p| p + 1),
        probe_count: planned_q.probes,
        answer_timer: TimerView::new(engine.answer_remaining_ms(now), engine.answer_budget_ms()),
        round_timer: TimerView::new(engine.round_remaining_ms(now), engine.round_budget_ms()),
        answer_warn_ms: engine.thresholds().first_warning_ms(Timer::Answer),
        round_warn_ms: engine.thresholds().first_warning_ms(Timer::Round),
        story: None,
    }
}
