//! Takes on disk and in the database: recovery at start-up, deletion, disk use.

use mockloop_core::audio::writer::TakeWriter;
use mockloop_core::audio::{levels::SharedLevels, peaks};
use mockloop_core::clock::ManualClock;
use mockloop_core::session::{Action, Session};
use mockloop_core::store::TakeStatus;
use mockloop_core::takes;
use std::io::Write;
use std::sync::Arc;

fn session(dir: &std::path::Path) -> Session {
    Session::open(dir, Arc::new(ManualClock::new())).unwrap()
}

/// Writes a take the way the recorder does, then "crashes": the part file
/// is left with samples after its last header update.
fn crashed_take(path: &std::path::Path, seconds: usize) {
    let mut w = TakeWriter::create(path, 16_000, 16_000).unwrap();
    w.push(&vec![0.25; 16_000 * seconds], &SharedLevels::default()).unwrap();
    w.flush().unwrap();
    std::mem::forget(w); // no finish, no drop: as if the process was killed
    let part = format!("{}.part", path.display());
    let mut f = std::fs::OpenOptions::new().append(true).open(part).unwrap();
    f.write_all(&[1u8; 16_000]).unwrap(); // half a second the header never heard of
}

#[test]
fn start_up_recovers_interrupted_takes_and_marks_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = {
        let mut s = session(dir.path());
        s.start("microsoft-pm", None, false, 1).unwrap();
        let (id, path) = s.begin_take().unwrap();
        assert!(path.starts_with(takes::takes_dir(dir.path())));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.contains("_microsoft-pm_screen_") && name.ends_with("_main.wav"), "{name}");
        assert_eq!(s.store().take(id).unwrap().status, TakeStatus::Recording);
        crashed_take(&path, 2);
        path
    };
    let s = session(dir.path());
    assert_eq!(s.recovered().recovered.len(), 1, "{:?}", s.recovered());
    assert!(path.exists() && !std::path::Path::new(&format!("{}.part", path.display())).exists());
    let row = s.store().take_by_name(path.file_name().unwrap().to_str().unwrap()).unwrap().expect("row kept");
    assert_eq!(row.status, TakeStatus::Interrupted);
    assert_eq!(row.duration_ms, 2_500, "everything on disk, past the last header update");
    assert_eq!(row.loop_id.as_deref(), Some("microsoft-pm"));
    assert_eq!(row.round_kind.as_deref(), Some("screen"));
    let reader = hound::WavReader::open(&path).unwrap();
    assert_eq!(reader.duration(), 40_000);
}

#[test]
fn recording_is_refused_while_assessing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.start("microsoft-pm", Some("estimation"), false, 1).unwrap();
    s.act(Action::FinishRound).unwrap();
    assert!(s.begin_take().unwrap_err().to_string().contains("recording is for answers"));
}

#[test]
fn deleting_a_take_removes_file_peaks_and_row_together() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.start("microsoft-pmm", None, false, 2).unwrap();
    let (id, path) = s.begin_take().unwrap();
    let mut w = TakeWriter::create(&path, 16_000, 16_000).unwrap();
    w.push(&vec![0.1; 16_000], &SharedLevels::default()).unwrap();
    w.finish().map_err(|(e, _)| e).unwrap();
    assert!(peaks::peaks_path(&path).exists());
    let used = takes::disk_usage(dir.path());
    assert!(used > 32_000, "{used}");

    s.delete_take(id).unwrap();
    assert!(!path.exists() && !peaks::peaks_path(&path).exists());
    assert!(s.store().take(id).is_err());
    assert_eq!(takes::disk_usage(dir.path()), 0);
}

#[test]
fn a_take_whose_file_cannot_be_removed_keeps_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = session(dir.path());
    s.start("microsoft-pm", None, false, 3).unwrap();
    let (id, path) = s.begin_take().unwrap();
    // A directory where the WAV should be: removing it as a file fails.
    std::fs::create_dir_all(&path).unwrap();
    let err = s.delete_take(id).unwrap_err();
    assert!(err.to_string().contains("could not delete"), "{err}");
    assert!(s.store().take(id).is_ok(), "row kept when the file stays");
}
