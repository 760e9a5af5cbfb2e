//! `mockloop devices`, `record`, `play` and `recover`.

use super::print_json;
use mockloop_core::audio::{devices, record_file, wavfile, Outcome, Player, Quality, RecordOptions};
use mockloop_core::paths;
use mockloop_core::takes;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Lists audio devices (with `all`, ALSA's plugins and monitors too).
pub fn devices(json: bool, all: bool) -> i32 {
    let list = match devices::list(all) {
        Ok(list) => list,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if json {
        return if print_json(&list) { 0 } else { 1 };
    }
    if list.is_empty() {
        println!(
            "no microphones or speakers found: no sound server (PulseAudio or PipeWire) answers and ALSA sees no sound card{}",
            if all { "" } else { " (mockloop devices --all lists ALSA's plugins)" }
        );
    }
    for d in &list {
        let roles = [(d.input, "input"), (d.output, "output")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, r)| *r)
            .collect::<Vec<_>>()
            .join("+");
        let default = match (d.default_input, d.default_output) {
            (true, true) => " [default input and output]",
            (true, false) => " [default input]",
            (false, true) => " [default output]",
            _ => "",
        };
        let config = d.default_input_config.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
        println!("{} [{roles}] id={}{config}{default}", d.name, d.id);
    }
    0
}

/// What `mockloop record` was asked.
pub struct RecordArgs<'a> {
    /// Stop after this much audio.
    pub seconds: Option<f64>,
    /// The file to write.
    pub out: &'a Path,
    /// The microphone.
    pub device: Option<String>,
    /// Speech or studio.
    pub quality: Quality,
    /// Ask the device for this rate.
    pub rate: Option<u32>,
    /// Replace `out` if it exists.
    pub force: bool,
}

/// Whether `out` would land in the data folder's takes folder (which the
/// app owns): then the folder's lock is needed.
fn in_takes_folder(out: &Path, data_dir: Option<&Path>) -> Option<std::path::PathBuf> {
    let dir = paths::data_dir(data_dir).ok()?;
    let takes = std::fs::canonicalize(takes::takes_dir(&dir)).ok()?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    (std::fs::canonicalize(parent).ok()? == takes).then_some(dir)
}

/// Records to a file until `seconds` of audio or Ctrl-C. Never touches a
/// file it did not create: an existing `--out` is refused unless `--force`.
pub fn record(args: RecordArgs<'_>, data_dir: Option<&Path>) -> i32 {
    let RecordArgs { seconds, out, device, quality, rate, force } = args;
    if let Some(s) = seconds.filter(|s| !(s.is_finite() && *s > 0.0)) {
        eprintln!("error: --seconds must be a positive number, not {s}");
        return 2;
    }
    if out.exists() && !force {
        eprintln!("error: {} already exists; it was left untouched (pass --force to replace it)", out.display());
        return 2;
    }
    // Recording into the app's takes folder: only while no one else writes there.
    let _lock = match in_takes_folder(out, data_dir) {
        Some(dir) => match mockloop_core::lock::DataLock::acquire(&dir, "mockloop record") {
            Ok(lock) => Some(lock),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        },
        None => None,
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(&interrupted)) {
            eprintln!("error: cannot handle Ctrl-C: {e}");
            return 1;
        }
    }
    let options = RecordOptions { device, quality, rate, seconds, replace_existing: force, ..RecordOptions::default() };
    // Tests and scripts wait for the line `started` prints: the first
    // samples have arrived.
    let summary = record_file(out, &options, &interrupted, || {
        eprintln!("recording to {} (Ctrl-C to stop)", out.display());
    });
    match summary {
        Ok(summary) => {
            let ok = print_json(&summary);
            match (&summary.outcome, &summary.error) {
                (Outcome::Complete, _) if ok => 0,
                (Outcome::SizeLimit, Some(why)) if ok => {
                    eprintln!("note: {why}");
                    0
                }
                (_, Some(why)) => {
                    eprintln!(
                        "error: {why}; the {:.1} s recorded before that are kept in {}",
                        summary.seconds,
                        summary.path.display()
                    );
                    1
                }
                _ => 1,
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// Plays a file to the end.
pub fn play(file: &Path, from: f64, device: Option<&str>) -> i32 {
    match Player::open(file, device) {
        Ok(player) => {
            if from > 0.0 {
                player.seek(from);
            }
            let duration = player.duration();
            let played = player.play_to_end();
            print_json(&serde_json::json!({ "path": file, "seconds": duration, "played_seconds": played }));
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// Repairs one take, or every interrupted take of the data dir.
pub fn recover(path: Option<&Path>, data_dir: Option<&Path>) -> i32 {
    if let Some(path) = path {
        return match wavfile::recover(path) {
            Ok((path, info)) => {
                print_json(
                    &serde_json::json!({ "path": path, "frames": info.frames, "seconds": info.duration_ms() as f64 / 1000.0, "rate": info.sample_rate }),
                );
                0
            }
            Err(e) => {
                eprintln!("error: cannot recover {}: {e}", path.display());
                1
            }
        };
    }
    let dir = match paths::data_dir(data_dir) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match takes::recover_in(&dir) {
        Ok(report) => {
            for problem in &report.failed {
                eprintln!("warning: {problem}");
            }
            print_json(&report.recovered);
            i32::from(!report.failed.is_empty())
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
