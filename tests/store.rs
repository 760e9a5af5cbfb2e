//! The SQLite store and the session on a real database file.

use mockloop_core::clock::ManualClock;
use mockloop_core::lock::DataLock;
use mockloop_core::rehearsal::Phase;
use mockloop_core::session::{Action, Session, SessionError};
use mockloop_core::store::{current_version, Rating, Store, StoreError, TakeStatus, DB_FILE};
use std::sync::Arc;
use std::time::Duration;

fn session(dir: &std::path::Path, clock: &ManualClock) -> Session {
    Session::open(dir, Arc::new(clock.clone())).expect("open session")
}

#[test]
fn new_database_is_migrated_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let lock = DataLock::acquire(dir.path(), "a test").unwrap();
    let store = Store::open_in(&lock).unwrap();
    assert_eq!(store.schema_version().unwrap(), current_version());
    // The schema is in the database, not left in the log: a new folder's
    // log starts empty (a file-size limit once met the log before a take).
    let wal = dir.path().join(format!("{DB_FILE}-wal"));
    let wal_bytes = std::fs::metadata(&wal).map_or(0, |m| m.len());
    assert_eq!(wal_bytes, 0, "the log of a new database holds {wal_bytes} bytes");
    assert!(
        std::fs::metadata(dir.path().join(DB_FILE)).unwrap().len() > 64 * 1024,
        "the schema is in the database file"
    );
    drop(store);
    let conn = rusqlite_check::open(&dir.path().join(DB_FILE));
    assert_eq!(rusqlite_check::pragma(&conn, "journal_mode"), "wal");
    // Reopening an up-to-date database changes nothing.
    let again = Store::open_in(&lock).unwrap();
    assert_eq!(again.schema_version().unwrap(), current_version());
}

#[test]
fn newer_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    {
        let conn = rusqlite_check::open(&path);
        conn.execute_batch("PRAGMA user_version = 99; CREATE TABLE future (x);").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let lock = DataLock::acquire(dir.path(), "a test").unwrap();
    let err = match Store::open_in(&lock) {
        Err(e) => e,
        Ok(_) => panic!("a newer database must be refused"),
    };
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("newer version of mockloop") && message.contains("left untouched"), "{message}");
    let read = Store::open_read_only(dir.path()).err().expect("refused for reading too");
    assert!(matches!(read, StoreError::TooNew { found: 99, .. }), "{read}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the file is byte-for-byte unchanged");
    assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists(), "not even switched to WAL");
}

#[test]
fn a_reader_beside_a_writer_changes_nothing_and_migrates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    s.start("microsoft-pm", None, false, 2).unwrap();
    s.save_active().unwrap();
    let db = dir.path().join(DB_FILE);
    let before = std::fs::read(&db).unwrap();
    // While the session holds the folder: a reader sees what it wrote.
    let reader = Store::open_read_only(dir.path()).unwrap();
    assert_eq!(reader.recent_runs(5).unwrap().len(), 1);
    drop(reader);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database file is byte-for-byte unchanged");
    drop(s);

    // An older schema is not upgraded by a reader: it says so and leaves it.
    let old = tempfile::tempdir().unwrap();
    let path = old.path().join(DB_FILE);
    {
        let conn = rusqlite_check::open(&path);
        for migration in &mockloop_core::store::MIGRATIONS[..4] {
            conn.execute_batch(migration).unwrap();
        }
        conn.execute_batch("PRAGMA user_version = 4;").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open_read_only(old.path()).err().expect("an older schema is refused for reading");
    assert!(matches!(err, StoreError::TooOld { found: 4, .. }), "{err}");
    assert!(err.to_string().contains("open the mockloop app once"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    // A folder with no database reads as an empty one, and stays empty.
    let empty = tempfile::tempdir().unwrap();
    let reader = Store::open_read_only(empty.path()).unwrap();
    assert!(reader.recent_runs(5).unwrap().is_empty());
    assert!(std::fs::read_dir(empty.path()).unwrap().next().is_none(), "nothing was created");
}

#[test]
fn a_version_5_database_keeps_every_take_with_its_figures_and_story_and_refuses_a_bad_status() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite_check::open(&dir.path().join(DB_FILE));
        for migration in &mockloop_core::store::MIGRATIONS[..5] {
            conn.execute_batch(migration).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 5;
             INSERT INTO takes (id, path, created_at, duration_ms, status) VALUES
               (1, 'a.wav', '2026-11-30T10:05:00.000Z', 90000, 'complete'),
               (2, 'b.wav', '2026-11-30T10:06:00.000Z', 1000, 'strange');
             INSERT INTO take_delivery (take_id, version, analyzed_at, error) VALUES (1, 1, '2026-11-30T10:07:00Z', 'x');
             INSERT INTO stories (id, title, created_at, updated_at) VALUES (1, 'S', '2026-11-30', '2026-11-30');
             INSERT INTO take_stories (take_id, story_id, linked_at) VALUES (1, 1, '2026-11-30');",
        )
        .unwrap();
    }
    let s = session(dir.path(), &ManualClock::new());
    let first = s.store().take(1).unwrap();
    assert_eq!((first.status, first.story_id), (TakeStatus::Complete, Some(1)), "its story link survived");
    assert_eq!(first.delivery_error.as_deref(), Some("x"), "its analysis survived");
    assert_eq!(s.store().take(2).unwrap().status, TakeStatus::WriteFailed, "a status no build wrote");
    drop(s);
    let conn = rusqlite_check::open(&dir.path().join(DB_FILE));
    let refused = conn.execute("UPDATE takes SET status = 'finished' WHERE id = 1", []);
    assert!(refused.is_err(), "the schema holds a take's status to its five names");
    let fk: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 0);
}

#[test]
fn a_run_closed_halfway_resumes_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let (run_id, question, answer_left) = {
        let mut s = session(dir.path(), &clock);
        let view = s.start("microsoft-pm", None, false, 11).unwrap();
        assert_eq!(view.phase, Phase::Answering);
        assert_eq!(view.round_id, "screen");
        clock.advance(Duration::from_secs(40));
        let update = s.act(Action::Next).unwrap(); // to the first probe
        assert!(update.view.probe.is_some());
        clock.advance(Duration::from_secs(7));
        s.save_active().unwrap(); // what closing the window does
        (view.run_id, update.view.question.clone(), update.view.answer_timer.remaining_ms)
    };
    clock.advance(Duration::from_secs(3600));

    let mut s = session(dir.path(), &clock);
    let runs = s.store().recent_runs(5).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].finished_at, None);
    let view = s.resume(run_id).unwrap();
    assert!(view.paused, "a resumed run waits for the candidate");
    assert_eq!(view.question, question);
    assert_eq!(view.probe_number, Some(1));
    assert_eq!(
        view.answer_timer.remaining_ms,
        answer_left - 7_000,
        "time used before closing is kept, closed time is not"
    );
    let answers = s.store().answers(run_id).unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].3, 40_000);
}

#[test]
fn a_run_set_aside_is_not_offered_and_comes_back_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let first = s.start("microsoft-pm", None, false, 3).unwrap();
    clock.advance(Duration::from_secs(100));
    s.save_active().unwrap();
    // The active run is offered with where it stands now.
    let offered = s.resumable().unwrap();
    assert_eq!(offered.len(), 1);
    let at = offered[0].at.clone().expect("where it stopped");
    assert_eq!((at.round_number, at.round_count, at.round_title.as_str()), (1, 5, "Phone screen"));
    assert_eq!(at.round_timer.remaining_ms, at.round_timer.budget_ms - 100_000);

    // A second run; the first, closed, is read back from its saved state.
    let second = s.start("microsoft-pmm", None, false, 4).unwrap();
    let offered = s.resumable().unwrap();
    assert_eq!(offered.iter().map(|r| r.run.id).collect::<Vec<_>>(), vec![second.run_id, first.run_id]);
    assert_eq!(offered[1].at.as_ref().unwrap().round_timer.remaining_ms, at.round_timer.remaining_ms);

    // Set aside: no longer offered, still stored; the active one is closed first.
    s.set_aside(second.run_id, true).unwrap();
    assert!(s.view().is_none(), "the run set aside is no longer the active one");
    assert_eq!(s.resumable().unwrap().iter().map(|r| r.run.id).collect::<Vec<_>>(), vec![first.run_id]);
    assert_eq!(s.store().recent_runs(5).unwrap().len(), 2, "nothing is deleted");
    // Undo: back, as it was.
    s.set_aside(second.run_id, false).unwrap();
    assert_eq!(s.resumable().unwrap().len(), 2);
    assert_eq!(s.resume(second.run_id).unwrap().loop_id, "microsoft-pmm");

    // A finished run, or none, cannot be set aside.
    assert!(matches!(s.set_aside(999, true), Err(SessionError::Store(StoreError::NotFound(_)))));
    // A run whose saved state cannot be read is still offered, to be set aside.
    drop(s);
    let conn = rusqlite_check::open(&dir.path().join(DB_FILE));
    conn.execute("UPDATE runs SET state = '{' WHERE id = ?1", [first.run_id]).unwrap();
    drop(conn);
    let mut s = session(dir.path(), &clock);
    let offered = s.resumable().unwrap();
    let broken = offered.iter().find(|r| r.run.id == first.run_id).unwrap();
    assert!(broken.at.is_none());
    s.set_aside(first.run_id, true).unwrap();
    assert_eq!(s.resumable().unwrap().len(), 1);
}

#[test]
fn assessment_is_saved_in_one_transaction_and_validated() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pmm", Some("gtm-case"), false, 5).unwrap();
    s.act(Action::FinishRound).unwrap();
    let items = &view.checklist;
    let ratings: Vec<Rating> = items
        .iter()
        .enumerate()
        .map(|(i, item)| Rating { item_id: item.id.clone(), competency: String::new(), rating: (i % 4 + 1) as u8 })
        .collect();
    s.save_assessment(None, &ratings, &[], "Pricing section was thin.").unwrap();
    let stored = s.store().ratings(view.run_id, 0).unwrap();
    assert_eq!(stored.len(), items.len());
    for r in &stored {
        let item = items.iter().find(|i| i.id == r.item_id).unwrap();
        assert_eq!(r.competency, item.competency, "competency filled in from the loop");
    }

    // A bad rating rejects the whole save: the earlier ratings stay.
    let mut bad = ratings.clone();
    bad[0].rating = 3;
    bad.last_mut().unwrap().rating = 9;
    let err = s.save_assessment(None, &bad, &[], "").unwrap_err();
    assert!(matches!(err, SessionError::BadAssessment(_)), "{err}");
    assert_eq!(s.store().ratings(view.run_id, 0).unwrap(), stored);
    let unknown = vec![Rating { item_id: "no-such-item".into(), competency: String::new(), rating: 2 }];
    assert!(s.save_assessment(None, &unknown, &[], "").unwrap_err().to_string().contains("no-such-item"));
}

#[test]
fn finishing_every_round_finishes_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pm", None, true, 9).unwrap();
    let mut rounds_done = 0;
    for _ in 0..200 {
        clock.advance(Duration::from_secs(30));
        let update = s.act(Action::Next).unwrap();
        if update.events.iter().any(|e| matches!(e, mockloop_core::rehearsal::RunEvent::RoundEnded { .. })) {
            rounds_done += 1;
        }
        if update.view.phase == Phase::Finished {
            break;
        }
    }
    assert_eq!(rounds_done, 6);
    let runs = s.store().recent_runs(1).unwrap();
    assert_eq!(runs[0].id, view.run_id);
    assert!(runs[0].finished_at.is_some());
}

#[test]
fn unknown_loop_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), &ManualClock::new());
    let err = s.start("google-pm", None, false, 1).unwrap_err();
    assert_eq!(err.to_string(), "no loop \"google-pm\" is loaded (see `mockloop loops`)");
    assert!(matches!(s.act(Action::Next), Err(SessionError::NoActiveRun)));
}

/// Direct SQLite access for checking what the store wrote, independent of it.
mod rusqlite_check {
    pub fn open(path: &std::path::Path) -> rusqlite::Connection {
        rusqlite::Connection::open(path).unwrap()
    }
    pub fn pragma(conn: &rusqlite::Connection, name: &str) -> String {
        conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
    }
}

#[test]
fn round_results_give_time_used_and_ratings_per_round() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pm", None, false, 4).unwrap();
    clock.advance(Duration::from_secs(95));
    s.act(Action::FinishRound).unwrap();
    let first = &view.checklist[0];
    s.save_assessment(
        None,
        &[Rating { item_id: first.id.clone(), competency: String::new(), rating: 2 }],
        &[],
        "rushed",
    )
    .unwrap();
    let results = s.store().round_results(view.run_id).unwrap();
    assert_eq!(results.len(), 5, "whole loop without the optional round");
    assert_eq!(results[0].used_ms, Some(95_000));
    assert_eq!(results[0].given_ms, 30 * 60_000);
    assert_eq!(results[0].ratings.len(), 1);
    assert_eq!(results[0].ratings[0].rating, 2);
    assert_eq!(results[0].note.as_deref(), Some("rushed"));
    assert_eq!(results[1].used_ms, None, "not reached yet");
}

#[test]
fn an_earlier_runs_assessment_stays_editable() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let first = s.start("microsoft-pm", None, false, 4).unwrap();
    s.act(Action::FinishRound).unwrap();
    let item = &first.checklist[0];
    s.save_assessment(
        None,
        &[Rating { item_id: item.id.clone(), competency: String::new(), rating: 1 }],
        &[],
        "first go",
    )
    .unwrap();

    // Another run becomes the active one; the first is edited by id.
    s.start("microsoft-pmm", None, false, 5).unwrap();
    let edit = [Rating { item_id: item.id.clone(), competency: String::new(), rating: 3 }];
    s.save_assessment(Some((first.run_id, 0)), &edit, &[], "on reflection, solid").unwrap();
    let results = s.store().round_results(first.run_id).unwrap();
    assert_eq!(results[0].ratings.len(), 1);
    assert_eq!(results[0].ratings[0].rating, 3);
    assert_eq!(results[0].ratings[0].competency, item.competency);
    assert_eq!(results[0].note.as_deref(), Some("on reflection, solid"));

    // The PM checklist item is not one of the PMM loop's rounds: checked
    // against the edited run's own loop and round, not the active one.
    let active = s.view().unwrap();
    let err = s.save_assessment(None, &edit, &[], "").unwrap_err();
    assert!(err.to_string().contains(&item.id), "{err}");
    assert_eq!(s.store().ratings(active.run_id, 0).unwrap(), vec![]);

    let err = s.save_assessment(Some((first.run_id, 40)), &edit, &[], "").unwrap_err();
    assert_eq!(err.to_string(), format!("run {} has no round 41", first.run_id));
    let err = s.save_assessment(Some((9_999, 0)), &edit, &[], "").unwrap_err();
    assert_eq!(err.to_string(), "run 9999 has no round 1");
}

#[test]
fn warning_marks_are_validated_and_shown_with_the_run() {
    use mockloop_core::rehearsal::Thresholds;
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pm", None, false, 1).unwrap();
    assert_eq!((view.answer_warn_ms, view.round_warn_ms), (30_000, 300_000), "defaults");

    let err = s.set_thresholds(Thresholds { answer_s: vec![-5, 0], round_s: vec![0] }).unwrap_err();
    assert_eq!(err.to_string(), "a warning at -5 s left in the answer countdown is outside 0 s to 2 hours");
    let err = s.set_thresholds(Thresholds { answer_s: vec![0], round_s: vec![9_000] }).unwrap_err();
    assert!(matches!(err, SessionError::BadSetting(_)), "{err}");

    s.set_thresholds(Thresholds { answer_s: vec![60, 0], round_s: vec![600, 0] }).unwrap();
    let view = s.start("microsoft-pm", None, false, 1).unwrap();
    assert_eq!((view.answer_warn_ms, view.round_warn_ms), (60_000, 600_000));
    // The 60 s mark fires exactly 60 s before the first answer's end.
    let budget = view.answer_timer.budget_ms;
    clock.advance(Duration::from_millis((budget - 60_000) as u64 - 1));
    assert!(s.tick().unwrap().unwrap().events.is_empty());
    clock.advance(Duration::from_millis(1));
    let events = s.tick().unwrap().unwrap().events;
    assert_eq!(
        events,
        vec![mockloop_core::rehearsal::RunEvent::Warning {
            timer: mockloop_core::rehearsal::Timer::Answer,
            seconds_left: 60
        }]
    );
}

#[test]
fn deliveries_are_stored_with_their_take_recomputed_only_when_missing_and_deleted_with_it() {
    use mockloop_core::analysis::{Delivery, Pause, VERSION};
    use mockloop_core::readiness::{self, History};
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    s.start("microsoft-pm", None, false, 1).unwrap();
    let (a, _) = s.begin_take().unwrap();
    let (b, _) = s.begin_take().unwrap();
    assert!(s.analysis_backlog().unwrap().is_empty(), "a take being recorded is not analysed");
    s.close_take(a, Err("microphone gone".into())).unwrap();
    s.close_take(b, Err("microphone gone".into())).unwrap();
    let backlog: Vec<i64> = s.analysis_backlog().unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(backlog, [b, a], "newest first");

    let d = Delivery {
        version: VERSION,
        seconds: 60.0,
        speaking_seconds: 50.0,
        first_speech_seconds: Some(1.5),
        pauses: vec![Pause { start: 10.0, end: 11.2 }],
        long_pauses: 1,
        longest_pause_seconds: 1.2,
        syllables: 200,
        syllables_per_second: 4.0,
        words_per_minute_estimate: 165.5,
        speech_dbfs: Some(-24.0),
        clipped_samples: 0,
        too_quiet: false,
    };
    s.save_delivery(a, Ok(&d)).unwrap();
    s.save_delivery(b, Err("not a WAV file")).unwrap();
    assert!(s.analysis_backlog().unwrap().is_empty(), "an unreadable take is not retried by the same analysis");
    // …until its file changes (repaired, say).
    let b_file = s.take_file(b).unwrap();
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    std::fs::File::create(&b_file).unwrap().set_modified(later).unwrap();
    let backlog: Vec<i64> = s.analysis_backlog().unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(backlog, [b], "a changed file is tried again");
    std::fs::remove_file(&b_file).unwrap();
    assert_eq!(s.store().take(a).unwrap().delivery, Some(d.clone()), "the row carries its measures");
    assert_eq!(s.store().take(b).unwrap().delivery, None);
    assert_eq!(s.store().take(b).unwrap().delivery_error.as_deref(), Some("not a WAV file"));

    let history = History::load(s.store()).unwrap();
    assert_eq!(history.deliveries.len(), 1);
    let today = mockloop_core::clock::Clock::wall(&clock).with_timezone(&chrono::Local).date_naive();
    let report = readiness::build(s.catalog(), &history, today, None, 4);
    let week = report.delivery.last().unwrap();
    assert_eq!((week.takes, week.words_per_minute, week.long_pauses_per_take), (1, Some(165.5), Some(1.0)));
    assert_eq!(week.first_speech_seconds, Some(1.5));
    assert_eq!(report.delivery[0].takes, 0);
    assert!(readiness::to_markdown(&report).contains("| 1 | 166 | – | 1.0 | 1.5 s |"));

    // With a transcript the week counts its fillers and its words.
    let said =
        |t: &str, at: u32| mockloop_core::transcript::Word { text: t.into(), start_ms: at, end_ms: at + 200, p: 0.9 };
    let words = vec![said("Um,", 1500), said("we", 1800), said("shipped", 2000), said("it", 2300)];
    s.save_transcript(a, "tiny.en", Ok((&words, 0.5))).unwrap();
    let report = readiness::build(s.catalog(), &History::load(s.store()).unwrap(), today, None, 4);
    let week = report.delivery.last().unwrap();
    let minutes = d.speaking_seconds / 60.0;
    let found = mockloop_core::transcript::fillers::find(&words, &d.speech());
    assert!(found.iter().any(|f| f.text == "um"), "{found:?}");
    assert_eq!((week.transcribed, week.fillers_per_minute), (1, Some(found.len() as f64 / minutes)));
    assert_eq!(week.words_per_minute_counted, Some(4.0 / minutes));
    assert_eq!(s.take_transcript(a).unwrap().unwrap().words, words);
    // Its speed on this machine: the take's length (a minute; this take
    // was closed by a lost microphone, with none) over the worker's 0.5 s.
    assert!(s.transcript_speeds().unwrap().is_empty(), "a take of no length says nothing of speed");
    rusqlite_check::open(&dir.path().join(DB_FILE))
        .execute("UPDATE takes SET duration_ms = 60000 WHERE id = ?1", [a])
        .unwrap();
    let length = s.store().take(a).unwrap().duration_ms as f64 / 1000.0;
    assert_eq!(length, 60.0);
    let speeds = s.transcript_speeds().unwrap();
    assert_eq!(speeds.len(), 1, "{speeds:?}");
    assert_eq!(speeds[0].0, "tiny.en");
    assert!((speeds[0].1 - length / 0.5).abs() < 1e-9, "{speeds:?} for {length} s");
    // A failed transcript says nothing of speed.
    s.save_transcript(a, "base.en", Err("the engine crashed")).unwrap();
    assert!(s.transcript_speeds().unwrap().is_empty());
    s.save_transcript(a, "tiny.en", Ok((&words, 0.5))).unwrap();

    // A newer analysis recomputes what an older one stored.
    let db = rusqlite_check::open(&dir.path().join(DB_FILE));
    db.execute("UPDATE take_delivery SET version = version - 1 WHERE take_id = ?1", [a]).unwrap();
    let backlog: Vec<i64> = s.analysis_backlog().unwrap().into_iter().map(|(id, _)| id).collect();
    assert_eq!(backlog, [a], "an older analysis's figures are computed again");

    s.delete_take(a).unwrap();
    s.save_delivery(a, Ok(&d)).unwrap(); // analysed while it was deleted: nothing to store
    assert!(History::load(s.store()).unwrap().deliveries.is_empty(), "the measures went with the take");
    let rows: i64 = db.query_row("SELECT count(*) FROM take_delivery WHERE take_id = ?1", [a], |r| r.get(0)).unwrap();
    assert_eq!(rows, 0, "no row outlives its take");
}

#[test]
fn a_version_4_database_with_drafts_ratings_and_takes_upgrades_and_loses_nothing() {
    // A data folder as the last release left it: the first four
    // migrations, a round with a draft, a saved rating and a take.
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite_check::open(&dir.path().join(DB_FILE));
        for migration in &mockloop_core::store::MIGRATIONS[..4] {
            conn.execute_batch(migration).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 4;
             INSERT INTO runs (id, loop_id, loop_title, started_at, updated_at, finished_at, state)
               VALUES (1, 'microsoft-pm', 'Microsoft Product Manager loop', '2026-11-30T10:00:00.000Z',
                       '2026-11-30T10:30:00.000Z', '2026-11-30T10:30:00.000Z', '{}');
             INSERT INTO run_rounds (id, run_id, position, round_id, round_kind, given_ms, used_ms, ended_at)
               VALUES (1, 1, 0, 'screen', 'screen', 1800000, 1700000, '2026-11-30T10:30:00.000Z');
             INSERT INTO ratings (run_round_id, item_id, competency, rating, rated_at)
               VALUES (1, 'screen-to-time', 'communication', 2, '2026-11-30T10:30:00.000Z');
             INSERT INTO drafts (run_round_id, ratings, note, updated_at)
               VALUES (1, '[{\"item_id\": \"screen-headline-first\", \"rating\": 3}]', 'typed before the upgrade',
                       '2026-11-30T10:31:00.000Z');
             INSERT INTO takes (id, run_id, round_position, question_id, path, created_at, duration_ms, status)
               VALUES (1, 1, 0, 'pm-screen-01', 'a_main.wav', '2026-11-30T10:05:00.000Z', 90000, 'complete');",
        )
        .unwrap();
    }
    let mut s = session(dir.path(), &ManualClock::new());
    assert_eq!(s.store().schema_version().unwrap(), current_version());
    let draft = s.draft(Some((1, 0))).unwrap().expect("the draft survived");
    assert_eq!((draft.note.as_str(), draft.ratings.len()), ("typed before the upgrade", 1));
    assert!(draft.not_asked.is_empty(), "an old draft marks nothing not asked");
    let rounds = s.store().round_results(1).unwrap();
    assert_eq!(rounds[0].ratings.len(), 1, "the saved rating is kept");
    assert!(rounds[0].not_asked.is_empty());
    let take = s.store().take(1).unwrap();
    assert_eq!((take.path.as_str(), take.story_id), ("a_main.wav", None));

    // And the new tables work on it.
    let rating = |item: &str, rating: u8| Rating { item_id: item.into(), competency: String::new(), rating };
    s.save_assessment(Some((1, 0)), &[rating("screen-headline-first", 3)], &["screen-why-this-team".into()], "")
        .unwrap();
    assert_eq!(s.store().round_results(1).unwrap()[0].not_asked, ["screen-why-this-team"]);
    let story = s
        .save_story(None, &mockloop_core::stories::StoryInput { title: "A story".into(), ..Default::default() })
        .unwrap();
    assert_eq!(s.link_take(1, Some(story.id)).unwrap().story_id, Some(story.id));
}
