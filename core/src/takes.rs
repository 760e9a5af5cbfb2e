//! Takes on disk: where they live, what they are called, recovering the
//! ones a crash interrupted, deleting them, and the space they use.
//!
//! Every take lives in `<data dir>/takes/`, and its row holds only its file
//! name: [`take_path`] is the one way from a row to a file, and it never
//! leaves the takes folder, so a copied data folder (or a doctored row)
//! cannot reach anything else.

use crate::audio::peaks::peaks_path;
use crate::audio::wavfile::{self, PART_SUFFIX};
use crate::fsutil;
use crate::store::{Store, StoreError, TakeResult, TakeStatus};
use chrono::{DateTime, Local};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The folder of takes inside the data dir.
pub fn takes_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("takes")
}

/// The file of a take, from the name its row holds: always inside the
/// takes folder. A name that is not a plain file name (a path, `..`) is
/// refused.
pub fn take_path(data_dir: &Path, name: &str) -> Result<PathBuf, StoreError> {
    let plain = Path::new(name).components().count() == 1
        && matches!(Path::new(name).components().next(), Some(std::path::Component::Normal(_)));
    if !plain || name.contains(['/', '\\']) {
        return Err(StoreError::File(format!("\"{name}\" is not the name of a take in the takes folder")));
    }
    Ok(takes_dir(data_dir).join(name))
}

/// Keeps letters, digits and '-' so a name is safe on every file system.
fn slug(s: &str) -> String {
    let cleaned: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect();
    cleaned.trim_matches('-').chars().take(48).collect()
}

/// A readable file name: `2026-11-22_19-35-12_microsoft-pm_screen_pm-screen-03_main.wav`
/// (or `..._probe-1.wav` for a follow-up).
pub fn take_file_name(
    at: DateTime<Local>,
    loop_id: &str,
    round_id: &str,
    question_id: &str,
    probe: Option<usize>,
) -> String {
    let part = probe.map_or_else(|| "main".to_owned(), |p| format!("probe-{}", p + 1));
    format!("{}_{}_{}_{}_{part}.wav", at.format("%Y-%m-%d_%H-%M-%S"), slug(loop_id), slug(round_id), slug(question_id))
}

/// A take recovered after an interruption.
#[derive(Debug, Clone, Serialize)]
pub struct Recovered {
    /// The playable file.
    pub path: PathBuf,
    /// Frames it holds.
    pub frames: u64,
    /// Seconds it holds.
    pub seconds: f64,
    /// The database row marked `interrupted`, if the take had one.
    pub take_id: Option<i64>,
}

/// What a recovery pass did.
#[derive(Debug, Default, Serialize)]
pub struct RecoveryReport {
    /// Takes repaired and kept.
    pub recovered: Vec<Recovered>,
    /// Takes that could not be repaired, with why (the files are left as they are).
    pub failed: Vec<String>,
    /// Rows left at `recording` with no part file, now settled with what
    /// their file holds (or nothing).
    pub settled: Vec<i64>,
}

/// Repairs every interrupted take (`*.wav.part`) in the data dir's takes
/// folder, keeps it under its final name, and marks its row `interrupted`.
/// Takes the data folder's lock first: a folder another process is
/// writing to (the window, recording) is refused, not raced.
pub fn recover_in(data_dir: &Path) -> Result<RecoveryReport, RecoverError> {
    let lock = crate::lock::DataLock::acquire(data_dir, "mockloop recover")?;
    let mut store = Store::open_in(&lock)?;
    Ok(recover_with(&mut store, data_dir))
}

/// Why a recovery pass did not run.
#[derive(Debug, thiserror::Error)]
pub enum RecoverError {
    /// Another process writes to the folder.
    #[error(transparent)]
    Locked(#[from] crate::lock::LockError),
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// [`recover_in`] with an open store, whose data folder the caller holds
/// locked: no take in it is being written. Repairs the part files, then
/// settles every row still saying `recording` with what its file holds,
/// and makes every take private to the user.
pub fn recover_with(store: &mut Store, data_dir: &Path) -> RecoveryReport {
    let dir = takes_dir(data_dir);
    let mut report = RecoveryReport::default();
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    for file in &files {
        let _ = fsutil::make_private(file);
    }
    let mut parts: Vec<&PathBuf> = files.iter().filter(|p| p.to_string_lossy().ends_with(PART_SUFFIX)).collect();
    parts.sort();
    for part in parts {
        match wavfile::recover(part) {
            Ok((path, info)) => {
                // Peaks written during the take may be short; rebuild on next view.
                let _ = std::fs::remove_file(peaks_path(&path));
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let take_id = store.take_by_name(&name).ok().flatten().map(|row| row.id);
                if let Some(id) = take_id {
                    if let Err(e) = store.finish_take(id, &interrupted(&info, INTERRUPTED)) {
                        report
                            .failed
                            .push(format!("{}: recovered, but the database was not updated: {e}", path.display()));
                    }
                }
                report.recovered.push(Recovered {
                    seconds: info.duration_ms() as f64 / 1000.0,
                    frames: info.frames,
                    path,
                    take_id,
                });
            }
            Err(e) => report.failed.push(format!("{}: {e}", part.display())),
        }
    }
    // Rows a crash or a failed end left at `recording` whose part file is
    // gone (renamed before the row was updated, or never written): settle
    // them with what is on disk, so none says "recording" forever.
    for row in store.open_takes().unwrap_or_default() {
        let Ok(path) = take_path(data_dir, &row.path) else { continue };
        let (part, _) = wavfile::part_and_final(&path);
        if part.exists() {
            continue; // could not be repaired: reported above, left as it is
        }
        let result = match wavfile::inspect(&path) {
            Ok(info) => interrupted(&info, INTERRUPTED),
            Err(_) => TakeResult {
                status: TakeStatus::Interrupted,
                error: Some("mockloop stopped before any of this take reached the disk".into()),
                ..TakeResult::default()
            },
        };
        if let Err(e) = store.finish_take(row.id, &result) {
            report.failed.push(format!("take {}: the database was not updated: {e}", row.id));
        } else {
            report.settled.push(row.id);
        }
    }
    report
}

const INTERRUPTED: &str = "mockloop stopped while recording; everything written up to then was kept";

fn interrupted(info: &wavfile::WavInfo, why: &str) -> TakeResult {
    TakeResult {
        duration_ms: info.duration_ms(),
        sample_rate: info.sample_rate,
        bytes: info.bytes,
        status: TakeStatus::Interrupted,
        error: Some(why.into()),
        ..TakeResult::default()
    }
}

/// Deletes a take: its row, its WAV and its peaks, together; only ever
/// files inside the takes folder.
pub fn delete(store: &mut Store, data_dir: &Path, id: i64) -> Result<(), StoreError> {
    store.delete_take(id, |name| {
        let path = take_path(data_dir, name).map_err(|e| std::io::Error::other(e.to_string()))?;
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let _ = std::fs::remove_file(peaks_path(&path));
        Ok(())
    })
}

/// Bytes used by the takes folder (recordings and their peaks).
pub fn disk_usage(data_dir: &Path) -> u64 {
    std::fs::read_dir(takes_dir(data_dir))
        .map(|entries| entries.filter_map(|e| e.ok()?.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn take_paths_never_leave_the_takes_folder() {
        let data = Path::new("/data");
        assert_eq!(take_path(data, "a.wav").unwrap(), Path::new("/data/takes/a.wav"));
        for bad in ["../mockloop.sqlite3", "/etc/passwd", "sub/a.wav", "..", ".", "", "a\\b.wav"] {
            assert!(take_path(data, bad).is_err(), "{bad:?} refused");
        }
    }

    #[test]
    fn names_are_readable_and_safe() {
        let at = Local.with_ymd_and_hms(2026, 11, 22, 19, 35, 12).unwrap();
        assert_eq!(
            take_file_name(at, "microsoft-pm", "screen", "pm-screen-03", None),
            "2026-11-22_19-35-12_microsoft-pm_screen_pm-screen-03_main.wav"
        );
        assert_eq!(
            take_file_name(at, "My Loop/../x", "r", "q", Some(0)),
            "2026-11-22_19-35-12_my-loop----x_r_q_probe-1.wav"
        );
    }
}
