//! `mockloop analyze` as a user runs it: JSON with every field, words
//! otherwise, and bad files refused in words with exit code 1, never a
//! panic, while the good files beside them are still analysed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mockloop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mockloop")).args(args).env_remove("DISPLAY").output().expect("run mockloop")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A second of silence, then a sentence, then half a second, at 16 kHz.
fn speech(dir: &Path) -> PathBuf {
    let raw = dir.join("raw.wav");
    let out = Command::new("espeak-ng")
        .args(["-s", "160", "-w", raw.to_str().unwrap(), "I would ship the smaller version first and learn from it"])
        .output()
        .expect("espeak-ng is needed (apt-get install espeak-ng)");
    assert!(out.status.success());
    let wav = dir.join("answer.wav");
    let out = Command::new("sox")
        .args([raw.to_str().unwrap(), "-r", "16000", wav.to_str().unwrap(), "pad", "1", "0.5"])
        .output()
        .expect("sox is needed (apt-get install sox)");
    assert!(out.status.success(), "{}", text(&out.stderr));
    wav
}

#[test]
fn json_has_every_measure_of_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path());
    let out = mockloop(&["analyze", "--json", wav.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &files.as_array().unwrap()[0];
    assert_eq!(d["path"], wav.display().to_string());
    for key in [
        "seconds",
        "speaking_seconds",
        "first_speech_seconds",
        "long_pauses",
        "longest_pause_seconds",
        "syllables_per_second",
        "words_per_minute_estimate",
        "speech_dbfs",
        "clipped_samples",
        "speaking_share",
    ] {
        assert!(d[key].is_number(), "{key} in {d}");
    }
    assert!(d["pauses"].is_array());
    let first = d["first_speech_seconds"].as_f64().unwrap();
    assert!((1.0..1.2).contains(&first), "espeak starts speaking a few ms in: {first}");
    assert!(d["words_per_minute_estimate"].as_f64().unwrap() > 100.0, "{d}");
    assert_eq!(d["clipped_samples"], 0);
    let share = d["speaking_share"].as_f64().unwrap();
    let expected = d["speaking_seconds"].as_f64().unwrap() / d["seconds"].as_f64().unwrap();
    assert!((share - expected).abs() < 1e-9 && share > 0.5 && share < 1.0, "{d}");

    let out = mockloop(&["analyze", wav.to_str().unwrap()]);
    assert!(out.status.success());
    let line = text(&out.stdout);
    assert!(line.contains(" spoken · about ") && line.contains("first word after 1.0 s"), "{line}");
}

#[test]
fn bad_files_are_refused_in_words_and_the_rest_still_analysed() {
    let dir = tempfile::tempdir().unwrap();
    let good = speech(dir.path());
    let not_wav = dir.path().join("notes.wav");
    std::fs::write(&not_wav, "these are my notes, not audio\n").unwrap();
    let empty = dir.path().join("empty.wav");
    std::fs::write(&empty, b"").unwrap();
    let truncated = dir.path().join("truncated.wav");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let header_only = dir.path().join("header-only.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    hound::WavWriter::create(&header_only, spec).unwrap().finalize().unwrap();
    let nine_channels = dir.path().join("nine.wav");
    let spec9 = hound::WavSpec { channels: 9, ..spec };
    let mut w = hound::WavWriter::create(&nine_channels, spec9).unwrap();
    for _ in 0..9 * 160 {
        w.write_sample(0i16).unwrap();
    }
    w.finalize().unwrap();
    let missing = dir.path().join("missing.wav");
    // A header promising five hours at 8 kHz (the audio itself never comes).
    let five_hours = dir.path().join("five-hours.wav");
    let data_len: u32 = 5 * 3600 * 8_000 * 2;
    let mut header = Vec::new();
    header.extend_from_slice(b"RIFF");
    header.extend_from_slice(&(36 + data_len).to_le_bytes());
    header.extend_from_slice(b"WAVEfmt ");
    header.extend_from_slice(&16u32.to_le_bytes());
    header.extend_from_slice(&1u16.to_le_bytes()); // PCM
    header.extend_from_slice(&1u16.to_le_bytes()); // mono
    header.extend_from_slice(&8_000u32.to_le_bytes());
    header.extend_from_slice(&16_000u32.to_le_bytes()); // bytes a second
    header.extend_from_slice(&2u16.to_le_bytes()); // block align
    header.extend_from_slice(&16u16.to_le_bytes());
    header.extend_from_slice(b"data");
    header.extend_from_slice(&data_len.to_le_bytes());
    header.extend_from_slice(&[0; 3200]);
    std::fs::write(&five_hours, header).unwrap();

    let paths = [&good, &not_wav, &empty, &truncated, &header_only, &nine_channels, &missing, &five_hours];
    let args: Vec<&str> = ["analyze", "--json"].into_iter().chain(paths.iter().map(|p| p.to_str().unwrap())).collect();
    let out = mockloop(&args);
    assert_eq!(out.status.code(), Some(1), "a bad file means exit code 1");
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let expect = [
        (&not_wav, "not a WAV file"),
        (&empty, "not a WAV file: the file is empty"),
        (&truncated, "truncated: the header promises"),
        (&nine_channels, "unsupported WAV: 9 channels"),
        (&missing, "cannot open it"),
        (&five_hours, "unsupported WAV: 5.0 hours long (mockloop analyses up to 4 hours"),
    ];
    for (path, words) in expect {
        let line = format!("mockloop analyze: {}: {words}", path.display());
        assert!(stderr.contains(&line), "{line:?} in\n{stderr}");
    }
    let files: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = files.as_array().unwrap();
    assert_eq!(files.len(), paths.len(), "one entry per file, in order");
    assert!(files[0]["words_per_minute_estimate"].as_f64().unwrap() > 0.0, "the good file is analysed");
    assert!(files[1]["error"].as_str().unwrap().starts_with("not a WAV file"));
    assert_eq!(files[4]["seconds"], 0.0, "a header with no audio is an empty take, not an error");
    assert!(files[4]["first_speech_seconds"].is_null());
}

#[test]
fn the_run_report_says_how_each_take_sounded_even_before_the_app_analysed_it() {
    let dir = tempfile::tempdir().unwrap();
    let wav = speech(dir.path());
    let data = dir.path().join("data");
    let run = {
        let clock = std::sync::Arc::new(mockloop_core::clock::ManualClock::new());
        let mut s = mockloop_core::session::Session::open(&data, clock).unwrap();
        let view = s.start("microsoft-pm", Some("estimation"), false, 1).unwrap();
        let (id, path) = s.begin_take().unwrap();
        std::fs::copy(&wav, path).unwrap();
        s.close_take(id, Err("the test ended it".into())).unwrap();
        s.act(mockloop_core::session::Action::FinishRound).unwrap();
        view.run_id
    };
    let out = Command::new(env!("CARGO_BIN_EXE_mockloop"))
        .args(["report", "--run", &run.to_string()])
        .env("MOCKLOOP_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    let line = md.lines().find(|l| l.contains("Take (main answer")).unwrap_or_else(|| panic!("a take line in {md}"));
    assert!(line.contains(" spoken · about ") && line.contains("first word after 1.0 s"), "{line}");
    assert!(line.contains(" of "), "its length against the answer time: {line}");
}
