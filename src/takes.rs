//! Takes on disk: where they live, what they are called, recovering the
//! ones a crash interrupted, deleting them, and the space they use.

use crate::audio::peaks::peaks_path;
use crate::audio::wavfile::{self, PART_SUFFIX};
use crate::store::{Store, StoreError, TakeResult};
use chrono::{DateTime, Local};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The folder of takes inside the data dir.
pub fn takes_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("takes")
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
}

/// Repairs every interrupted take (`*.wav.part`) in the data dir's takes
/// folder, keeps it under its final name, and marks its row `interrupted`.
pub fn recover_in(data_dir: &Path) -> Result<RecoveryReport, StoreError> {
    let store = Store::open_in(data_dir)?;
    Ok(recover_with(&store, &takes_dir(data_dir)))
}

/// [`recover_in`] with an open store.
pub fn recover_with(store: &Store, dir: &Path) -> RecoveryReport {
    let mut report = RecoveryReport::default();
    let Ok(entries) = std::fs::read_dir(dir) else { return report };
    let mut parts: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(PART_SUFFIX))
        .collect();
    parts.sort();
    for part in parts {
        match wavfile::recover(&part) {
            Ok((path, info)) => {
                // Peaks written during the take may be short; rebuild on next view.
                let _ = std::fs::remove_file(peaks_path(&path));
                let take_id = store.take_by_path(&path).ok().flatten().map(|row| row.id);
                if let Some(id) = take_id {
                    let result = TakeResult {
                        duration_ms: info.duration_ms(),
                        sample_rate: info.sample_rate,
                        bytes: info.bytes,
                        status: "interrupted".into(),
                        error: Some("mockloop stopped while recording; everything written up to then was kept".into()),
                        ..TakeResult::default()
                    };
                    if let Err(e) = store.finish_take(id, &result) {
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
    report
}

/// Deletes a take: its row, its WAV and its peaks, together.
pub fn delete(store: &mut Store, id: i64) -> Result<(), StoreError> {
    store.delete_take(id, |path| {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let _ = std::fs::remove_file(peaks_path(path));
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
