//! Nothing lost on a bad day: one writer per data folder, a run's steps
//! saved whole or not at all, drafts kept with the run, takes confined to
//! their folder, damaged and locked databases refused untouched. Every test
//! runs on a real SQLite file in a real folder.

use mockloop_core::booth::{Booth, BoothError};
use mockloop_core::clock::ManualClock;
use mockloop_core::error::{ErrorKind, Kind};
use mockloop_core::lock::LockError;
use mockloop_core::rehearsal::Phase;
use mockloop_core::session::{Action, Session, SessionError};
use mockloop_core::store::{Rating, StoreError, TakeStatus, DB_FILE};
use mockloop_core::{lock::DataLock, takes};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn session(dir: &Path, clock: &ManualClock) -> Session {
    Session::open(dir, Arc::new(clock.clone())).expect("open session")
}

fn rating(item: &str, value: u8) -> Rating {
    Rating { item_id: item.into(), competency: String::new(), rating: value }
}

fn count(dir: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_second_session_on_the_same_folder_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let first = session(dir.path(), &clock);
    let err = Session::open(dir.path(), Arc::new(clock.clone())).err().expect("refused");
    assert!(matches!(err, SessionError::Locked(_)), "{err}");
    assert!(err.to_string().contains("in use by the mockloop window"), "{err}");
    let err = takes::recover_in(dir.path()).expect_err("recover refused while the window writes");
    assert!(err.to_string().contains("in use by"), "{err}");
    drop(first);
    session(dir.path(), &clock);
}

#[test]
fn a_step_that_cannot_be_saved_is_not_taken() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pm", None, false, 5).unwrap();
    clock.advance(Duration::from_secs(30));
    // Another program holds the database's write lock.
    let other = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let err = s.act(Action::Next).expect_err("the step cannot be saved");
    assert!(matches!(err, SessionError::Store(StoreError::Locked { .. })), "{err}");
    let still = s.view().unwrap();
    assert_eq!((still.question_id.as_str(), still.probe_number), (view.question_id.as_str(), None), "not moved on");
    other.execute_batch("ROLLBACK").unwrap();
    // Tried again, it is taken once.
    let moved = s.act(Action::Next).unwrap();
    assert_eq!(moved.view.probe_number, Some(1));
    drop(s);
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM answers"), 1, "the answer is stored once");
}

#[test]
fn every_step_is_stored_whole_and_resuming_never_replays_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let run_id = {
        let mut s = session(dir.path(), &clock);
        let view = s.start("microsoft-pmm", Some("behavioural"), false, 9).unwrap();
        for _ in 0..3 {
            clock.advance(Duration::from_secs(20));
            s.act(Action::Next).unwrap();
        }
        view.run_id
        // Dropped without `save_active`: as if the process died right after a step.
    };
    let answers = count(dir.path(), "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, 3);
    let mut s = session(dir.path(), &clock);
    let resumed = s.resume(run_id).unwrap();
    assert!(resumed.paused);
    s.act(Action::Resume).unwrap();
    clock.advance(Duration::from_secs(5));
    s.act(Action::Next).unwrap();
    drop(s);
    assert_eq!(count(dir.path(), "SELECT COUNT(*) FROM answers"), 4, "one new answer, none replayed");
}

#[test]
fn a_finished_run_keeps_its_finishing_time() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pm", Some("estimation"), false, 2).unwrap();
    s.act(Action::FinishRound).unwrap();
    let done = s.act(Action::Next).unwrap();
    assert_eq!(done.view.phase, Phase::Finished);
    let finished = s.store().run_summary(view.run_id).unwrap().finished_at.expect("finished");
    std::thread::sleep(Duration::from_millis(20));
    clock.advance(Duration::from_secs(10));
    s.save_active().unwrap();
    assert_eq!(s.store().run_summary(view.run_id).unwrap().finished_at.unwrap(), finished);
}

#[test]
fn drafts_survive_a_closed_window_and_moving_on_keeps_what_was_rated() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let (run_id, items) = {
        let mut s = session(dir.path(), &clock);
        let view = s.start("microsoft-pm", None, false, 3).unwrap();
        s.save_draft(None, &[], &[], "typed during the answer").unwrap();
        s.act(Action::FinishRound).unwrap();
        let items: Vec<String> = view.checklist.iter().map(|i| i.id.clone()).collect();
        s.save_draft(None, &[rating(&items[0], 3), rating(&items[1], 2)], &[], "typed during the answer, then more")
            .unwrap();
        (view.run_id, items)
        // The window closes (or crashes) before Save.
    };
    let mut s = session(dir.path(), &clock);
    let draft = s.draft(Some((run_id, 0))).unwrap().expect("the draft is kept");
    assert_eq!(draft.note, "typed during the answer, then more");
    assert_eq!(
        draft.ratings.iter().map(|r| (r.item_id.as_str(), r.rating)).collect::<Vec<_>>(),
        [(items[0].as_str(), 3), (items[1].as_str(), 2)]
    );
    assert!(!draft.ratings[0].competency.is_empty(), "checked against the loop");
    // Resumed and moved on with N, never pressing Save: the draft becomes the assessment.
    s.resume(run_id).unwrap();
    s.act(Action::Next).unwrap();
    let saved = s.store().ratings(run_id, 0).unwrap();
    assert_eq!(saved.len(), 2);
    assert_eq!(s.store().round_results(run_id).unwrap()[0].note.as_deref(), Some("typed during the answer, then more"));
    assert!(s.draft(Some((run_id, 0))).unwrap().is_none(), "a saved draft is done with");
}

#[test]
fn hostile_round_positions_and_ratings_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let mut s = session(dir.path(), &clock);
    let view = s.start("microsoft-pm", None, false, 3).unwrap();
    for position in [usize::MAX, usize::MAX / 2, 1 << 40] {
        assert!(s.save_assessment(Some((view.run_id, position)), &[], &[], "").is_err());
        assert!(s.save_draft(Some((view.run_id, position)), &[], &[], "").is_err());
        assert!(
            s.draft(Some((view.run_id, position))).is_err()
                || s.draft(Some((view.run_id, position))).unwrap().is_none()
        );
    }
    for run_id in [i64::MAX, i64::MIN, -1] {
        assert!(s.resume(run_id).is_err());
        assert!(s.save_assessment(Some((run_id, 0)), &[], &[], "").is_err());
    }
    let item = view.checklist[0].id.clone();
    s.act(Action::FinishRound).unwrap();
    for bad in [
        rating(&item, 0),
        rating(&item, 5),
        rating(&item, 255),
        rating("no-such-item", 2),
        rating(&"x".repeat(1 << 20), 2),
    ] {
        assert!(s.save_draft(None, std::slice::from_ref(&bad), &[], "").is_err(), "{:?}", bad.rating);
    }
    assert!(s.save_assessment(None, &[rating(&item, 2), rating(&item, 3)], &[], "").is_err(), "rated twice");
    // The session still works.
    s.save_assessment(None, &[rating(&item, 4)], &[], "fine").unwrap();
}

#[test]
fn take_rows_hold_names_and_a_copied_folder_never_touches_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("original");
    let clock = ManualClock::new();
    let (id, path) = {
        let mut s = session(&original, &clock);
        s.start("microsoft-pm", None, false, 1).unwrap();
        let (id, path) = s.begin_take().unwrap();
        std::fs::write(&path, b"RIFF").unwrap();
        let row = s.store().take(id).unwrap();
        assert_eq!(row.path, path.file_name().unwrap().to_str().unwrap(), "only the file name is stored");
        (id, path)
    };
    let copy = dir.path().join("copy");
    std::fs::create_dir_all(copy.join("takes")).unwrap();
    std::fs::copy(original.join(DB_FILE), copy.join(DB_FILE)).unwrap();
    std::fs::copy(&path, copy.join("takes").join(path.file_name().unwrap())).unwrap();
    let mut s = session(&copy, &clock);
    assert_eq!(s.take_file(id).unwrap(), copy.join("takes").join(path.file_name().unwrap()));
    s.delete_take(id).unwrap();
    assert!(path.exists(), "the original's take is untouched");
    assert!(!copy.join("takes").join(path.file_name().unwrap()).exists());
}

#[test]
fn old_absolute_take_paths_become_names_when_the_database_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = rusqlite::Connection::open(dir.path().join(DB_FILE)).unwrap();
        // A version-2 database as the first release wrote it.
        conn.execute_batch(
            "CREATE TABLE runs (id INTEGER PRIMARY KEY, loop_id TEXT NOT NULL, loop_title TEXT NOT NULL, started_at TEXT NOT NULL,
               updated_at TEXT NOT NULL, finished_at TEXT, state TEXT NOT NULL);
             CREATE TABLE run_rounds (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
               position INTEGER NOT NULL, round_id TEXT NOT NULL, round_kind TEXT NOT NULL, given_ms INTEGER NOT NULL,
               used_ms INTEGER, ended_at TEXT, UNIQUE (run_id, position));
             CREATE TABLE answers (id INTEGER PRIMARY KEY, run_round_id INTEGER NOT NULL, question_id TEXT NOT NULL,
               probe_index INTEGER, given_ms INTEGER NOT NULL, used_ms INTEGER NOT NULL, ended_at TEXT NOT NULL);
             CREATE TABLE takes (id INTEGER PRIMARY KEY, run_id INTEGER, round_position INTEGER, question_id TEXT,
               probe_index INTEGER, path TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, duration_ms INTEGER NOT NULL DEFAULT 0,
               sample_rate INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, dropped_samples INTEGER NOT NULL DEFAULT 0,
               stream_errors INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'recording', error TEXT);
             CREATE TABLE ratings (run_round_id INTEGER NOT NULL, item_id TEXT NOT NULL, competency TEXT NOT NULL,
               rating INTEGER NOT NULL, rated_at TEXT NOT NULL, PRIMARY KEY (run_round_id, item_id));
             CREATE TABLE round_notes (run_round_id INTEGER PRIMARY KEY, note TEXT NOT NULL, updated_at TEXT NOT NULL);
             CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO takes (path, created_at, status) VALUES ('/home/someone/.local/share/mockloop/takes/a_main.wav', 'x', 'complete');
             INSERT INTO takes (path, created_at, status) VALUES ('rel/data/takes/b_main.wav', 'x', 'complete');
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let s = session(dir.path(), &ManualClock::new());
    let names: Vec<String> = s.store().takes().unwrap().into_iter().map(|t| t.path).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"a_main.wav".to_owned()) && names.contains(&"b_main.wav".to_owned()), "{names:?}");
}

#[test]
fn two_takes_in_one_second_get_different_names() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path(), &ManualClock::new());
    s.start("microsoft-pm", None, false, 1).unwrap();
    let (a, path_a) = s.begin_take().unwrap();
    let (b, path_b) = s.begin_take().unwrap();
    assert_ne!(a, b);
    assert_ne!(path_a, path_b);
    assert!(path_b.to_string_lossy().ends_with("_main-2.wav"), "{}", path_b.display());
}

#[test]
fn rows_left_recording_are_settled_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new();
    let (lost, kept) = {
        let mut s = session(dir.path(), &clock);
        s.start("microsoft-pm", None, false, 1).unwrap();
        let (lost, _) = s.begin_take().unwrap(); // nothing ever reached the disk
        let (kept, path) = s.begin_take().unwrap(); // renamed, then the process died
        let mut w = mockloop_core::audio::writer::TakeWriter::create(&path, 16_000, 16_000).unwrap();
        w.push(&vec![0.1; 16_000], &mockloop_core::audio::levels::SharedLevels::default()).unwrap();
        w.finish().map_err(|(e, _)| e).unwrap();
        (lost, kept)
    };
    let s = session(dir.path(), &clock);
    assert_eq!(s.recovered().settled.len(), 2, "{:?}", s.recovered());
    let lost = s.store().take(lost).unwrap();
    assert_eq!((lost.status, lost.duration_ms), (TakeStatus::Interrupted, 0));
    assert!(lost.error.unwrap().contains("before any of this take reached the disk"));
    let kept = s.store().take(kept).unwrap();
    assert_eq!((kept.status, kept.duration_ms), (TakeStatus::Interrupted, 1000));
    assert!(s.store().open_takes().unwrap().is_empty());
}

#[test]
fn a_damaged_database_is_refused_untouched_and_can_be_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(DB_FILE);
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&db, &garbage).unwrap();
    let err = Session::open(dir.path(), Arc::new(ManualClock::new())).err().expect("refused");
    assert!(matches!(err, SessionError::Store(StoreError::Damaged { .. })), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), garbage, "byte for byte");

    // The window's way: the booth keeps the folder's lock while the
    // database is refused, so nobody takes the folder before it is set
    // aside, and reopens it without ever letting go.
    let lock = DataLock::acquire(dir.path(), "the mockloop window").unwrap();
    let booth = Booth::open(Arc::new(ManualClock::new()), lock);
    let why = booth.unopened().expect("refused");
    assert_eq!(why.kind, ErrorKind::DamagedDatabase, "{}", why.message);
    assert!(why.message.contains("Start fresh"), "{}", why.message);
    let other = DataLock::acquire(dir.path(), "mockloop recover");
    assert!(matches!(other, Err(LockError::Held { .. })), "the folder stays held: {other:?}");
    let aside = booth.start_fresh().unwrap();
    assert_eq!(std::fs::read(&aside).unwrap(), garbage, "set aside, not deleted");
    assert!(booth.unopened().is_none());
    let other = DataLock::acquire(dir.path(), "mockloop recover");
    assert!(matches!(other, Err(LockError::Held { .. })), "still held after the fresh start: {other:?}");
    booth.with_session(|s| s.start("microsoft-pm", None, false, 1).map_err(BoothError::from)).unwrap();
    let healthy = booth.start_fresh().unwrap_err();
    assert_eq!(healthy.kind(), ErrorKind::BadInput, "{healthy}");
}

#[test]
fn a_database_another_program_holds_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(session(dir.path(), &ManualClock::new()));
    let db = dir.path().join(DB_FILE);
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = Session::open(dir.path(), Arc::new(ManualClock::new())).err().expect("refused");
    assert!(matches!(err, SessionError::Store(StoreError::Locked { .. })), "{err}");
    assert!(err.to_string().contains("locked by another program"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    other.execute_batch("ROLLBACK").unwrap();
}

#[test]
#[cfg(unix)]
fn the_data_folder_and_what_is_in_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut s = session(&data, &ManualClock::new());
    s.start("microsoft-pm", None, false, 1).unwrap();
    let (_, path) = s.begin_take().unwrap();
    let mut w = mockloop_core::audio::writer::TakeWriter::create(&path, 16_000, 16_000).unwrap();
    w.push(&[0.0; 160], &mockloop_core::audio::levels::SharedLevels::default()).unwrap();
    w.finish().map_err(|(e, _)| e).unwrap();
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&takes::takes_dir(&data)), 0o700);
    assert_eq!(mode(&data.join(DB_FILE)), 0o600);
    assert_eq!(mode(&path), 0o600);
    // A take left readable by an older version is made private at start-up.
    drop(s);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(session(&data, &ManualClock::new()));
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn the_lock_goes_with_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    let lock = DataLock::acquire(dir.path(), "mockloop recover").unwrap();
    let err = Session::open(dir.path(), Arc::new(ManualClock::new())).err().expect("refused");
    assert!(err.to_string().contains("mockloop recover (process "), "{err}");
    drop(lock);
    session(dir.path(), &ManualClock::new());
}
