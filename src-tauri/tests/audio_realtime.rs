//! Recording in real time from a microphone fed by a PulseAudio null sink:
//! bit-exact capture, speech with its first and last words, and takes that
//! survive `kill -9`. These run one at a time (they share the machine's
//! two cores with real-time audio).

mod support;

use std::sync::Mutex;
use std::time::Duration;
use support::{find, noise, read_wav, require, write_wav, Pulse, Recording};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[test]
fn real_time_microphone_is_recorded_sample_for_sample() {
    let _one = serial();
    let pulse = Pulse::start();
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

    let rec = Recording::start(pulse.command(&[
        "record",
        "--seconds",
        "65",
        "--quality",
        "studio",
        "--rate",
        "48000",
        "--out",
        out.to_str().unwrap(),
    ]));
    let status = pulse.play(&source).wait().unwrap();
    assert!(status.success(), "paplay failed");
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
        "bit-exact: {} samples identical; the signal began {:.3} s into the take",
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
fn speech_is_kept_whole(stop: impl FnOnce(&mut Recording)) {
    require("espeak-ng");
    require("sox");
    let pulse = Pulse::start();
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
    let mut rec = Recording::start(pulse.command(&["record", "--out", out.to_str().unwrap()]));
    assert!(pulse.play(&spoken).wait().unwrap().success());
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
        "speech: aligned at {:.3} s, correlation {correlation:.3}, take {:.2} s for {:.2} s of speech; dropped {}",
        lag as f64 / 16_000.0,
        take.len() as f64 / 16_000.0,
        reference.len() as f64 / 16_000.0,
        summary["dropped_samples"]
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

#[test]
fn speech_keeps_its_first_and_last_words() {
    let _one = serial();
    // Stopped with a comfortable margin after the speech has been played.
    speech_is_kept_whole(|rec| {
        std::thread::sleep(Duration::from_millis(1_500));
        interrupt(rec);
    });
}

#[test]
fn ctrl_c_right_after_the_last_word_still_keeps_it() {
    let _one = serial();
    // Stopped the instant playback ends: the last word is still in the
    // device's buffers, and must be drained into the take, not dropped.
    speech_is_kept_whole(interrupt);
}

#[test]
fn a_take_killed_mid_recording_is_recovered_up_to_the_last_second() {
    let _one = serial();
    let pulse = Pulse::start();
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
        let mut player = pulse.play(&source);
        std::thread::sleep(Duration::from_millis(300));
        let mut rec = Recording::start(pulse.command(&[
            "record",
            "--seconds",
            "60",
            "--quality",
            "studio",
            "--rate",
            "48000",
            "--out",
            out.to_str().unwrap(),
        ]));
        std::thread::sleep(wait);
        let alive_for = rec.acknowledged_at.elapsed();
        rec.child.kill().unwrap(); // SIGKILL: no chance to finish the file
        let _ = rec.child.wait();
        let _ = player.kill();
        let _ = player.wait();
        assert!(!out.exists(), "a killed take is still a part file");

        let recovered = pulse.command(&["recover", out.to_str().unwrap()]).output().unwrap();
        assert!(recovered.status.success(), "{}", String::from_utf8_lossy(&recovered.stderr));
        let (_, take) = read_wav(&out);
        let kept = take.len() as f64 / 48_000.0;
        println!("kill after {:.3} s: {kept:.3} s recovered", alive_for.as_secs_f64());
        assert!(kept >= alive_for.as_secs_f64() - 1.0, "kept {kept:.3} s of {:.3} s", alive_for.as_secs_f64());
        // What was kept is the signal, sample for sample (the take may begin
        // a moment before paplay's first samples arrive, in silence).
        let mid = take.len() / 2;
        let offset = find(&signal, &take[mid..mid + 64]).expect("the take holds the signal") as i64 - mid as i64;
        for (j, &sample) in take.iter().enumerate() {
            let k = j as i64 + offset;
            if k >= 0 {
                assert_eq!(sample, signal[k as usize], "take sample {j}");
            }
        }
    }
}

#[test]
fn a_microphone_that_goes_away_ends_the_take_and_keeps_it() {
    let _one = serial();
    let pulse = Pulse::start();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("signal.wav");
    write_wav(&source, 48_000, &noise(48_000 * 20, 3));
    let out = dir.path().join("lost.wav");
    let mut player = pulse.play(&source);
    let rec = Recording::start(pulse.command(&[
        "record",
        "--seconds",
        "60",
        "--quality",
        "studio",
        "--rate",
        "48000",
        "--out",
        out.to_str().unwrap(),
    ]));
    std::thread::sleep(Duration::from_secs(2));
    // The audio server dies: for ALSA's default device the microphone is gone.
    let pid = std::fs::read_to_string(pulse.runtime.path().join("pulse/pid")).unwrap();
    assert!(std::process::Command::new("kill").args(["-9", pid.trim()]).status().unwrap().success());
    let _ = player.kill();
    let _ = player.wait();
    let (ok, summary, stderr) = rec.finish();
    assert!(!ok, "a lost microphone is not a success");
    assert_eq!(summary["outcome"], "device_lost", "{summary}");
    let last = stderr.last().cloned().unwrap_or_default();
    assert!(
        last.contains("microphone") && last.contains("kept"),
        "says what happened and that the audio is kept: {stderr:?}"
    );
    let (_, take) = read_wav(&out);
    assert!(take.len() >= 48_000 * 3 / 2, "the audio before the loss is kept ({} samples)", take.len());
}
