//! The run's commands: the home screen, starting, resuming and practising
//! a run, moving it on, its self-assessment and drafts, the interview date
//! and the readiness dashboard.

use crate::error::{CommandError, CommandResult};
use crate::events::{self, TakeAnalyzed};
use crate::state::{begin_run, blocking, booth, check_ids, check_len, session_blocking};
use mockloop_core::booth::Notice;
use mockloop_core::loops::Loop;
use mockloop_core::readiness::today::Today;
use mockloop_core::readiness::{self, History, Report};
use mockloop_core::rehearsal::Thresholds;
use mockloop_core::session::{Action, Resumable, RunView, Session, Update};
use mockloop_core::store::{Draft, Rating, RoundResult, RunSummary};
use serde::Serialize;
use tauri::AppHandle;

/// Finished runs listed on the home screen (every resumable one is listed).
const RECENT_FINISHED: usize = 10;

/// What the home screen shows.
#[derive(Serialize, specta::Type)]
pub struct Home {
    loops: Vec<Loop>,
    problems: Vec<String>,
    /// Every unfinished run not set aside, with where it stopped.
    resumable: Vec<Resumable>,
    /// The most recent finished runs.
    recent_runs: Vec<RunSummary>,
    active: Option<RunView>,
    /// The interview date (YYYY-MM-DD), shared with the CLI's report.
    target_date: Option<chrono::NaiveDate>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_loops(app: AppHandle) -> CommandResult<Home> {
    session_blocking(app, |s| home(s)).await
}

/// What the home screen shows, now. The window's first page gets it with
/// the page itself (see `bootstrap`), so the home screen paints without
/// asking; `list_loops` gives it again afterwards.
pub fn home(s: &Session) -> CommandResult<Home> {
    let recent = s.store().recent_runs(RECENT_FINISHED * 4)?;
    Ok(Home {
        loops: s.catalog().loops.clone(),
        problems: s.catalog().problems.iter().map(ToString::to_string).collect(),
        resumable: s.resumable()?,
        recent_runs: recent.into_iter().filter(|r| r.finished_at.is_some()).take(RECENT_FINISHED).collect(),
        active: s.view(),
        target_date: s.store().target_date()?,
    })
}

/// Sets the interview date (`YYYY-MM-DD`; empty clears it).
#[tauri::command]
#[specta::specta]
pub async fn set_target_date(app: AppHandle, date: String) -> CommandResult<()> {
    check_len("date", &date)?;
    let date = match date.trim() {
        "" => None,
        text => Some(chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            CommandError::bad_input(format!(
                "\"{}\" is not a date like 2027-01-31",
                text.chars().take(40).collect::<String>()
            ))
        })?),
    };
    session_blocking(app, move |s| Ok(s.set_target_date(date)?)).await
}

/// The readiness dashboard: the same report as `mockloop report --json`.
/// Read under the lock, computed after it is released.
#[tauri::command]
#[specta::specta]
pub async fn dashboard(app: AppHandle, weeks: Option<usize>) -> CommandResult<Report> {
    blocking(app, move |app| {
        let (catalog, history, target, today) = booth(app).with_session(|s| {
            let history = History::load(s.store())?;
            let today = s.clock().wall().with_timezone(&chrono::Local).date_naive();
            Ok::<_, CommandError>((s.catalog().clone(), history, s.store().target_date()?, today))
        })?;
        Ok(readiness::build(&catalog, &history, today, target, weeks.unwrap_or(12).clamp(1, 520)))
    })
    .await
}

/// The dashboard over sample history (`mockloop demo-data`'s eight weeks
/// ending today), made in memory and thrown away: what Progress looks like
/// before weeks of one's own practice. Nothing is written anywhere.
#[tauri::command]
#[specta::specta]
pub async fn sample_dashboard(app: AppHandle) -> CommandResult<Report> {
    blocking(app, move |app| {
        let (catalog, today) = booth(app).with_session(|s| {
            Ok::<_, CommandError>((s.catalog().clone(), s.clock().wall().with_timezone(&chrono::Local).date_naive()))
        })?;
        let mut store = mockloop_core::store::Store::in_memory()?;
        let options = mockloop_core::demo::DemoOptions { weeks: 8, seed: 1, end: today };
        mockloop_core::demo::generate(&mut store, &catalog, options, false)
            .map_err(|e| CommandError::internal(e.to_string()))?;
        let history = History::load(&store)?;
        Ok(readiness::build(&catalog, &history, today, Some(today + chrono::Days::new(21)), 12))
    })
    .await
}

/// What Home offers first: the practice due today for the loop last
/// rehearsed, and a warm-up. Read under the lock, computed after it.
#[tauri::command]
#[specta::specta]
pub async fn today(app: AppHandle) -> CommandResult<Option<Today>> {
    blocking(app, move |app| {
        let (catalog, history, target, today, last) = booth(app).with_session(|s| {
            let history = History::load(s.store())?;
            let today = s.clock().wall().with_timezone(&chrono::Local).date_naive();
            let last = s.store().recent_runs(1)?.into_iter().next().map(|r| r.loop_id);
            Ok::<_, CommandError>((s.catalog().clone(), history, s.store().target_date()?, today, last))
        })?;
        let report = readiness::build(&catalog, &history, today, target, 1);
        Ok(readiness::today::today(&catalog, &report, last.as_deref()))
    })
    .await
}

/// Sets an unfinished run aside (Home no longer offers it; its takes and
/// ratings stay), or takes it back (`aside: false`, the undo).
#[tauri::command]
#[specta::specta]
pub async fn set_aside_run(app: AppHandle, run_id: i64, aside: bool) -> CommandResult<()> {
    session_blocking(app, move |s| Ok(s.set_aside(run_id, aside)?)).await
}

/// "Practise now": a short run of exactly these questions.
#[tauri::command]
#[specta::specta]
pub async fn practise(
    app: AppHandle,
    loop_id: String,
    question_ids: Vec<String>,
    thresholds: Option<Thresholds>,
) -> CommandResult<RunView> {
    check_len("loop id", &loop_id)?;
    check_ids("questions of a loop", &question_ids)?;
    begin_run(app, thresholds, move |s, seed| s.start_practice(&loop_id, &question_ids, seed)).await
}

/// Starts a whole loop or one round, with the window's warning marks.
#[tauri::command]
#[specta::specta]
pub async fn start_run(
    app: AppHandle,
    loop_id: String,
    round_id: Option<String>,
    thresholds: Option<Thresholds>,
) -> CommandResult<RunView> {
    check_len("loop id", &loop_id)?;
    check_len("round id", round_id.as_deref().unwrap_or(""))?;
    begin_run(app, thresholds, move |s, seed| s.start(&loop_id, round_id.as_deref(), true, seed)).await
}

#[tauri::command]
#[specta::specta]
pub async fn resume_run(app: AppHandle, run_id: i64) -> CommandResult<RunView> {
    session_blocking(app, move |s| Ok(s.resume(run_id)?)).await
}

#[tauri::command]
#[specta::specta]
pub async fn run_summary(app: AppHandle, run_id: i64) -> CommandResult<Vec<RoundResult>> {
    session_blocking(app, move |s| {
        s.store().run_summary(run_id)?; // an unknown run is an error, not "no rounds"
        Ok(s.store().round_results(run_id)?)
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn run_state(app: AppHandle) -> CommandResult<Option<RunView>> {
    session_blocking(app, |s| Ok(s.view())).await
}

/// Moves the run. Moving on from a main answer first settles its takes'
/// analysis (the probes follow how it sounded), outside the session lock.
#[tauri::command]
#[specta::specta]
pub async fn run_action(app: AppHandle, action: Action) -> CommandResult<Update> {
    blocking(app, move |app| {
        let booth = booth(app);
        if action == Action::Next {
            booth.settle_answer(&mut |notice| {
                if let Notice::Analysed(row) = notice {
                    events::send(app, TakeAnalyzed(*row));
                }
            });
        }
        booth.with_session(|s| Ok(s.act(action)?))
    })
    .await
}

/// The round of a run the window names: both `run_id` and `position`, or
/// neither (the active round).
#[track_caller]
fn round_arg(run_id: Option<i64>, position: Option<usize>) -> CommandResult<Option<(i64, usize)>> {
    match (run_id, position) {
        (Some(run), Some(position)) => Ok(Some((run, position))),
        (None, None) => Ok(None),
        _ => Err(CommandError::bad_input("name both the run and the round's position, or neither")),
    }
}

/// What an assessment or its draft sent, checked: the round it is for.
#[track_caller]
fn checked_marks(
    note: &str,
    not_asked: &[String],
    run_id: Option<i64>,
    position: Option<usize>,
) -> CommandResult<Option<(i64, usize)>> {
    check_len("note", note)?;
    check_ids("checklist items", not_asked)?;
    round_arg(run_id, position)
}

/// Saves a round's self-assessment: the active round, or (`run_id` and
/// `position` given) any earlier round, for editing later.
#[tauri::command]
#[specta::specta]
pub async fn save_assessment(
    app: AppHandle,
    ratings: Vec<Rating>,
    not_asked: Vec<String>,
    note: String,
    run_id: Option<i64>,
    position: Option<usize>,
) -> CommandResult<()> {
    let target = checked_marks(&note, &not_asked, run_id, position)?;
    session_blocking(app, move |s| Ok(s.save_assessment(target, &ratings, &not_asked, &note)?)).await
}

/// Keeps what was typed or rated for a round and not saved yet (notes
/// during the round, the assessment's ratings and note), with the run.
#[tauri::command]
#[specta::specta]
pub async fn save_draft(
    app: AppHandle,
    ratings: Vec<Rating>,
    not_asked: Vec<String>,
    note: String,
    run_id: Option<i64>,
    position: Option<usize>,
) -> CommandResult<()> {
    let target = checked_marks(&note, &not_asked, run_id, position)?;
    session_blocking(app, move |s| Ok(s.save_draft(target, &ratings, &not_asked, &note)?)).await
}

/// The draft of a round (the active one when neither argument is given).
#[tauri::command]
#[specta::specta]
pub async fn draft(app: AppHandle, run_id: Option<i64>, position: Option<usize>) -> CommandResult<Option<Draft>> {
    let target = round_arg(run_id, position)?;
    session_blocking(app, move |s| Ok(s.draft(target)?)).await
}
