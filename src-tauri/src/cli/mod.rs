//! The headless subcommands. Each returns a process exit code; errors are one
//! line on stderr, never a panic or a backtrace.

mod analyze;
mod audio;
mod data;
mod loops;
mod readiness;
mod rehearse;
mod stories;
mod transcribe;
mod voice;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use mockloop_core::audio::Quality;
use mockloop_core::paths;
use std::path::{Path, PathBuf};

/// Rehearse a Microsoft PM or PMM interview loop aloud, against the clock.
/// With no subcommand, opens the app's window.
#[derive(Parser)]
#[command(name = "mockloop", version)]
pub struct Cli {
    /// Folder for the database, recordings and your own loops
    /// [default: the platform's app-data folder, e.g. ~/.local/share/mockloop]
    #[arg(long, global = true, env = paths::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Let the audio system print its own diagnostics on stderr (ALSA's
    /// "Cannot get card index …" and the like, kept quiet by default).
    #[arg(long, global = true)]
    pub verbose: bool,

    /// What to do without a window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Recording quality, as the command line spells it.
#[derive(Clone, Copy, ValueEnum)]
pub enum QualityArg {
    /// 16 kHz mono (small files; all a voice needs).
    Speech,
    /// The device's own rate, mono.
    Studio,
}

impl From<QualityArg> for Quality {
    fn from(q: QualityArg) -> Self {
        match q {
            QualityArg::Speech => Quality::Speech,
            QualityArg::Studio => Quality::Studio,
        }
    }
}

/// The interviewer's voice, as `say` and `rehearse` take it.
#[derive(clap::Args)]
pub struct VoiceArgs {
    /// A voice's name from `mockloop voices` (default: the engine's).
    #[arg(long, value_name = "NAME")]
    voice: Option<String>,
    /// Speed, -100 (slowest) to 100 (fastest); 0 is normal.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    rate: i8,
    /// Loudness, -100 to 100; 0 is normal.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    volume: i8,
}

impl From<VoiceArgs> for mockloop_core::voice::VoiceSettings {
    fn from(v: VoiceArgs) -> Self {
        Self { voice: v.voice, rate: v.rate, volume: v.volume }
    }
}

/// Headless subcommands.
#[derive(Subcommand)]
pub enum Command {
    /// List every loop: built-in and your own (<data dir>/loops/*.toml).
    Loops {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check loop files; prints `path:line:column: message` per problem and exits 1 if any.
    Validate {
        /// Loop files (TOML) to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// List microphones and speakers by the names your desktop shows, the
    /// defaults marked. The id is what --device and the app remember.
    Devices {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Also list speaker monitors and every device ALSA offers, its
        /// plugins included (as `alsa:NAME`).
        #[arg(long)]
        all: bool,
    },
    /// Record from a microphone to a WAV file; Ctrl-C stops cleanly. Prints a JSON summary.
    Record {
        /// Stop after this many seconds of captured audio (default: until Ctrl-C).
        #[arg(long, value_name = "N")]
        seconds: Option<f64>,
        /// The WAV file to write (written as FILE.part until finished).
        #[arg(long, value_name = "FILE.wav")]
        out: PathBuf,
        /// Microphone name or id (see `mockloop devices`); default: the system's.
        #[arg(long, value_name = "NAME")]
        device: Option<String>,
        /// speech: 16 kHz mono; studio: the device's rate.
        #[arg(long, value_enum, default_value = "speech")]
        quality: QualityArg,
        /// Ask the device for this sample rate.
        #[arg(long, value_name = "HZ")]
        rate: Option<u32>,
        /// Replace FILE.wav if it exists (by default an existing file is never touched).
        #[arg(long)]
        force: bool,
    },
    /// Play a take through the default (or named) output device.
    Play {
        /// The WAV file.
        file: PathBuf,
        /// Start this many seconds in.
        #[arg(long, value_name = "SECONDS", default_value_t = 0.0)]
        from: f64,
        /// Output device name or id.
        #[arg(long, value_name = "NAME")]
        device: Option<String>,
    },
    /// Readiness per loop and competency, trends, and what to practise next
    /// (Markdown by default). With --run: one run written up for a mentor.
    Report {
        /// Weeks of history in each weekly series.
        #[arg(long, default_value_t = 12, value_name = "N")]
        weeks: usize,
        /// Print JSON.
        #[arg(long, conflicts_with_all = ["md", "html"])]
        json: bool,
        /// Print Markdown (the default).
        #[arg(long)]
        md: bool,
        /// Write up this run (its id from `--json` or the app) instead.
        #[arg(long, value_name = "RUN_ID", conflicts_with = "json")]
        run: Option<i64>,
        /// With --run: a standalone HTML page instead of Markdown.
        #[arg(long, requires = "run")]
        html: bool,
        /// The figures as of this day [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
        /// The interview date [default: the one set in the app].
        #[arg(long, value_name = "YYYY-MM-DD")]
        target: Option<NaiveDate>,
        /// Also print, on stderr, how long reading and computing took.
        #[arg(long)]
        timing: bool,
    },
    /// Your story bank: each story, the competencies it shows, how often it
    /// was told, its story check; then, per loop, the competencies no story
    /// shows yet.
    Stories {
        /// Print JSON: the stories with their checks, and each loop's coverage grid.
        #[arg(long)]
        json: bool,
    },
    /// Fill a data dir with weeks of sample practice, to try the dashboard.
    /// Writes to --data-dir if given, else to a separate demo folder; never
    /// into a folder that has rehearsals unless --into-existing.
    DemoData {
        /// Weeks of history.
        #[arg(long, default_value_t = 8, value_name = "N")]
        weeks: u32,
        /// The same seed (and end day) gives the same history.
        #[arg(long, default_value_t = 1, value_name = "S")]
        seed: u64,
        /// The last day of practice [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        end: Option<NaiveDate>,
        /// Add to a folder that already has rehearsals.
        #[arg(long)]
        into_existing: bool,
    },
    /// Write one archive (.tar) of the data folder: a consistent snapshot of
    /// the database, every finished take and your own loops. Safe while the
    /// app is open; never replaces an existing file.
    Backup {
        /// The archive to write.
        #[arg(value_name = "FILE.tar")]
        file: PathBuf,
    },
    /// Restore an archive written by `backup` into an empty data folder
    /// (--data-dir, or the default one); never merges or overwrites.
    Restore {
        /// The archive to read.
        #[arg(value_name = "FILE.tar")]
        file: PathBuf,
    },
    /// How each WAV file sounded: speaking time, time to first word,
    /// pauses, pace and level, offline. A line of words per file, or JSON;
    /// exits 1 if any file could not be read (the others still print).
    Analyze {
        /// WAV files (any rate, depth and up to 8 channels).
        #[arg(required = true, value_name = "FILE.wav")]
        files: Vec<PathBuf>,
        /// Print a JSON array, one object per file.
        #[arg(long)]
        json: bool,
    },
    /// What was said in each WAV file, on this computer: the text, each
    /// word with its time and probability, the fillers, words a minute;
    /// exits 1 if any file could not be read (the others still print).
    Transcribe {
        /// WAV files (any rate, depth and up to 8 channels).
        #[arg(required = true, value_name = "FILE.wav")]
        files: Vec<PathBuf>,
        /// A model's name (`mockloop models`) or a model file's path
        /// [default: base.en, else the one downloaded].
        #[arg(long, value_name = "NAME|PATH")]
        model: Option<String>,
        /// Print a JSON array, one object per file.
        #[arg(long)]
        json: bool,
    },
    /// The speech models for transcripts: the ones you can download, with
    /// their sizes, and the ones in the data folder.
    Models {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<transcribe::ModelsAction>,
    },
    /// The window's transcription worker (one take, its own process).
    #[command(hide = true)]
    TranscribeWorker {
        /// The model file.
        #[arg(long, value_name = "FILE")]
        model: PathBuf,
        /// The take.
        wav: Option<PathBuf>,
        /// Only load the model and say whether it loads.
        #[arg(long)]
        check: bool,
    },
    /// The voices the speech engine offers (Speech Dispatcher on Linux),
    /// for `say --voice` and the window's interviewer.
    Voices {
        /// Print JSON instead of a line per voice.
        #[arg(long)]
        json: bool,
    },
    /// Say TEXT aloud as the interviewer would, on the default output,
    /// and print how soon the voice began and ended. Exits 1 if no speech
    /// engine answers (and says how to get one).
    Say {
        /// What to say.
        text: String,
        #[command(flatten)]
        voice: VoiceArgs,
        /// Write the speech into this new WAV file instead of saying it
        /// (with espeak-ng, the engine Speech Dispatcher uses on Debian;
        /// --voice is then an espeak-ng voice, `espeak-ng --voices`).
        #[arg(long, value_name = "FILE.wav")]
        out: Option<PathBuf>,
        /// Print the timings (or the file written) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rehearse one round hands-free, in the terminal: the interviewer asks
    /// each question and follow-up aloud, each answer is recorded from when
    /// the voice ends until you fall quiet (or its time is up), and the
    /// round stops at its self-assessment, saved for the window (Home →
    /// Resume). Ctrl-C stops early; what was recorded is kept.
    Rehearse {
        /// The loop's id (`mockloop loops` lists them).
        #[arg(value_name = "LOOP")]
        loop_id: String,
        /// The round's id (default: the loop's first round).
        #[arg(long, value_name = "ID")]
        round: Option<String>,
        /// Seconds of quiet that end an answer.
        #[arg(long, default_value_t = 5, value_name = "SECONDS")]
        quiet: u32,
        /// Seconds you must have spoken before quiet ends an answer.
        #[arg(long, default_value_t = 20, value_name = "SECONDS")]
        after_speech: u32,
        #[command(flatten)]
        voice: VoiceArgs,
        /// Print the questions without saying them.
        #[arg(long)]
        silent: bool,
        /// The microphone (an id or name from `mockloop devices`).
        #[arg(long)]
        device: Option<String>,
        /// How takes are stored.
        #[arg(long, value_enum, default_value = "speech")]
        quality: QualityArg,
        /// One JSON object a line for each thing that happens.
        #[arg(long)]
        json: bool,
    },
    /// Repair takes cut short by a crash or a full disk, so they play.
    /// With no PATH: every interrupted take in the data dir (refused while
    /// the app has that folder open). Only a header and at most one partial
    /// frame are changed; chunks after the audio are kept; an existing
    /// finished file is never replaced.
    Recover {
        /// A take (FILE.wav or FILE.wav.part).
        path: Option<PathBuf>,
    },
}

/// The command line's log file's name in `<data dir>/logs/` (commands
/// that write to a data folder log there).
pub const LOG_NAME: &str = "cli";

/// Prints `value` as pretty JSON on stdout; false (and a message) if it
/// cannot be written.
fn print_json(value: &impl serde::Serialize) -> bool {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            println!("{text}");
            true
        }
        Err(e) => {
            eprintln!("error: cannot write JSON: {e}");
            false
        }
    }
}

/// Runs a subcommand; returns the exit code. The commands that write to
/// the data folder log to it (`logs/cli_rCURRENT.log`) as well as saying
/// what failed on stderr; `rehearse` starts its log once it holds the
/// folder.
pub fn run(command: Command, data_dir: Option<&Path>) -> i32 {
    let writes_to = match &command {
        Command::Recover { path: None } => paths::data_dir(data_dir).ok(),
        Command::DemoData { .. } => data_dir.map_or_else(paths::demo_dir, |d| Ok(d.to_path_buf())).ok(),
        _ => None,
    };
    let _log = writes_to.and_then(|dir| mockloop_core::logging::start(&dir, LOG_NAME));
    match command {
        Command::Loops { json } => loops::loops(data_dir, json),
        Command::Validate { files } => loops::validate(&files),
        Command::Devices { json, all } => audio::devices(json, all),
        Command::Record { seconds, out, device, quality, rate, force } => audio::record(
            audio::RecordArgs { seconds, out: &out, device, quality: quality.into(), rate, force },
            data_dir,
        ),
        Command::Play { file, from, device } => audio::play(&file, from, device.as_deref()),
        Command::Backup { file } => data::backup(data_dir, &file),
        Command::Restore { file } => data::restore(data_dir, &file),
        Command::Analyze { files, json } => analyze::analyze(&files, json),
        Command::Voices { json } => voice::voices(json),
        Command::Transcribe { files, model, json } => transcribe::transcribe(data_dir, &files, model.as_deref(), json),
        Command::Models { json, action } => transcribe::models_command(data_dir, action, json),
        Command::TranscribeWorker { model, wav, check } => transcribe::worker_main(&model, wav.as_deref(), check),
        Command::Say { text, voice: settings, out, json } => voice::say(&text, &settings.into(), out.as_deref(), json),
        Command::Recover { path } => audio::recover(path.as_deref(), data_dir),
        Command::Rehearse { loop_id, round, quiet, after_speech, voice, silent, device, quality, json } => {
            rehearse::rehearse(
                rehearse::RehearseArgs {
                    loop_id,
                    round,
                    voice: (!silent).then(|| voice.into()),
                    rule: mockloop_core::rehearsal::hands_free::SilenceRule {
                        quiet_seconds: quiet,
                        after_speech_seconds: after_speech,
                    },
                    device,
                    quality: quality.into(),
                    json,
                },
                data_dir,
            )
        }
        Command::Report { run: Some(run), html, .. } => readiness::run_report(data_dir, run, html),
        Command::Report { weeks, json, today, target, timing, .. } => {
            readiness::report(data_dir, weeks, json, today, target, timing)
        }
        Command::Stories { json } => stories::stories(data_dir, json),
        Command::DemoData { weeks, seed, end, into_existing } => {
            readiness::demo_data(data_dir, weeks, seed, end, into_existing)
        }
    }
}
