//! The transcription worker: its own process (`mockloop transcribe-worker`),
//! at the lowest CPU priority, one take at a time, so that a crash, an
//! out-of-memory or an illegal instruction in native code costs one
//! transcript and a notice, never the window, a recording or the database.
//!
//! The worker reads the WAV and the model itself and writes JSON lines to
//! its standard output: `{"progress":[done,of]}` per piece, then one
//! `{"done":{…}}` or `{"failed":"…"}`. It touches no database and no
//! data folder. The shell side ([`Job::run`]) starts it, stops it
//! (SIGSTOP) while a take records and lets it go on after (SIGCONT), and
//! turns how it ended into a [`WorkerError`] a person can read.

use super::{engine, models, Word};
use crate::analysis;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The subcommand that runs the worker.
pub const SUBCOMMAND: &str = "transcribe-worker";
/// Environment variable naming the executable to run as the worker (tests
/// point it at a program that crashes on purpose).
pub const WORKER_ENV: &str = "MOCKLOOP_TRANSCRIBE_WORKER";

/// One line of the worker's output.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Line {
    /// Pieces done, of all.
    Progress(usize, usize),
    /// The transcript.
    Done(Done),
    /// Why there is none.
    Failed(String),
    /// The model loaded (a `--check`).
    Loaded(models::Header),
}

/// What a finished transcription holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Done {
    /// The words.
    pub words: Vec<Word>,
    /// Seconds of audio.
    pub audio_seconds: f64,
    /// Seconds the transcription took once the model was loaded.
    pub seconds: f64,
}

/// Lowers this process to the lowest CPU priority there is: `nice` 19
/// and, on Linux, the idle scheduling class (runs only on a CPU nothing
/// else wants).
pub fn lower_priority() {
    #[cfg(unix)]
    // SAFETY: plain system calls on this process, no memory passed but a
    // zeroed struct the kernel reads.
    unsafe {
        if libc::setpriority(libc::PRIO_PROCESS, 0, 19) != 0 {
            log::warn!("the worker's priority could not be lowered: {}", std::io::Error::last_os_error());
        }
        #[cfg(target_os = "linux")]
        {
            let param: libc::sched_param = std::mem::zeroed();
            if libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) != 0 {
                log::warn!("the worker could not take the idle class: {}", std::io::Error::last_os_error());
            }
        }
    }
}

/// The worker's body: transcribes `wav` with `model`, writing [`Line`]s
/// to `out`. An error is written as `failed` and returned (the process
/// then exits non-zero).
pub fn serve(model: &Path, wav: &Path, out: &mut dyn Write) -> Result<(), String> {
    let result = (|| -> Result<Done, String> {
        let engine = load(model)?;
        let started = Instant::now();
        let heard = analysis::hear_file(wav).map_err(|e| format!("{}: {e}", wav.display()))?;
        let mut progress = |done, of| write_line(out, &Line::Progress(done, of));
        let words = engine.transcribe(&heard, &mut progress).map_err(|e| e.to_string())?;
        Ok(Done { words, audio_seconds: heard.delivery.seconds, seconds: started.elapsed().as_secs_f64() })
    })();
    match result {
        Ok(done) => {
            write_line(out, &Line::Done(done));
            Ok(())
        }
        Err(why) => {
            write_line(out, &Line::Failed(why.clone()));
            Err(why)
        }
    }
}

/// The worker's body for `--check`: loads `model` and says so.
pub fn serve_check(model: &Path, out: &mut dyn Write) -> Result<(), String> {
    match load(model) {
        Ok(_) => {
            let header = models::check_header(model).map_err(|e| e.to_string())?;
            write_line(out, &Line::Loaded(header));
            Ok(())
        }
        Err(why) => {
            write_line(out, &Line::Failed(why.clone()));
            Err(why)
        }
    }
}

/// Checks the CPU and the header, then loads the model.
pub fn load(model: &Path) -> Result<engine::Engine, String> {
    if let Some(why) = super::cpu::unsupported() {
        return Err(why);
    }
    models::check_header(model).map_err(|e| e.to_string())?;
    engine::Engine::load(model).map_err(|e| e.to_string())
}

fn write_line(out: &mut dyn Write, line: &Line) {
    // A closed pipe means the shell is gone: nothing left to tell.
    if let Ok(text) = serde_json::to_string(line) {
        let _ = writeln!(out, "{text}").and_then(|()| out.flush());
    }
}

/// Why a take has no transcript.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkerError {
    /// The worker could not be started.
    #[error("the transcription worker could not start ({exe}): {why}")]
    Start {
        /// The executable.
        exe: String,
        /// What failed.
        why: String,
    },
    /// It said why it failed.
    #[error("{0}")]
    Failed(String),
    /// It died without a word.
    #[error("the speech engine crashed ({0}) on this take; the take is kept, and the next ones are transcribed")]
    Crashed(String),
    /// It was stopped (the app closing, or the user).
    #[error("stopped before it finished")]
    Stopped,
}

/// What [`Job::run`] asks of its shell while the worker runs.
pub trait Watch {
    /// Whether the worker must hold still now (a take is recording).
    fn hold(&self) -> bool;
    /// Whether to stop it for good.
    fn stop(&self) -> bool;
    /// Pieces done, of all.
    fn progress(&mut self, done: usize, of: usize);
}

/// One transcription to run in a worker process.
pub struct Job {
    /// The executable to run ([`worker_exe`]).
    pub exe: PathBuf,
    /// The model file.
    pub model: PathBuf,
    /// The take's WAV (`None` for a `--check` of the model).
    pub wav: Option<PathBuf>,
}

/// How often the shell looks at the recording while a worker runs.
const WATCH_EVERY: Duration = Duration::from_millis(100);

impl Job {
    /// Runs the worker to its end.
    pub fn run(&self, watch: &mut dyn Watch) -> Result<Line, WorkerError> {
        let mut command = Command::new(&self.exe);
        command.arg(SUBCOMMAND).arg("--model").arg(&self.model);
        match &self.wav {
            Some(wav) => command.arg(wav),
            None => command.arg("--check"),
        };
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| WorkerError::Start { exe: self.exe.display().to_string(), why: e.to_string() })?;
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        let (lines_tx, lines_rx) = std::sync::mpsc::channel::<Line>();
        let reader = std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match serde_json::from_str::<Line>(&line) {
                    Ok(parsed) => {
                        if lines_tx.send(parsed).is_err() {
                            return;
                        }
                    }
                    Err(_) => log::warn!("transcription worker: {}", crate::logging::clip(&line)),
                }
            }
        });
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut stderr) = stderr {
                let _ = stderr.by_ref().take(64 << 10).read_to_string(&mut text);
            }
            text
        });
        let pid = child.id();
        let mut held = false;
        let mut last: Option<Line> = None;
        let status = loop {
            while let Ok(line) = lines_rx.try_recv() {
                match line {
                    Line::Progress(done, of) => watch.progress(done, of),
                    other => last = Some(other),
                }
            }
            if watch.stop() {
                let _ = child.kill();
                let _ = child.wait();
                return Err(WorkerError::Stopped);
            }
            let hold = watch.hold();
            if hold != held {
                signal(pid, hold);
                held = hold;
            }
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => std::thread::sleep(WATCH_EVERY),
                Err(e) => return Err(WorkerError::Crashed(e.to_string())),
            }
        };
        let _ = reader.join();
        while let Ok(line) = lines_rx.try_recv() {
            match line {
                Line::Progress(done, of) => watch.progress(done, of),
                other => last = Some(other),
            }
        }
        let said = errors.join().unwrap_or_default();
        if !said.trim().is_empty() {
            log::info!("transcription worker said: {}", crate::logging::clip(said.trim()));
        }
        match last {
            Some(Line::Failed(why)) => Err(WorkerError::Failed(why)),
            Some(line) if status.success() => Ok(line),
            _ => Err(WorkerError::Crashed(how_it_ended(&status))),
        }
    }
}

/// Stops (`hold`) or continues the worker.
fn signal(pid: u32, hold: bool) {
    #[cfg(unix)]
    {
        let sig = if hold { libc::SIGSTOP } else { libc::SIGCONT };
        // SAFETY: a signal to our own child, by the pid it was given.
        if unsafe { libc::kill(pid as libc::pid_t, sig) } != 0 {
            log::warn!("the transcription worker could not be {}", if hold { "paused" } else { "resumed" });
        }
    }
    #[cfg(not(unix))]
    let _ = (pid, hold);
}

/// An exit status in words: the signal that ended it, or its code.
fn how_it_ended(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return match sig {
                libc::SIGILL => "an instruction this processor lacks (SIGILL)".into(),
                libc::SIGKILL => "killed, perhaps for lack of memory (SIGKILL)".into(),
                libc::SIGSEGV => "a memory fault (SIGSEGV)".into(),
                libc::SIGABRT => "aborted (SIGABRT)".into(),
                libc::SIGBUS => "a bus error (SIGBUS)".into(),
                other => format!("signal {other}"),
            };
        }
    }
    match status.code() {
        Some(code) => format!("it exited with code {code} without a transcript"),
        None => "it ended without a transcript".into(),
    }
}

/// The executable to run as the worker: `MOCKLOOP_TRANSCRIBE_WORKER` if
/// set, else `mockloop` beside the running executable (the window's
/// sibling, or the command line itself).
pub fn worker_exe() -> PathBuf {
    if let Some(exe) = std::env::var_os(WORKER_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(exe);
    }
    let name = if cfg!(windows) { "mockloop.exe" } else { "mockloop" };
    std::env::current_exe()
        .ok()
        .and_then(|me| me.parent().map(|d| d.join(name)))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// Loads `model` in a worker process: `Ok` only if whisper.cpp took it.
pub fn check(model: &Path) -> Result<(), String> {
    struct Quiet;
    impl Watch for Quiet {
        fn hold(&self) -> bool {
            false
        }
        fn stop(&self) -> bool {
            false
        }
        fn progress(&mut self, _: usize, _: usize) {}
    }
    let job = Job { exe: worker_exe(), model: model.to_path_buf(), wav: None };
    match job.run(&mut Quiet) {
        Ok(Line::Loaded(_)) => Ok(()),
        Ok(_) => Err(format!("{}: the speech engine gave no answer", model.display())),
        Err(WorkerError::Crashed(how)) => {
            Err(format!("{} is not a model whisper.cpp can load: the engine crashed on it ({how})", model.display()))
        }
        Err(e) => Err(e.to_string()),
    }
}
