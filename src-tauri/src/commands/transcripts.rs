//! Transcripts: Settings → Transcripts (on or off, the model, its
//! download or import, removal), a take's words and the library's search.
//! The work itself is the booth's (`mockloop_core::booth::words`), in a
//! worker process; downloads run on a thread of their own and report as
//! events.

use crate::error::{CommandError, CommandResult};
use crate::events::{self, ModelDownload};
use crate::state::{blocking, booth, check_len, session_blocking};
use mockloop_core::booth::{words, BoothError, Progress};
use mockloop_core::error::ErrorKind;
use mockloop_core::logging::LogErr;
use mockloop_core::store::SearchHit;
use mockloop_core::transcript::{cpu, download, models, worker, Transcript};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Manager};

/// The download under way, if any (one at a time).
#[derive(Default)]
pub struct Downloads(Mutex<Option<(String, Arc<AtomicBool>)>>);

/// Settings → Transcripts.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TranscriptSettings {
    /// The model transcripts are made with (`None`: off).
    pub model: Option<String>,
    /// The models to choose from.
    pub choices: Vec<models::ModelChoice>,
    /// The model downloading now.
    pub downloading: Option<String>,
    /// How far the transcripts are in this session.
    pub progress: Progress,
    /// Why this computer cannot make transcripts, if it cannot.
    pub unsupported: Option<String>,
    /// Where models are kept.
    pub folder: String,
    /// The model the app suggests.
    pub default_model: String,
    /// How fast each model used so far has been on this machine.
    pub speeds: Vec<ModelSpeed>,
}

/// A model's speed as measured on this machine.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ModelSpeed {
    /// The model.
    pub name: String,
    /// Seconds of take transcribed a second (10: a 3-minute answer in 18 s).
    pub times_real_time: f64,
}

fn settings(app: &AppHandle) -> TranscriptSettings {
    let booth = booth(app);
    let dir = booth.data_dir().to_path_buf();
    let choices = models::listed(&dir);
    let downloading = relock_downloads(app).as_ref().map(|(n, _)| n.clone());
    TranscriptSettings {
        model: booth.transcript_model().map(|m| m.name),
        choices,
        downloading,
        progress: booth.transcript_progress(),
        unsupported: cpu::unsupported(),
        folder: models::models_dir(&dir).display().to_string(),
        default_model: models::DEFAULT.into(),
        speeds: booth
            .with_session(|s| s.transcript_speeds().map_err(BoothError::from))
            .log_warn()
            .unwrap_or_default()
            .into_iter()
            .map(|(name, times_real_time)| ModelSpeed { name, times_real_time })
            .collect(),
    }
}

fn relock_downloads(app: &AppHandle) -> std::sync::MutexGuard<'_, Option<(String, Arc<AtomicBool>)>> {
    mockloop_core::booth::relock(&app.state::<Downloads>().inner().0)
}

#[tauri::command]
#[specta::specta]
pub async fn transcript_settings(app: AppHandle) -> CommandResult<TranscriptSettings> {
    blocking(app, |app| Ok(settings(app))).await
}

/// Turns transcripts on with an installed model (checked first: a model
/// that is not whole is refused in words) or off with `None`; with
/// `again`, every take not made by that model is transcribed anew (the
/// old transcript kept until the new one is whole).
#[tauri::command]
#[specta::specta]
pub async fn set_transcripts(app: AppHandle, model: Option<String>, again: bool) -> CommandResult<TranscriptSettings> {
    if let Some(m) = &model {
        check_len("model", m)?;
    }
    blocking(app, move |app| {
        let booth = booth(app);
        let ready = match &model {
            Some(name) => Some(words::ready_model(booth.data_dir(), name).map_err(CommandError::bad_input)?),
            None => None,
        };
        booth.with_session(|s| Ok::<_, CommandError>(s.set_transcript_model(model.as_deref())?))?;
        booth.set_transcripts(ready, again);
        Ok(settings(app))
    })
    .await
}

/// Starts downloading a catalogue model (resuming one cut short); its
/// progress and end come as `model-download` events. The download runs in
/// `mockloop models get --progress-json`, a process of its own: the
/// window's never opens a connection (nor links a TLS stack). Refused
/// while another downloads.
#[tauri::command]
#[specta::specta]
pub async fn model_download(app: AppHandle, name: String) -> CommandResult<()> {
    check_len("name", &name)?;
    let Some(known) = models::known(&name) else {
        return Err(CommandError::bad_input(models::ModelError::Unknown(name).to_string()));
    };
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut current = relock_downloads(&app);
        if let Some((other, _)) = current.as_ref() {
            return Err(CommandError::bad_input(format!("{other} is downloading: wait for it or cancel it first")));
        }
        *current = Some((name.clone(), Arc::clone(&cancel)));
    }
    let dir = booth(&app).data_dir().to_path_buf();
    let child = std::process::Command::new(worker::worker_exe())
        .arg("--data-dir")
        .arg(&dir)
        .args(["models", "get", known.name, "--progress-json"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            *relock_downloads(&app) = None;
            return Err(CommandError::internal(format!("the download could not start: {e}")));
        }
    };
    let handle = app.clone();
    let spawned = std::thread::Builder::new().name("model-download".into()).spawn(move || {
        let size = known.bytes;
        let send = |fetched, done, error| {
            events::send(&handle, ModelDownload { name: known.name.into(), fetched, done, error });
        };
        let mut error = Some("the download stopped without a word".to_owned());
        let stdout = child.stdout.take();
        let finished = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (cancel, finished) = (Arc::clone(&cancel), Arc::clone(&finished));
            let pid = child.id();
            std::thread::spawn(move || {
                while !finished.load(Ordering::Relaxed) {
                    if cancel.load(Ordering::Relaxed) {
                        // The part downloaded stays for next time.
                        #[cfg(unix)]
                        // SAFETY: a signal to our own child, not yet waited for.
                        unsafe {
                            libc::kill(pid as libc::pid_t, libc::SIGTERM);
                        }
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            })
        };
        let lines = stdout.map(|out| std::io::BufRead::lines(std::io::BufReader::new(out)));
        for line in lines.into_iter().flatten().map_while(Result::ok) {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
            if let Some(f) = v.get("fetched").and_then(|f| serde_json::from_value::<download::Fetched>(f.clone()).ok())
            {
                send(f, false, None);
            } else if v.get("done").is_some() {
                error = None;
            } else if let Some(why) = v.get("failed").and_then(|w| w.as_str()) {
                error = Some(why.to_owned());
            }
        }
        if cancel.load(Ordering::Relaxed) {
            error = Some("cancelled (what arrived is kept; downloading again resumes)".into());
        }
        finished.store(true, Ordering::Relaxed);
        let _ = watcher.join();
        let _ = child.wait();
        *relock_downloads(&handle) = None;
        if let Some(e) = &error {
            log::warn!("model download of {}: {e}", known.name);
        }
        let done = if error.is_none() {
            size
        } else {
            std::fs::metadata(download::part_file(&dir, known.name)).map_or(0, |m| m.len())
        };
        send(download::Fetched { done, total: size, bytes_per_second: 0.0 }, true, error);
    });
    if let Err(e) = spawned {
        *relock_downloads(&app) = None;
        return Err(CommandError::internal(format!("the download could not start: {e}")));
    }
    Ok(())
}

/// Cancels the download under way (what was downloaded is kept).
#[tauri::command]
#[specta::specta]
pub async fn model_download_cancel(app: AppHandle) -> CommandResult<()> {
    if let Some((_, cancel)) = relock_downloads(&app).as_ref() {
        cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}

/// Uses a model file the user downloaded elsewhere: checked, loaded once
/// by the speech engine in its own process, copied into the models
/// folder; its name there.
#[tauri::command]
#[specta::specta]
pub async fn model_import(app: AppHandle, path: String) -> CommandResult<String> {
    check_len("path", &path)?;
    blocking(app, move |app| {
        let from = std::path::PathBuf::from(path.trim());
        download::import(booth(app).data_dir(), &from, &worker::check).map_err(CommandError::bad_input)
    })
    .await
}

/// Deletes a model; transcripts are turned off if it was theirs. The
/// transcripts it made are kept.
#[tauri::command]
#[specta::specta]
pub async fn model_remove(app: AppHandle, name: String) -> CommandResult<TranscriptSettings> {
    check_len("name", &name)?;
    blocking(app, move |app| {
        let booth = booth(app);
        if booth.transcript_model().is_some_and(|m| m.name == name) {
            booth.with_session(|s| Ok::<_, CommandError>(s.set_transcript_model(None)?))?;
            booth.set_transcripts(None, false);
        }
        models::remove(booth.data_dir(), &name).map_err(|e| CommandError::new(ErrorKind::Storage, e.to_string()))?;
        Ok(settings(app))
    })
    .await
}

/// A take's transcript with its fillers, if it has one.
#[tauri::command]
#[specta::specta]
pub async fn take_transcript(app: AppHandle, take_id: i64) -> CommandResult<Option<Transcript>> {
    session_blocking(app, move |s| Ok(s.take_transcript(take_id)?)).await
}

/// Takes whose words hold the query (every word, the last as a prefix).
#[tauri::command]
#[specta::specta]
pub async fn search_transcripts(app: AppHandle, query: String) -> CommandResult<Vec<SearchHit>> {
    check_len("query", &query)?;
    session_blocking(app, move |s| Ok(s.store().search_transcripts(&query)?)).await
}
