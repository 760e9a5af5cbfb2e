//! `mockloop transcribe`, `mockloop models` and the worker the window runs
//! (`mockloop transcribe-worker`, not for people).

use mockloop_core::analysis;
use mockloop_core::paths;
use mockloop_core::transcript::{self, download, engine::Engine, fillers, models, worker};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// What `models` does.
#[derive(clap::Subcommand)]
pub enum ModelsAction {
    /// Download a model (tiny.en, base.en or small.en) from whisper.cpp's
    /// official host, resuming a download cut short; checked by its SHA-256.
    Get {
        /// The model's name.
        name: String,
        /// Progress as JSON lines on stdout (`{"fetched":{…}}`), then
        /// `{"done":PATH}` or `{"failed":"…"}`: how the window downloads,
        /// so that its own process never opens a connection.
        #[arg(long)]
        progress_json: bool,
    },
    /// Use a model file downloaded elsewhere: checked, loaded once by the
    /// speech engine in its own process, then copied into the data folder.
    Import {
        /// The file (ggml-*.bin).
        file: PathBuf,
    },
    /// Delete a model from the data folder.
    Remove {
        /// The model's name.
        name: String,
    },
}

/// `mockloop models [--json]` and its actions.
pub fn models_command(data_dir: Option<&Path>, action: Option<ModelsAction>, json: bool) -> i32 {
    let dir = match paths::data_dir(data_dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("mockloop models: {e}");
            return 1;
        }
    };
    match action {
        None => list(&dir, json),
        Some(ModelsAction::Get { name, progress_json }) => get(&dir, &name, progress_json),
        Some(ModelsAction::Import { file }) => match download::import(&dir, &file, &worker::check) {
            Ok(name) => {
                println!("imported {} as {name}", file.display());
                0
            }
            Err(e) => {
                eprintln!("mockloop models import: {e}");
                1
            }
        },
        Some(ModelsAction::Remove { name }) => match models::remove(&dir, &name) {
            Ok(bytes) => {
                println!("removed {name} ({} MB freed)", bytes >> 20);
                0
            }
            Err(e) => {
                eprintln!("mockloop models remove: {e}");
                1
            }
        },
    }
}

fn list(dir: &Path, json: bool) -> i32 {
    let lines = models::listed(dir);
    if json {
        return i32::from(!super::print_json(&lines));
    }
    for l in &lines {
        let state = if l.installed { "installed" } else { "not downloaded" };
        println!("{:<10} {:>5} MB  {:<15} {}", l.name, l.bytes >> 20, state, l.about);
    }
    println!("models folder: {}", models::models_dir(dir).display());
    0
}

fn get(dir: &Path, name: &str, progress_json: bool) -> i32 {
    let say = |line: serde_json::Value| {
        if progress_json {
            println!("{line}");
        }
    };
    let Some(known) = models::known(name) else {
        let why = models::ModelError::Unknown(name.into()).to_string();
        say(serde_json::json!({ "failed": why }));
        eprintln!("mockloop models get: {why}");
        return 1;
    };
    let cancel = AtomicBool::new(false);
    // The first progress is told at once.
    let mut last_print = Instant::now().checked_sub(std::time::Duration::from_secs(1)).unwrap_or_else(Instant::now);
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let result = download::get(dir, known, &cancel, &mut |f| {
        if progress_json && last_print.elapsed().as_millis() >= 250 {
            last_print = Instant::now();
            say(serde_json::json!({ "fetched": f }));
        } else if tty && !progress_json && last_print.elapsed().as_millis() >= 200 {
            last_print = Instant::now();
            let left = f.seconds_left().map_or(String::new(), |s| format!(", {} s left", s.round()));
            eprint!("\r{name}: {} of {} MB{left}    ", f.done >> 20, f.total >> 20);
        }
    });
    if tty {
        eprintln!();
    }
    match result {
        Ok(path) => {
            say(serde_json::json!({ "done": path }));
            if !progress_json {
                println!("{name} is ready: {}", path.display());
            }
            0
        }
        Err(e) => {
            say(serde_json::json!({ "failed": e.to_string() }));
            eprintln!("mockloop models get: {e}");
            1
        }
    }
}

/// Which model file `--model` names: a path, an installed model's name,
/// or (none given) base.en, else the one installed model.
fn model_path(dir: Option<&Path>, model: Option<&str>) -> Result<(String, PathBuf), String> {
    if let Some(m) = model {
        let as_path = Path::new(m);
        if as_path.is_file() {
            return Ok((as_path.file_stem().map_or(m.into(), |s| s.to_string_lossy().into_owned()), as_path.into()));
        }
    }
    let dir = paths::data_dir(dir)?;
    let installed = models::installed(&dir);
    let chosen = match model {
        Some(name) => installed.iter().find(|i| i.name == name),
        None => installed.iter().find(|i| i.name == models::DEFAULT).or(installed.first()),
    };
    match (chosen, model) {
        (Some(i), _) => Ok((i.name.clone(), i.path.clone())),
        (None, Some(name)) => {
            Err(format!("no model {name:?} here: `mockloop models get {name}`, or pass a model file's path"))
        }
        (None, None) => Err(format!("no speech model yet: `mockloop models get {}` downloads one", models::DEFAULT)),
    }
}

/// One file's transcript as `transcribe --json` prints it.
#[derive(Serialize)]
struct FileTranscript<'a> {
    path: &'a Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    words: Option<Vec<transcript::Word>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fillers: Option<Vec<fillers::Filler>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fillers_per_minute: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    words_per_minute: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audio_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<f64>,
    model: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `mockloop transcribe FILE.wav... [--model NAME|PATH] [--json]`: the
/// engine in this process, the model loaded once.
pub fn transcribe(data_dir: Option<&Path>, files: &[PathBuf], model: Option<&str>, json: bool) -> i32 {
    let (name, path) = match model_path(data_dir, model) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("mockloop transcribe: {e}");
            return 1;
        }
    };
    // whisper.cpp aborts on some damaged files: loaded first in a worker
    // process, so such a file is refused in words.
    if let Err(e) = worker::check(&path) {
        eprintln!("mockloop transcribe: {e}");
        return 1;
    }
    let engine = match worker::load(&path) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("mockloop transcribe: {e}");
            return 1;
        }
    };
    let mut reports = Vec::new();
    let mut failed = 0;
    for file in files {
        let report = one(&engine, file, &name);
        if let Some(e) = &report.error {
            failed += 1;
            eprintln!("mockloop transcribe: {}: {e}", file.display());
        } else if !json {
            println!("{}:", file.display());
            println!("{}", report.text.as_deref().unwrap_or(""));
            let count = report.fillers.as_ref().map_or(0, Vec::len);
            println!(
                "  {} words a minute · {count} fillers ({:.1} a minute) · {:.1} s of audio in {:.1} s with {name}",
                report.words_per_minute.map_or("no".into(), |w| format!("{w:.0}")),
                report.fillers_per_minute.unwrap_or(0.0),
                report.audio_seconds.unwrap_or(0.0),
                report.seconds.unwrap_or(0.0),
            );
        }
        reports.push(report);
    }
    if json && !super::print_json(&reports) {
        return 1;
    }
    i32::from(failed > 0)
}

fn one<'a>(engine: &Engine, file: &'a Path, model: &'a str) -> FileTranscript<'a> {
    let started = Instant::now();
    let fail = |e: String| FileTranscript {
        path: file,
        text: None,
        words: None,
        fillers: None,
        fillers_per_minute: None,
        words_per_minute: None,
        audio_seconds: None,
        seconds: None,
        model,
        error: Some(e),
    };
    let heard = match analysis::hear_file(file) {
        Ok(h) => h,
        Err(e) => return fail(e.to_string()),
    };
    let words = match engine.transcribe(&heard, &mut |_, _| {}) {
        Ok(w) => w,
        Err(e) => return fail(e.to_string()),
    };
    let found = fillers::find(&words, &heard.speech);
    let speaking = heard.delivery.speaking_seconds;
    FileTranscript {
        path: file,
        text: Some(transcript::text_of(&words)),
        fillers_per_minute: Some(fillers::per_minute(found.len(), speaking)),
        words_per_minute: transcript::words_per_minute(&words, speaking),
        fillers: Some(found),
        words: Some(words),
        audio_seconds: Some(heard.delivery.seconds),
        seconds: Some(started.elapsed().as_secs_f64()),
        model,
        error: None,
    }
}

/// `mockloop transcribe-worker --model FILE (WAV | --check)`: the window's
/// worker process (see `mockloop_core::transcript::worker`).
pub fn worker_main(model: &Path, wav: Option<&Path>, check: bool) -> i32 {
    worker::lower_priority();
    let mut out = std::io::stdout().lock();
    let result = match (wav, check) {
        (_, true) => worker::serve_check(model, &mut out),
        (Some(wav), false) => worker::serve(model, wav, &mut out),
        (None, false) => Err("a WAV file or --check is needed".into()),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("mockloop transcribe-worker: {e}");
            1
        }
    }
}
