//! A hands-free round, for real: `mockloop rehearse` with Speech Dispatcher
//! and espeak-ng as the interviewer, on a PulseAudio server of the test's
//! own. The interviewer's voice goes to the default output (sink `mic`),
//! whose monitor this test records to hear it; the candidate's answers are
//! espeak-ng recordings played into a second source (`answer`), which the
//! rehearsal records from. No key is pressed: silence ends the first
//! answer, time-up the second, and the round reaches its assessment.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use support::{read_wav, require, Mic, Pulse, Recording};

/// One round, one question, one follow-up with 8 s to answer it.
const LOOP: &str = r#"
id = "hands-free-test"
title = "Hands-free test loop"
description = "One question and one follow-up."

[[competencies]]
id = "clarity"
name = "Clarity"

[[rounds]]
id = "screen"
kind = "screen"
title = "Screen"
minutes = 10
answer_seconds = 60
probe_seconds = 8
competencies = ["clarity"]

  [[rounds.checklist]]
  id = "screen-clear"
  text = "Said the point first"
  competency = "clarity"

[[questions]]
id = "q-why"
kind = "screen"
text = "Why do you want this role?"
target_seconds = 60
probes = [{ text = "What would you change first?", tests = ["screen-clear"] }]
"#;

fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// Speech Dispatcher left running in the test's runtime folder would
/// leave by itself after a few idle seconds; the test does not wait.
fn stop_speech_dispatcher(runtime: &Path) {
    let pid = runtime.join("speech-dispatcher/pid/speech-dispatcher.pid");
    if let Some(pid) = std::fs::read_to_string(pid).ok().and_then(|p| p.trim().parse::<u32>().ok()) {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
}

/// Spans of sound in `samples` (16-bit, at `rate`): runs above -40 dBFS
/// joined across gaps shorter than 0.6 s, in seconds.
fn sound_spans(samples: &[i16], rate: u32) -> Vec<(f64, f64)> {
    let gap = (0.6 * f64::from(rate)) as usize;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        if s.unsigned_abs() > 328 {
            match spans.last_mut() {
                Some(last) if i - last.1 <= gap => last.1 = i,
                _ => spans.push((i, i)),
            }
        }
    }
    spans.into_iter().map(|(a, b)| (a as f64 / f64::from(rate), (b + 1) as f64 / f64::from(rate))).collect()
}

/// What a hands-free round printed: its events, its stderr, and the
/// default output's recording (with the wall-clock time of its start).
struct Round {
    events: Vec<serde_json::Value>,
    stderr: String,
    heard: std::path::PathBuf,
    monitor_at: u64,
    _dir: tempfile::TempDir,
}

impl Round {
    fn of(&self, kind: &str) -> Vec<&serde_json::Value> {
        self.events.iter().filter(|e| e["event"] == kind).collect()
    }

    fn kinds(&self) -> Vec<&str> {
        self.events.iter().map(|e| e["event"].as_str().unwrap()).collect()
    }

    fn ended_by(&self) -> Vec<&str> {
        self.of("turn")
            .iter()
            .filter(|t| t["turn"]["turn"] == "ended")
            .map(|t| t["turn"]["by"].as_str().unwrap())
            .collect()
    }
}

/// Runs the test loop's round hands-free, answering each take with an
/// espeak-ng recording played into the `answer` source; `path` replaces
/// PATH for `mockloop rehearse` (to take the speech engine away).
fn hands_free_round(pulse: &Pulse, path: Option<&Path>) -> Round {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("loops")).unwrap();
    std::fs::write(data.join("loops/hands-free.toml"), LOOP).unwrap();

    // The answers: about 5 s of speech, then one that outlasts its 8 s.
    let short = dir.path().join("short.wav");
    let long = dir.path().join("long.wav");
    for (file, text) in [
        (&short, "I want this role because I have shipped developer tools for five years, and this team builds the ones I use."),
        (&long, "First I would talk to the ten largest customers, then I would look at where new teams drop out of onboarding, then I would fix the invitation flow, and only then would I touch pricing, because pricing is the last thing to change."),
    ] {
        let ok = Command::new("espeak-ng").args(["-s", "170", "-w"]).arg(file).arg(text).status().unwrap();
        assert!(ok.success(), "espeak-ng -w");
    }
    // The answer source's sink kept rendering, as a real microphone would.
    let mut keep = pulse.keep_rendering("answer-feed");
    std::thread::sleep(Duration::from_millis(2_100));

    // What the default output plays: the interviewer, and nothing else.
    let heard = dir.path().join("heard.wav");
    let mut record = pulse.command(&["record", "--seconds", "90", "--out"]);
    record.arg(&heard);
    let monitor = Recording::start(record);
    let monitor_at = wall_ms();

    let mut rehearse = pulse.command(&[
        "rehearse",
        "hands-free-test",
        "--device",
        "answer",
        "--quiet",
        "2",
        "--after-speech",
        "2",
        "--json",
    ]);
    rehearse.arg("--data-dir").arg(&data);
    if let Some(path) = path {
        rehearse.env("PATH", path);
    }
    let mut child = rehearse.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let started = Instant::now();
    let mut events: Vec<serde_json::Value> = Vec::new();
    let mut players: Vec<Child> = Vec::new();
    let answers = [&short, &long];
    loop {
        let left = Duration::from_secs(90).saturating_sub(started.elapsed());
        let Ok(line) = rx.recv_timeout(left) else { break };
        let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if event["event"] == "recording" {
            // The candidate answers once the microphone is open.
            let n = events.iter().filter(|e| e["event"] == "recording").count();
            players.push(pulse.play_into("answer", answers[n.min(1)]));
        }
        let done = event["event"] == "done";
        events.push(event);
        if done {
            break;
        }
    }
    let out = child.wait_with_output().unwrap();
    stop_speech_dispatcher(pulse.runtime.path());
    let _ = Command::new("kill").args(["-INT", &monitor.child.id().to_string()]).status();
    let (recorded_ok, _, _) = monitor.finish();
    for mut p in players {
        let _ = p.wait();
    }
    let _ = keep.kill();
    let _ = keep.wait();
    assert!(out.status.success(), "rehearse failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(recorded_ok, "the monitor recording failed");
    Round { events, stderr: String::from_utf8_lossy(&out.stderr).into_owned(), heard, monitor_at, _dir: dir }
}

#[test]
fn a_round_runs_hands_free_from_question_to_assessment() {
    require("speech-dispatcher");
    require("espeak-ng");
    let pulse = Pulse::with_sources(&[("answer", "Answer-microphone")]);
    let round = hands_free_round(&pulse, None);
    stop_speech_dispatcher(pulse.runtime.path());
    let (stderr, heard, monitor_at) = (&round.stderr, &round.heard, round.monitor_at);
    let kinds = round.kinds();
    let of = |kind: &str| round.of(kind);
    println!("events: {kinds:?}");

    // The round reached its assessment by itself.
    let done = of("done");
    assert_eq!(done.len(), 1, "{kinds:?}; stderr: {stderr}");
    assert_eq!(done[0]["assessing"], true, "{kinds:?}; stderr: {stderr}");

    // Asked aloud: the question, then the follow-up, then time up.
    let asked = of("asked");
    assert_eq!(asked.len(), 2, "{kinds:?}");
    assert_eq!(asked[0]["text"], "Why do you want this role?");
    assert_eq!(asked[1]["text"], "What would you change first?");
    assert!(asked.iter().all(|a| a["voice_ended_at"].is_u64()), "both said aloud: {asked:?}; stderr: {stderr}");
    assert_eq!(of("time_up").len(), 1, "the second answer outlasts its 8 s: {kinds:?}");
    assert_eq!(round.ended_by(), ["silence", "time_up"], "silence ended the first answer, time the second");

    // The voice is on the default output: three utterances (question,
    // follow-up, time up), each followed, not overlapped, by the take.
    let (spec, samples) = read_wav(heard);
    let spans = sound_spans(&samples, spec.sample_rate);
    println!("heard on the output: {spans:.2?}");
    assert!(spans.len() >= 3, "question, follow-up and time-up heard: {spans:?}");
    let recordings = of("recording");
    assert_eq!(recordings.len(), 2, "{kinds:?}");
    for (i, (rec, ask)) in recordings.iter().zip(&asked).enumerate() {
        let asked_at = ask["asked_at"].as_u64().unwrap();
        let voice_began = ask["voice_began_at"].as_u64().unwrap();
        let voice_ended = ask["voice_ended_at"].as_u64().unwrap();
        let opened = rec["asked_at"].as_u64().unwrap();
        let first = rec["first_samples_at"].as_u64().unwrap();
        // The last sample of the utterance on the output, on the wall clock
        // (the monitor's first sample came at or before `monitor_at`).
        let utterance = spans[i];
        let heard_from = monitor_at + (utterance.0 * 1000.0) as u64;
        let heard_to = monitor_at + (utterance.1 * 1000.0) as u64;
        println!(
            "answer {}: voice began {} ms after the question was asked (heard from {} ms); \
             the take opened {} ms after the voice ended ({} ms after the last sample heard), \
             its first samples {} ms later",
            i + 1,
            voice_began as i64 - asked_at as i64,
            heard_from as i64 - asked_at as i64,
            opened as i64 - voice_ended as i64,
            opened as i64 - heard_to as i64,
            first as i64 - opened as i64,
        );
        assert!(opened >= voice_ended, "answer {}: recording began before the voice ended", i + 1);
        // Recording began after the last sample of the question on the
        // output (20 ms: one block of the monitor's own timing).
        assert!(
            opened + 20 >= heard_to,
            "answer {}: the take opened {opened}, the voice was heard to {heard_to}",
            i + 1
        );
    }

    // The answers were recorded, and only the answers.
    let takes = of("recorded");
    assert_eq!(takes.len(), 2, "{kinds:?}");
    let first = takes[0]["speaking_seconds"].as_f64().expect("the first answer is speech");
    assert!(first > 3.0, "about 5 s of the first answer: {}", takes[0]);
    let second = takes[1]["speaking_seconds"].as_f64().expect("the second answer is speech");
    assert!(second > 2.0 && takes[1]["seconds"].as_f64().unwrap() < 8.0, "cut at time up: {}", takes[1]);
    // The first take ended on silence: about 2 s quiet and a 3 s countdown
    // after the speech, not at the answer's 60 s.
    let length = takes[0]["seconds"].as_f64().unwrap();
    assert!(length < first + 9.0, "silence ended it: {length:.1} s long, {first:.1} s of speech");
}

#[test]
fn without_a_speech_engine_the_round_runs_hands_free_and_says_why_once() {
    require("espeak-ng");
    let pulse = Pulse::with_sources(&[("answer", "Answer-microphone")]);
    // No Speech Dispatcher running in this runtime folder, none to start.
    let empty = tempfile::tempdir().unwrap();
    let round = hands_free_round(&pulse, Some(empty.path()));
    let kinds = round.kinds();
    println!("events: {kinds:?}");
    assert_eq!(round.stderr.matches("questions are printed, not spoken").count(), 1, "said once: {}", round.stderr);
    assert!(round.stderr.contains("sudo apt install speech-dispatcher espeak-ng"), "{}", round.stderr);
    let asked = round.of("asked");
    assert_eq!(asked.len(), 2, "{kinds:?}");
    assert!(asked.iter().all(|a| a["voice_ended_at"].is_null()), "nothing said: {asked:?}");
    assert_eq!(round.ended_by(), ["silence", "time_up"], "{kinds:?}");
    assert_eq!(round.of("recorded").len(), 2, "{kinds:?}");
    assert_eq!(round.of("done")[0]["assessing"], true, "{kinds:?}");
    // Nothing was heard on the output: there was no voice.
    let (spec, samples) = read_wav(&round.heard);
    assert!(sound_spans(&samples, spec.sample_rate).is_empty(), "silence on the output");
}
