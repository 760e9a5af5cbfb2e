//! The interviewer's voice, through the real speech engine: Speech
//! Dispatcher with espeak-ng, on a PulseAudio server of the test's own
//! whose only sink (`mic`) is the default output and whose monitor is the
//! default microphone. So what `mockloop say` speaks, `mockloop record`
//! hears, and the delivery analysis can check that it is speech.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};
use support::{require, Mic, Pulse, Recording};

/// Stops the Speech Dispatcher a test started in its runtime folder (it
/// would leave on its own after 5 idle seconds).
fn stop_speech_dispatcher(runtime: &Path) {
    let pid = runtime.join("speech-dispatcher/pid/speech-dispatcher.pid");
    if let Some(pid) = std::fs::read_to_string(pid).ok().and_then(|p| p.trim().parse::<u32>().ok()) {
        let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
    }
}

#[test]
fn what_say_speaks_is_heard_on_the_default_output_as_speech() {
    require("speech-dispatcher");
    require("espeak-ng");
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().unwrap();
    let take = dir.path().join("heard.wav");
    let mut record = pulse.command(&["record", "--seconds", "7", "--out"]);
    record.arg(&take);
    let recording = Recording::start(record);

    // A second of the microphone's silence, then the question.
    std::thread::sleep(Duration::from_secs(1));
    let asked = recording.acknowledged_at.elapsed();
    let said = pulse
        .command(&["say", "--json", "Tell me about a product you shipped, and what changed for its customers."])
        .output()
        .unwrap();
    stop_speech_dispatcher(pulse.runtime.path());
    assert!(said.status.success(), "say failed: {}", String::from_utf8_lossy(&said.stderr));
    let timing: serde_json::Value = serde_json::from_slice(&said.stdout).expect("say --json");
    let (began, ended) = (timing["began_ms"].as_f64().unwrap(), timing["ended_ms"].as_f64().unwrap());
    println!("voice began {began} ms and ended {ended} ms after the call");
    assert!(began < ended && ended > 1_500.0, "a sentence takes seconds to say: {timing}");

    let (ok, _, stderr) = recording.finish();
    assert!(ok, "record failed: {stderr:?}");
    let out = pulse.command(&["analyze", "--json"]).arg(&take).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("analyze --json");
    let heard = &report[0];
    let spoken = heard["speaking_seconds"].as_f64().unwrap();
    let first = heard["first_speech_seconds"].as_f64().expect("speech was heard");
    println!(
        "heard {spoken:.1} s of speech, the first word {first:.2} s into the take (asked at {:.2} s)",
        asked.as_secs_f64()
    );
    assert!(spoken > 2.0, "the question is heard as speech: {heard}");
    // Nothing before the question was asked: the speech is the voice's.
    assert!(first >= asked.as_secs_f64() - 0.1, "speech at {first} s, before the question at {asked:?}");
    assert!(heard["words_per_minute_estimate"].as_f64().unwrap() > 100.0, "{heard}");
}

#[test]
fn voices_lists_the_engines_voices_and_a_voice_can_be_chosen() {
    require("speech-dispatcher");
    require("espeak-ng");
    let pulse = Pulse::start();
    let out = pulse.command(&["voices", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let voices: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("voices --json");
    let english = voices
        .iter()
        .find(|v| v["language"].as_str().is_some_and(|l| l.starts_with("en")))
        .unwrap_or_else(|| panic!("an English voice among {} voices", voices.len()));
    let name = english["name"].as_str().unwrap();
    let started = Instant::now();
    let said = pulse.command(&["say", "--voice", name, "--rate", "40", "Next question."]).output().unwrap();
    assert!(said.status.success(), "say --voice {name}: {}", String::from_utf8_lossy(&said.stderr));
    assert!(String::from_utf8_lossy(&said.stdout).starts_with("said in "), "{}", String::from_utf8_lossy(&said.stdout));
    println!("said with {name} in {:?}", started.elapsed());
    let unknown = pulse.command(&["say", "--voice", "no-such-voice", "Hello."]).output().unwrap();
    stop_speech_dispatcher(pulse.runtime.path());
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no voice is called \"no-such-voice\""));
}

#[test]
fn without_a_speech_engine_say_and_voices_say_how_to_get_one() {
    // No daemon in this runtime folder, and none on PATH to start.
    let runtime = tempfile::tempdir().unwrap();
    let empty_path = tempfile::tempdir().unwrap();
    for args in [&["say", "Hello."][..], &["voices"][..]] {
        let out = std::process::Command::new(support::BIN)
            .args(args)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("PATH", empty_path.path())
            .env_remove("SPEECHD_ADDRESS")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("no speech engine answered"), "{stderr}");
        assert!(stderr.contains("sudo apt install speech-dispatcher espeak-ng"), "{stderr}");
    }
}

#[test]
fn outside_a_desktop_login_voices_says_what_is_missing_not_to_install_it() {
    // Speech Dispatcher on PATH (a stand-in that only exits), and no
    // session folder: the words name XDG_RUNTIME_DIR, not apt.
    let bin = tempfile::tempdir().unwrap();
    let daemon = bin.path().join("speech-dispatcher");
    std::fs::write(&daemon, "#!/bin/sh\nexit 1\n").unwrap();
    std::fs::set_permissions(&daemon, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = std::process::Command::new(support::BIN)
        .arg("voices")
        .env_remove("XDG_RUNTIME_DIR")
        .env_remove("SPEECHD_ADDRESS")
        .env("PATH", bin.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("installed but cannot be reached") && stderr.contains("XDG_RUNTIME_DIR"), "{stderr}");
    assert!(!stderr.contains("apt install"), "it is installed: {stderr}");
}

#[test]
fn say_out_writes_the_speech_into_a_new_file_and_never_over_one() {
    require("espeak-ng");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("question.wav");
    let run = |args: &[&str]| std::process::Command::new(support::BIN).args(args).output().unwrap();
    let text = "Walk me through how you would price a new developer tool.";
    let said = run(&["say", "--json", "--out", out.to_str().unwrap(), text]);
    assert!(said.status.success(), "{}", String::from_utf8_lossy(&said.stderr));
    let written: serde_json::Value = serde_json::from_slice(&said.stdout).unwrap();
    let seconds = written["seconds"].as_f64().unwrap();
    assert!(seconds > 2.0, "a sentence takes seconds: {written}");
    // It is speech, of about that length.
    let analysed = run(&["analyze", "--json", out.to_str().unwrap()]);
    let report: serde_json::Value = serde_json::from_slice(&analysed.stdout).unwrap();
    assert!(report[0]["speaking_seconds"].as_f64().unwrap() > 0.6 * seconds, "{report}");
    // Faster is shorter.
    let fast = dir.path().join("fast.wav");
    let sped = run(&["say", "--json", "--rate", "100", "--out", fast.to_str().unwrap(), text]);
    let fast_seconds: f64 =
        serde_json::from_slice::<serde_json::Value>(&sped.stdout).unwrap()["seconds"].as_f64().unwrap();
    println!("{seconds:.2} s at rate 0, {fast_seconds:.2} s at rate 100");
    assert!(fast_seconds < 0.7 * seconds, "{fast_seconds} s at rate 100 against {seconds} s");
    // An existing file is left as it was; an unknown voice is refused in words.
    let before = std::fs::read(&out).unwrap();
    let again = run(&["say", "--out", out.to_str().unwrap(), "Hello."]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists; it was left untouched"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    let odd = dir.path().join("odd.wav");
    let unknown = run(&["say", "--voice", "no-such-voice", "--out", odd.to_str().unwrap(), "Hello."]);
    assert_eq!(unknown.status.code(), Some(1), "{}", String::from_utf8_lossy(&unknown.stderr));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no voice called \"no-such-voice\""));
    assert!(!odd.exists(), "nothing is left behind");
    // An espeak-ng voice by its name works.
    let scottish = dir.path().join("scottish.wav");
    let named = run(&["say", "--voice", "English_(Scotland)", "--out", scottish.to_str().unwrap(), "Hello."]);
    assert!(named.status.success(), "{}", String::from_utf8_lossy(&named.stderr));
    std::fs::remove_file(&scottish).unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no part file is left");
}
