//! The booth on a real data folder: the work after each take done exactly
//! once when the worker and a caller that needs it now race for the same
//! takes; a take whose microphone fails leaves no row behind; a take that
//! is not the answer up is never recorded.

#[path = "support/takes.rs"]
mod support;

use mockloop_core::audio::RecordOptions;
use mockloop_core::booth::{Booth, BoothError, Notice};
use mockloop_core::clock::ManualClock;
use mockloop_core::error::{ErrorKind, Kind};
use mockloop_core::lock::DataLock;
use mockloop_core::session::Session;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Records a take of `seconds` of a tone for the answer on screen.
fn record(s: &mut Session, seconds: usize) -> i64 {
    let tone: Vec<f32> = (0..16_000 * seconds).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
    support::record(s, &tone)
}

fn booth(dir: &Path) -> Booth {
    let lock = DataLock::acquire(dir, "a test").unwrap();
    let booth = Booth::open(Arc::new(ManualClock::new()), lock);
    assert!(booth.unopened().is_none());
    booth
}

#[test]
fn each_take_is_analysed_once_when_the_worker_and_a_caller_race_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<i64> = {
        let mut s = Session::open(dir.path(), Arc::new(ManualClock::new())).unwrap();
        s.start("microsoft-pm", None, false, 4).unwrap();
        (0..8).map(|i| record(&mut s, 1 + i % 3)).collect()
    };
    let booth = Arc::new(booth(dir.path()));
    let analysed: Arc<Mutex<HashMap<i64, u32>>> = Arc::default();
    let count = |analysed: &Arc<Mutex<HashMap<i64, u32>>>| {
        let analysed = Arc::clone(analysed);
        move |notice: Notice| {
            if let Notice::Analysed(row) = notice {
                *analysed.lock().unwrap().entry(row.id).or_default() += 1;
            }
        }
    };
    let worker = {
        let booth = Arc::clone(&booth);
        let mut tell = count(&analysed);
        std::thread::spawn(move || booth.work_after_takes(Duration::ZERO, &mut tell))
    };
    // A caller needing the newest takes now, while the worker works
    // through the backlog from the newest too.
    let mut tell = count(&analysed);
    let newest: Vec<i64> = ids.iter().rev().copied().collect();
    booth.settle(&newest, &mut tell);
    booth
        .with_session(|s| {
            for id in &ids {
                assert!(s.store().take(*id)?.delivery.is_some(), "take {id} is analysed once settled");
            }
            Ok::<_, BoothError>(())
        })
        .unwrap();
    booth.close().unwrap();
    worker.join().unwrap();
    let analysed = analysed.lock().unwrap();
    for id in &ids {
        assert_eq!(analysed.get(id), Some(&1), "take {id} analysed exactly once: {analysed:?}");
    }
    let progress = booth.progress();
    assert_eq!((progress.done, progress.queued), (8, 8), "{progress:?}");
}

#[test]
fn a_take_whose_microphone_fails_leaves_no_row_and_the_booth_idle() {
    let dir = tempfile::tempdir().unwrap();
    let booth = booth(dir.path());
    booth.with_session(|s| s.start("microsoft-pm", None, false, 1).map(drop).map_err(BoothError::from)).unwrap();
    let options = RecordOptions { device: Some("no microphone is called this".into()), ..RecordOptions::default() };
    let err = booth.start_take(&options, None).unwrap_err();
    assert!(matches!(err, BoothError::Record(_)), "{err}");
    assert_eq!(err.kind(), ErrorKind::Device);
    assert!(err.to_string().contains("The rehearsal goes on without recording"), "{err}");
    assert!(!booth.is_recording() && booth.heard().is_none());
    let rows = booth.with_session(|s| Ok::<_, BoothError>(s.store().takes()?)).unwrap();
    assert!(rows.is_empty(), "the row filed for it is gone: {rows:?}");
    assert!(booth.stop_take().unwrap().is_none(), "nothing to stop");
}

#[test]
fn hands_free_never_records_an_answer_that_is_not_up() {
    let dir = tempfile::tempdir().unwrap();
    let booth = booth(dir.path());
    let view = booth.with_session(|s| s.start("microsoft-pm", None, false, 1).map_err(BoothError::from)).unwrap();
    let up = view.answering().unwrap().key;
    let next_probe = (up.0, up.1, up.2, Some(0));
    let err = booth.start_take(&RecordOptions::default(), Some(next_probe)).unwrap_err();
    assert!(matches!(err, BoothError::MovedOn), "{err}");
    let rows = booth.with_session(|s| Ok::<_, BoothError>(s.store().takes()?)).unwrap();
    assert!(rows.is_empty(), "nothing was filed for it");
    assert!(!booth.is_recording());
}
