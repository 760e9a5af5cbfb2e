//! Transcripts as a user meets them, with the real engine and model
//! (scripts/test-model.sh): `mockloop transcribe` and `mockloop models`
//! from the command line; a model download against a real HTTP server on
//! 127.0.0.1 (a connection dropped halfway resumes with a Range request, a
//! wrong file is refused by its checksum and never used, too little disk
//! space, no network); model files that are truncated, random or of
//! another format refused in words; and the booth's transcript step in its
//! worker process, which dies of SIGKILL or SIGILL mid-take without costing
//! the take, after which the next take is transcribed.

mod support;
#[path = "../../tests/support/takes.rs"]
mod takes;

use mockloop_core::booth::{words, Booth, BoothError, Notice};
use mockloop_core::clock::ManualClock;
use mockloop_core::lock::DataLock;
use mockloop_core::session::Session;
use mockloop_core::transcript::download::{self, DownloadError};
use mockloop_core::transcript::models::{self, Known};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::BIN;

fn model() -> PathBuf {
    let path = std::env::var_os("MOCKLOOP_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-models/ggml-tiny.en.bin"));
    assert!(path.is_file(), "{} is missing: run scripts/test-model.sh (make test does)", path.display());
    path
}

fn mockloop(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("MOCKLOOP_DATA_DIR", data)
        .env_remove("DISPLAY")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .expect("run mockloop")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `words` read by espeak-ng at 16 kHz, with a second of silence first.
fn speech(dir: &Path, name: &str, words: &str) -> PathBuf {
    support::require("espeak-ng");
    support::require("sox");
    let raw = dir.join(format!("{name}.raw.wav"));
    let out = Command::new("espeak-ng").args(["-s", "150", "-w", raw.to_str().unwrap(), words]).output().unwrap();
    assert!(out.status.success());
    let wav = dir.join(format!("{name}.wav"));
    let out = Command::new("sox")
        .args([raw.to_str().unwrap(), "-r", "16000", wav.to_str().unwrap(), "pad", "1", "0.5"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    wav
}

#[test]
fn transcribe_prints_words_times_fillers_and_refuses_bad_files_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let good = speech(dir.path(), "a", "Um, we looked at the numbers, and retention was flat.");
    let broken = dir.path().join("broken.wav");
    std::fs::write(&broken, b"RIFF\x10\x00\x00\x00WAVEnot really").unwrap();
    let out = mockloop(
        dir.path(),
        &[
            "transcribe",
            "--json",
            "--model",
            model().to_str().unwrap(),
            broken.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "a bad file fails the run: {}", text(&out.stderr));
    assert!(text(&out.stderr).contains("broken.wav"), "{}", text(&out.stderr));
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = files.as_array().unwrap();
    assert!(files[0]["error"].as_str().is_some_and(|e| !e.is_empty()));
    let t = &files[1];
    let said = t["text"].as_str().unwrap().to_lowercase();
    assert!(said.contains("numbers") && said.contains("retention"), "{said}");
    let words = t["words"].as_array().unwrap();
    assert!(words.len() >= 8, "{words:?}");
    for w in words {
        assert!(w["start_ms"].as_u64().unwrap() <= w["end_ms"].as_u64().unwrap());
        assert!((0.0..=1.0).contains(&w["p"].as_f64().unwrap()));
    }
    let fillers = t["fillers"].as_array().unwrap();
    assert!(fillers.iter().any(|f| f["kind"] == "filled" && f["text"] == "um"), "{fillers:?}");
    assert!(t["words_per_minute"].as_f64().unwrap() > 60.0);
    assert!(t["seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(t["model"], "ggml-tiny.en");

    // Without a model: said how to get one.
    let out = mockloop(dir.path(), &["transcribe", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("mockloop models get base.en"), "{}", text(&out.stderr));
}

#[test]
fn a_model_file_that_is_truncated_random_or_of_another_format_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::read(model()).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", real[..real.len() / 2].to_vec()),
        ("vocabulary-only", real[..400_000].to_vec()),
        ("random", support::noise(4_000_000, 7).iter().flat_map(|s| s.to_le_bytes()).collect()),
        ("ggml-mark-then-garbage", {
            let mut v = real[..48].to_vec();
            v.extend(support::noise(2_000_000, 9).iter().flat_map(|s| s.to_le_bytes()));
            v
        }),
        ("ggml-header-then-garbage", {
            let mut v = real[..48].to_vec();
            v.extend(support::noise((real.len() - 48) / 2, 11).iter().flat_map(|s| s.to_le_bytes()));
            v
        }),
        ("gguf", {
            let mut v = b"GGUF\x03\x00\x00\x00".to_vec();
            v.resize(2_000_000, 1);
            v
        }),
    ];
    for (name, bytes) in cases {
        let file = dir.path().join(format!("ggml-{name}.bin"));
        std::fs::write(&file, bytes).unwrap();
        let out = mockloop(dir.path(), &["models", "import", file.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains("not a whisper.cpp model") || err.contains("not a model whisper.cpp can load"),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{name}: {err}");
        let out = mockloop(dir.path(), &["transcribe", "--model", file.to_str().unwrap(), file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(text(&out.stderr).contains("whisper.cpp"), "{name}: {}", text(&out.stderr));
    }
    assert!(models::installed(dir.path()).is_empty(), "nothing refused was kept");
    // A real model file imports, is listed with its size, and is removed.
    let out = mockloop(dir.path(), &["models", "import", model().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = mockloop(dir.path(), &["models", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Not the official file, so not under the official name.
    let mine = list.as_array().unwrap().iter().find(|m| m["name"] == "tiny.en-custom").unwrap().clone();
    assert_eq!(mine["installed"], true);
    assert_eq!(mine["bytes"].as_u64(), Some(std::fs::metadata(model()).unwrap().len()));
    let name = mine["name"].as_str().unwrap();
    let out = mockloop(dir.path(), &["models", "remove", name]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(models::installed(dir.path()).is_empty());
}

/// A real HTTP/1.1 server on 127.0.0.1 serving `body` at any path, with
/// Range; the first response is cut after `drop_after` bytes if set.
struct Server {
    url: String,
    ranges: Arc<Mutex<Vec<Option<String>>>>,
}

fn serve(body: Vec<u8>, drop_after: Option<usize>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let ranges: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = Arc::clone(&ranges);
    std::thread::spawn(move || {
        let mut first = true;
        for stream in listener.incoming().flatten() {
            let range = answer(stream, &body, if first { drop_after } else { None });
            seen.lock().unwrap().push(range);
            first = false;
        }
    });
    Server { url, ranges }
}

fn answer(mut stream: TcpStream, body: &[u8], drop_after: Option<usize>) -> Option<String> {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut range = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("range: bytes=") {
            range = Some(v.trim().to_owned());
        }
    }
    let from = range.as_deref().and_then(|r| r.trim_end_matches('-').parse::<usize>().ok()).unwrap_or(0);
    let part = &body[from.min(body.len())..];
    let head = if range.is_some() {
        format!(
            "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {from}-{}/{}\r\nConnection: close\r\n\r\n",
            part.len(),
            body.len() - 1,
            body.len()
        )
    } else {
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", part.len())
    };
    let _ = stream.write_all(head.as_bytes());
    let send = drop_after.map_or(part.len(), |n| n.min(part.len()));
    let _ = stream.write_all(&part[..send]);
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
    range
}

/// The test model as a catalogue entry (its own checksum and size).
fn test_known() -> Known {
    let bytes = std::fs::metadata(model()).unwrap().len();
    let sha = models::sha256_of(&model()).unwrap();
    Known { name: "tiny.en", bytes, sha256: Box::leak(sha.into_boxed_str()), about: "test" }
}

fn get(dir: &Path, known: &Known, host: &str) -> Result<PathBuf, DownloadError> {
    // The host is read from the environment at each download: the tests
    // that set it take turns.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    std::env::set_var(models::HOST_ENV, host);
    let mut seen = Vec::new();
    let result = download::get(dir, known, &AtomicBool::new(false), &mut |f| seen.push(f.done));
    assert!(seen.windows(2).all(|w| w[0] <= w[1]) || result.is_err(), "progress only grows");
    result
}

#[test]
fn a_download_cut_halfway_resumes_with_a_range_request_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let body = std::fs::read(model()).unwrap();
    let half = body.len() / 2;
    let server = serve(body.clone(), Some(half));
    let known = test_known();
    let path = get(dir.path(), &known, &server.url).expect("resumed and checked");
    assert_eq!(std::fs::read(&path).unwrap(), body);
    let ranges = server.ranges.lock().unwrap().clone();
    assert_eq!(ranges[0], None, "the first request asks for all");
    assert_eq!(
        ranges.get(1).cloned().flatten(),
        Some(format!("{half}-")),
        "then it resumes where it was cut: {ranges:?}"
    );
    assert!(!download::part_file(dir.path(), "tiny.en").exists());
}

#[test]
fn a_download_left_by_a_restart_resumes_from_its_part_file() {
    let dir = tempfile::tempdir().unwrap();
    let body = std::fs::read(model()).unwrap();
    let kept = body.len() / 3;
    std::fs::create_dir_all(models::models_dir(dir.path())).unwrap();
    std::fs::write(download::part_file(dir.path(), "tiny.en"), &body[..kept]).unwrap();
    let server = serve(body.clone(), None);
    let path = get(dir.path(), &test_known(), &server.url).unwrap();
    assert_eq!(std::fs::read(path).unwrap(), body);
    assert_eq!(server.ranges.lock().unwrap().clone(), vec![Some(format!("{kept}-"))]);
}

#[test]
fn a_wrong_file_is_refused_by_its_checksum_and_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let known = test_known();
    let wrong: Vec<u8> = support::noise(known.bytes as usize / 2, 3).iter().flat_map(|s| s.to_le_bytes()).collect();
    let server = serve(wrong, None);
    let err = get(dir.path(), &known, &server.url).unwrap_err();
    assert!(matches!(err, DownloadError::Checksum { .. }), "{err}");
    assert!(err.to_string().contains("not the official file"), "{err}");
    assert!(!models::model_file(dir.path(), "tiny.en").exists(), "never used");
    assert!(!download::part_file(dir.path(), "tiny.en").exists(), "and deleted");
    // The catalogue's own models from the command line: the same refusal.
    let size = models::known("tiny.en").unwrap().bytes as usize;
    let server = serve(support::noise(size / 2 + 1, 5).iter().flat_map(|s| s.to_le_bytes()).take(size).collect(), None);
    let out = Command::new(BIN)
        .args(["models", "get", "tiny.en"])
        .env("MOCKLOOP_DATA_DIR", dir.path())
        .env(models::HOST_ENV, &server.url)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not the official file"), "{}", text(&out.stderr));
    assert!(models::installed(dir.path()).is_empty());
    // As the window runs it: progress, then the end, as JSON lines.
    let out = Command::new(BIN)
        .args(["models", "get", "tiny.en", "--progress-json"])
        .env("MOCKLOOP_DATA_DIR", dir.path())
        .env(models::HOST_ENV, &server.url)
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert!(lines.iter().any(|l| l["fetched"]["total"].as_u64() == Some(size as u64)), "{lines:?}");
    assert!(lines.last().unwrap()["failed"].as_str().unwrap().contains("not the official file"), "{lines:?}");
}

#[test]
fn too_little_disk_space_and_no_network_are_said_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let huge = Known { name: "small.en", bytes: 1 << 50, sha256: "00", about: "" };
    let err = get(dir.path(), &huge, "http://127.0.0.1:9").unwrap_err();
    assert!(matches!(err, DownloadError::NoSpace { .. }), "{err}");
    assert!(err.to_string().contains("not enough free space"), "{err}");
    // Nothing listens on port 9 of this machine: no network.
    let err = get(dir.path(), &test_known(), "http://127.0.0.1:9").unwrap_err();
    assert!(matches!(err, DownloadError::Offline { .. }), "{err}");
    assert!(err.to_string().contains("Use a model file"), "{err}");
    assert!(models::installed(dir.path()).is_empty());
}

/// A worker that dies of `signal` once it has started the real one.
fn dying_worker(dir: &Path, signal: &str) -> PathBuf {
    let script = dir.join(format!("worker-{signal}.sh"));
    std::fs::write(
        &script,
        format!("#!/bin/sh\nulimit -c 0\n\"{BIN}\" \"$@\" >/dev/null &\nsleep 0.3\nkill -KILL $!\nkill -{signal} $$\n"),
    )
    .unwrap();
    let _ = Command::new("chmod").arg("+x").arg(&script).status();
    script
}

fn record(s: &mut Session, wav: &Path) -> i64 {
    let mut reader = hound::WavReader::open(wav).unwrap();
    let samples: Vec<f32> = reader.samples::<i16>().map(|x| f32::from(x.unwrap()) / 32768.0).collect();
    takes::record(s, &samples)
}

/// A take's transcript notice: the take, and why it has none.
type Said = (i64, Option<String>);

#[test]
fn a_worker_killed_mid_take_costs_that_transcript_only_and_the_next_take_is_transcribed() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path(), "answer", "I would start with the customer and the problem they have today.");
    let data = dir.path().join("data");
    let ids: Vec<i64> = {
        let mut s = Session::open(&data, Arc::new(ManualClock::new())).unwrap();
        s.start("microsoft-pm", None, false, 4).unwrap();
        (0..4).map(|_| record(&mut s, &wav)).collect()
    };
    std::fs::create_dir_all(models::models_dir(&data)).unwrap();
    std::fs::copy(model(), models::model_file(&data, "mine")).unwrap();
    let booth = Arc::new(Booth::open(Arc::new(ManualClock::new()), DataLock::acquire(&data, "a test").unwrap()));
    // The worker beside this test is the built `mockloop`.
    let ready = words::Model { exe: BIN.into(), ..words::ready_model(&data, "mine").unwrap() };
    let notices: Arc<Mutex<Vec<Said>>> = Arc::default();
    let worker = {
        let (booth, notices) = (Arc::clone(&booth), Arc::clone(&notices));
        std::thread::spawn(move || {
            booth.transcribe_takes(Duration::from_secs(3600), &mut |n| {
                if let Notice::Transcribed { take_id, error } = n {
                    notices.lock().unwrap().push((take_id, error));
                }
            });
        })
    };
    let wait_for = |n: usize| {
        for _ in 0..600 {
            if notices.lock().unwrap().len() >= n {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no transcript notice: {:?}", notices.lock().unwrap());
    };
    // Each take goes through the after-take work as when it closes.
    booth.set_transcripts(Some(words::Model { exe: dying_worker(dir.path(), "KILL"), ..ready.clone() }), false);
    booth.settle(&[ids[0]], &mut |_| {});
    wait_for(1);
    booth.set_transcripts(Some(words::Model { exe: dying_worker(dir.path(), "ILL"), ..ready.clone() }), false);
    booth.settle(&[ids[1]], &mut |_| {});
    wait_for(2);
    booth.set_transcripts(Some(ready.clone()), false);
    booth.settle(&[ids[2]], &mut |_| {});
    wait_for(3);
    // A model deleted behind the app's back turns transcripts off and
    // stores nothing against the take, which stays to transcribe.
    let gone = dir.path().join("gone.bin");
    booth.set_transcripts(Some(words::Model { path: gone, ..ready }), false);
    booth.settle(&[ids[3]], &mut |_| {});
    wait_for(4);
    assert!(booth.transcript_model().is_none(), "transcripts are off");
    booth.close().unwrap();
    worker.join().unwrap();
    let notices = notices.lock().unwrap().clone();
    assert_eq!(notices[0].0, ids[0]);
    assert!(notices[0].1.as_deref().is_some_and(|e| e.contains("crashed") && e.contains("SIGKILL")), "{notices:?}");
    assert!(notices[1].1.as_deref().is_some_and(|e| e.contains("SIGILL") && e.contains("take is kept")), "{notices:?}");
    assert_eq!(notices[2], (ids[2], None), "the next take is transcribed");
    assert!(notices[3].1.as_deref().is_some_and(|e| e.contains("is gone")), "{notices:?}");
    booth
        .with_session(|s| {
            for id in &ids[..2] {
                let row = s.store().take(*id)?;
                assert!(s.take_file(*id)?.is_file() && row.delivery.is_some(), "take {id} is kept whole");
                let t = s.take_transcript(*id)?.expect("the reason is stored");
                assert!(t.words.is_empty() && t.error.is_some());
            }
            assert!(s.take_transcript(ids[3])?.is_none(), "nothing stored against the take");
            assert!(s.transcript_backlog(None)?.contains(&ids[3]), "it stays to transcribe");
            let t = s.take_transcript(ids[2])?.expect("a transcript");
            assert!(mockloop_core::transcript::text_of(&t.words).to_lowercase().contains("customer"), "{t:?}");
            let hits = s.store().search_transcripts("custom")?;
            assert_eq!(hits.iter().map(|h| h.take_id).collect::<Vec<_>>(), vec![ids[2]]);
            assert!(hits[0].snippet.contains('«') && hits[0].at_ms >= 900, "{hits:?}");
            // The run's write-up carries what was said, fillers marked.
            let run = s.store().take(ids[2])?.run_id.expect("a run's take");
            let report = mockloop_core::readiness::run_report::RunReport::load(s.store(), run)?;
            let md = mockloop_core::readiness::run_report::markdown(&report, s.catalog());
            assert!(md.contains("Said (") && md.to_lowercase().contains("customer"), "{md}");
            assert!(md.contains("Said: no transcript (the speech engine crashed"), "{md}");
            // Deleting the take deletes its words and its search entry.
            s.delete_take(ids[2])?;
            assert!(s.store().search_transcripts("customer")?.is_empty());
            Ok::<_, BoothError>(())
        })
        .unwrap();
}

#[test]
fn the_worker_says_in_words_why_a_model_will_not_load_and_never_reads_a_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.bin");
    std::fs::write(&junk, vec![0u8; 3_000_000]).unwrap();
    let out =
        Command::new(BIN).args(["transcribe-worker", "--model", junk.to_str().unwrap(), "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert!(line["failed"].as_str().unwrap().contains("not a whisper.cpp model"), "{line}");
    let out = Command::new(BIN)
        .args(["transcribe-worker", "--model", model().to_str().unwrap(), "--check"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut first = String::new();
    out.stdout.as_slice().read_to_string(&mut first).unwrap();
    assert!(first.contains("\"loaded\""), "{first}");
}
