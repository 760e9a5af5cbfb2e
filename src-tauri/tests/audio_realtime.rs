//! Recording in real time from a microphone behind a sound server, on
//! PulseAudio (the `pulse` ALSA plugin) and on PipeWire (its own ALSA
//! plugin): bit-exact capture, speech with its first and last words, takes
//! that survive `kill -9`, a microphone that goes away, and how soon the
//! first samples come. These run one at a time (they share the machine's
//! two cores with real-time audio).

mod support;

use std::sync::Mutex;
use std::time::Duration;
use support::{find, noise, read_wav, require, write_wav, Mic, PipeWire, Pulse, Recording};

/// `mockloop record` of `seconds` at the source's 48 kHz into `out`,
/// nothing converted, so samples compare exactly.
fn studio_take(mic: &impl Mic, seconds: u32, out: &std::path::Path, extra: &[&str]) -> std::process::Command {
    let mut c = mic.command(&["record", "--quality", "studio", "--rate", "48000", "--seconds"]);
    c.arg(seconds.to_string()).arg("--out").arg(out).args(extra);
    c
}

/// One test body, run on each sound server.
macro_rules! on_both_servers {
    ($body:ident: $pulse:ident, $pipewire:ident) => {
        #[test]
        fn $pulse() {
            let _one = serial();
            $body(&Pulse::start());
        }

        #[test]
        fn $pipewire() {
            let _one = serial();
            $body(&PipeWire::start());
        }
    };
}

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

on_both_servers!(sample_for_sample: pulseaudio_records_sample_for_sample, pipewire_records_sample_for_sample);

fn sample_for_sample(mic: &impl Mic) {
    let dir = tempfile::tempdir().unwrap();
    let signal = noise(48_000 * 60, 0x5EED);
    // PulseAudio alters the first ~20 ms of a new playback stream (measured:
    // they arrive as silence or differ), so the signal sits between a second
    // of silence on each side; what is compared is the recorder's output.
    let mut played = vec![0i16; 48_000];
    played.extend_from_slice(&signal);
    played.extend(std::iter::repeat_n(0, 48_000));
    let source = dir.path().join("signal.wav");
    write_wav(&source, 48_000, &played);
    let out = dir.path().join("take.wav");

    let rec = Recording::start(studio_take(mic, 65, &out, &[]));
    let status = mic.play(&source).wait().unwrap();
    assert!(status.success(), "the player failed");
    let (ok, summary, stderr) = rec.finish();
    assert!(ok, "{stderr:?}");
    assert_eq!(summary["dropped_samples"], 0, "{summary}");

    let (spec, take) = read_wav(&out);
    assert_eq!((spec.sample_rate, spec.channels), (48_000, 1));
    let start = find(&take, &signal[..64]).expect("the signal's start is in the take");
    assert!(take.len() >= start + signal.len(), "the whole signal is in the take (start {start}, take {})", take.len());
    let same = take[start..start + signal.len()] == signal[..];
    assert!(same, "every one of the {} samples comes back identical", signal.len());
    println!(
        "{}: bit-exact, {} samples identical; the signal began {:.3} s into the take",
        mic.server(),
        signal.len(),
        start as f64 / 48_000.0
    );
}

/// Mean absolute value over blocks of `n`: a cheap envelope for alignment.
fn envelope(x: &[f32], n: usize) -> Vec<f32> {
    x.chunks(n).map(|c| c.iter().map(|s| s.abs()).sum::<f32>() / c.len() as f32).collect()
}

/// The lag of `b` in `a` maximising the normalised correlation, searching `lags`.
fn best_lag(a: &[f32], b: &[f32], lags: std::ops::Range<usize>) -> (usize, f64) {
    let norm_b: f64 = b.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>().sqrt();
    lags.filter(|&lag| lag + b.len() <= a.len())
        .map(|lag| {
            let seg = &a[lag..lag + b.len()];
            let dot: f64 = seg.iter().zip(b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum();
            let norm_a: f64 = seg.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>().sqrt();
            (lag, if norm_a == 0.0 { 0.0 } else { dot / (norm_a * norm_b) })
        })
        .fold((0, f64::MIN), |best, c| if c.1 > best.1 { c } else { best })
}

/// Speaks `text` into the microphone while `mockloop record` runs in speech
/// quality; `stop` ends the recording (after the speech has been played).
/// Checks the take holds the whole utterance, first and last word included.
fn speech_is_kept_whole(mic: &impl Mic, stop: impl FnOnce(&mut Recording)) {
    require("espeak-ng");
    require("sox");
    let dir = tempfile::tempdir().unwrap();
    let spoken = dir.path().join("spoken.wav");
    let text = "Customers first. The constraint was latency, so we cached the dashboard queries. Thank you.";
    assert!(std::process::Command::new("espeak-ng").args(["-w"]).arg(&spoken).arg(text).status().unwrap().success());
    // The reference at the take's rate, to compare against.
    let reference = dir.path().join("reference.wav");
    assert!(std::process::Command::new("sox")
        .arg(&spoken)
        .args(["-r", "16000", "-c", "1", "-b", "16"])
        .arg(&reference)
        .status()
        .unwrap()
        .success());
    let (_, reference) = read_wav(&reference);
    let reference: Vec<f32> = reference.iter().map(|&s| f32::from(s) / 32768.0).collect();

    let out = dir.path().join("speech.wav");
    let mut rec = Recording::start(mic.command(&["record", "--out", out.to_str().unwrap()]));
    assert!(mic.play(&spoken).wait().unwrap().success());
    stop(&mut rec);
    let (ok, summary, stderr) = rec.finish();
    assert!(ok, "{stderr:?}");
    let (spec, take) = read_wav(&out);
    assert_eq!(spec.sample_rate, 16_000);
    let take: Vec<f32> = take.iter().map(|&s| f32::from(s) / 32768.0).collect();

    // Align coarsely on 1 ms envelopes, then exactly on the samples.
    let (coarse, _) = best_lag(&envelope(&take, 16), &envelope(&reference, 16), 0..take.len() / 16);
    let from = (coarse * 16).saturating_sub(64);
    let (lag, correlation) = best_lag(&take, &reference, from..from + 128);
    println!(
        "{}: speech aligned at {:.3} s, correlation {correlation:.3}, take {:.2} s for {:.2} s of speech; dropped {}",
        mic.server(),
        lag as f64 / 16_000.0,
        take.len() as f64 / 16_000.0,
        reference.len() as f64 / 16_000.0,
        summary["dropped_samples"],
    );
    assert!(correlation > 0.8, "the take holds the speech (correlation {correlation:.3})");
    assert!(lag + reference.len() <= take.len(), "the whole utterance fits in the take");

    // First and last word: the take carries the reference's energy where the
    // speech begins and ends, not silence.
    let first = reference.iter().position(|s| s.abs() > 0.05).unwrap();
    let last = reference.iter().rposition(|s| s.abs() > 0.05).unwrap();
    let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
    for (name, at) in [("first", first), ("last", last.saturating_sub(4_000))] {
        let want = rms(&reference[at..at + 4_000]);
        let got = rms(&take[lag + at..lag + at + 4_000]);
        assert!(got > want * 0.5, "the {name} word is in the take (rms {got:.4} vs {want:.4})");
    }
}

/// Ctrl-C, as a user would press it.
fn interrupt(rec: &mut Recording) {
    let pid = rec.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
}

/// Stopped with a comfortable margin after the speech has been played.
fn first_and_last_words(mic: &impl Mic) {
    speech_is_kept_whole(mic, |rec| {
        std::thread::sleep(Duration::from_millis(1_500));
        interrupt(rec);
    });
}

on_both_servers!(first_and_last_words: pulseaudio_keeps_first_and_last_words, pipewire_keeps_first_and_last_words);

/// Stopped the instant playback ends: the last word is still in the
/// device's buffers, and must be drained into the take, not dropped.
fn ctrl_c_after_the_last_word(mic: &impl Mic) {
    speech_is_kept_whole(mic, interrupt);
}

on_both_servers!(
    ctrl_c_after_the_last_word: pulseaudio_ctrl_c_after_the_last_word_keeps_it,
    pipewire_ctrl_c_after_the_last_word_keeps_it
);

on_both_servers!(killed_take: pulseaudio_take_killed_is_recovered, pipewire_take_killed_is_recovered);

fn killed_take(mic: &impl Mic) {
    let dir = tempfile::tempdir().unwrap();
    let signal = noise(48_000 * 30, 0xC0FFEE);
    let source = dir.path().join("signal.wav");
    write_wav(&source, 48_000, &signal);
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    println!("kill timing seed: {seed}");
    for round in 0..4u64 {
        // A kill at a different moment each time, between 1.5 and 4.5 s in.
        let mixed = (seed ^ round.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(6_364_136_223_846_793_005);
        let wait = Duration::from_millis(1_500 + (mixed >> 33) % 3_000);
        let out = dir.path().join(format!("killed-{round}.wav"));
        let mut player = mic.play(&source);
        std::thread::sleep(Duration::from_millis(300));
        let mut rec = Recording::start(studio_take(mic, 60, &out, &[]));
        std::thread::sleep(wait);
        let alive_for = rec.acknowledged_at.elapsed();
        rec.child.kill().unwrap(); // SIGKILL: no chance to finish the file
        let _ = rec.child.wait();
        let _ = player.kill();
        let _ = player.wait();
        assert!(!out.exists(), "a killed take is still a part file");

        let recovered = mic.command(&["recover", out.to_str().unwrap()]).output().unwrap();
        assert!(recovered.status.success(), "{}", String::from_utf8_lossy(&recovered.stderr));
        let (_, take) = read_wav(&out);
        let kept = take.len() as f64 / 48_000.0;
        println!("{}: kill after {:.3} s, {kept:.3} s recovered", mic.server(), alive_for.as_secs_f64());
        assert!(kept >= alive_for.as_secs_f64() - 1.0, "kept {kept:.3} s of {:.3} s", alive_for.as_secs_f64());
        // What was kept is the signal, sample for sample. The take may begin
        // in silence: before the player's first samples arrive, and on
        // PipeWire, whose new capture streams start with silence (measured:
        // 512 samples, 11 ms, with the player already running).
        let mid = take.len() / 2;
        let offset = find(&signal, &take[mid..mid + 64]).expect("the take holds the signal") as i64 - mid as i64;
        let lead = take.iter().position(|&s| s != 0).unwrap_or(take.len());
        assert!(lead <= 2_048, "at most a quantum of silence opens the take ({lead} samples)");
        for (j, &sample) in take.iter().enumerate().skip(lead) {
            let k = j as i64 + offset;
            if k >= 0 {
                assert_eq!(sample, signal[k as usize], "take sample {j}");
            }
        }
    }
}

on_both_servers!(device_gone: pulseaudio_microphone_gone_keeps_the_take, pipewire_microphone_gone_keeps_the_take);

fn device_gone(mic: &impl Mic) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("signal.wav");
    write_wav(&source, 48_000, &noise(48_000 * 20, 3));
    let out = dir.path().join("lost.wav");
    let mut player = mic.play(&source);
    let rec = Recording::start(studio_take(mic, 60, &out, &[]));
    std::thread::sleep(Duration::from_secs(2));
    // The audio server dies: for ALSA's default device the microphone is gone.
    mic.kill_server();
    let _ = player.kill();
    let _ = player.wait();
    let (ok, summary, stderr) = rec.finish();
    assert!(!ok, "a lost microphone is not a success ({})", mic.server());
    assert_eq!(summary["outcome"], "device_lost", "{summary}");
    let last = stderr.last().cloned().unwrap_or_default();
    assert!(
        last.contains("microphone") && last.contains("kept"),
        "says what happened and that the audio is kept: {stderr:?}"
    );
    let (_, take) = read_wav(&out);
    assert!(take.len() >= 48_000 * 3 / 2, "the audio before the loss is kept ({} samples)", take.len());
}

on_both_servers!(start_latency: pulseaudio_first_samples_come_at_once, pipewire_first_samples_come_at_once);

/// How long `record` waits for the first samples, five times: loosely
/// bounded here so a busy machine cannot fail it (the benchmark,
/// `benches/recording.sh`, holds the tight figure).
fn start_latency(mic: &impl Mic) {
    let dir = tempfile::tempdir().unwrap();
    let mut waits = Vec::new();
    for n in 0..5 {
        let out = dir.path().join(format!("start-{n}.wav"));
        let rec = Recording::start(mic.command(&["record", "--seconds", "0.2", "--out", out.to_str().unwrap()]));
        let (ok, summary, stderr) = rec.finish();
        assert!(ok, "{stderr:?}");
        waits.push(summary["start_ms"].as_f64().expect("the summary says how long the start took"));
    }
    println!("{}: first samples after {waits:?} ms", mic.server());
    assert!(waits.iter().all(|&ms| ms > 0.0 && ms < 1_000.0), "{waits:?}");
}

/// The microphones by the names the desktop shows, the default marked, a
/// speaker's monitor left out unless asked; and `--device ID` records from
/// that one, not the default.
fn chosen_microphone(mic: &impl Mic) {
    let dir = tempfile::tempdir().unwrap();
    let listed = mic.command(&["devices", "--json"]).output().unwrap();
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let list: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let inputs: Vec<&serde_json::Value> = list.as_array().unwrap().iter().filter(|d| d["input"] == true).collect();
    let second = inputs.iter().find(|d| d["id"] == "second").unwrap_or_else(|| panic!("the second source: {list}"));
    assert_eq!(second["name"], "Second-microphone", "listed by its description");
    assert_eq!(second["default_input"], false);
    assert_eq!(inputs.iter().filter(|d| d["default_input"] == true).count(), 1, "one default: {list}");
    assert!(!inputs.iter().any(|d| d["id"].as_str().is_some_and(|id| id.starts_with("alsa:"))), "no ALSA plugins");
    assert!(
        !inputs.iter().any(|d| d["id"] == "second-feed.monitor"),
        "a monitor that is not the default is left out: {list}"
    );
    let all = mic.command(&["devices", "--all", "--json"]).output().unwrap();
    assert!(String::from_utf8_lossy(&all.stdout).contains("\"alsa:"), "--all adds ALSA's own devices");
    assert!(!String::from_utf8_lossy(&listed.stderr).contains("ALSA lib"));

    // Different signals into the default and into the second source.
    let (a, b) = (noise(48_000 * 12, 0xA0), noise(48_000 * 12, 0xB0));
    let (wav_a, wav_b) = (dir.path().join("a.wav"), dir.path().join("b.wav"));
    write_wav(&wav_a, 48_000, &a);
    write_wav(&wav_b, 48_000, &b);
    let mut players = [mic.play(&wav_a), mic.play_into("second", &wav_b)];
    std::thread::sleep(Duration::from_millis(500));
    let out = dir.path().join("chosen.wav");
    let rec = Recording::start(studio_take(mic, 3, &out, &["--device", "second"]));
    let (ok, summary, stderr) = rec.finish();
    for p in &mut players {
        let _ = p.kill();
        let _ = p.wait();
    }
    assert!(ok, "{stderr:?}");
    assert_eq!(summary["device"], "Second-microphone", "{summary}");
    let (_, take) = read_wav(&out);
    let window = &take[take.len() / 2..take.len() / 2 + 64];
    assert!(find(&b, window).is_some(), "the take is the chosen source's signal ({})", mic.server());
    assert!(find(&a, window).is_none(), "not the default's");
    let missing = mic
        .command(&["record", "--device", "nowhere", "--seconds", "1", "--out"])
        .arg(dir.path().join("x.wav"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no audio device named \"nowhere\""));
}

#[test]
fn pulseaudio_records_from_the_chosen_microphone() {
    let _one = serial();
    chosen_microphone(&Pulse::with_sources(&[("second", "Second-microphone")]));
}

#[test]
fn pipewire_records_from_the_chosen_microphone() {
    let _one = serial();
    chosen_microphone(&PipeWire::with_sources(&[("second", "Second-microphone")]));
}
