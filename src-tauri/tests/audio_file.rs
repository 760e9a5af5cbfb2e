//! Recording and playback through ALSA's `file` plugin: a microphone that
//! delivers a known file as fast as it is read, and speakers that write a
//! file. No sound card, no real time.

mod support;

use std::process::Command;
use std::time::Instant;
use support::{find, noise, read_raw, read_wav, FileAudio, Recording};

/// Walks the take along the input: each take sample is the next input
/// sample, or the take resumes further on after a gap. Returns the total
/// length of the gaps: the samples actually missing from the take.
fn missing_samples(input: &[i16], take: &[i16]) -> usize {
    let (mut i, mut t, mut missing) = (0, 0, 0);
    while t < take.len() {
        if input.get(i) == Some(&take[t]) {
            i += 1;
            t += 1;
            continue;
        }
        // Where the take resumes: the next 16 samples found further on in
        // the input, or (a second gap within them, when the machine is
        // loaded) the next 8 or 4; 4 random 16-bit samples are still unique
        // in the input.
        let skip = [16, 8, 4]
            .into_iter()
            .find_map(|n| find(&input[i..], &take[t..(t + n).min(take.len())]))
            .unwrap_or_else(|| panic!("take sample {t} does not come from the input"));
        missing += skip;
        i += skip;
    }
    missing
}

#[test]
fn file_fed_microphone_is_recorded_exactly_or_drops_are_counted_honestly() {
    // The plugin delivers as fast as it is read, far faster than real time,
    // so the input is long: the take must never reach its end (the ALSA
    // reader takes it at 1,000-2,000x real time while the writer is busy).
    let input = noise(48_000 * 900, 7);
    let audio = FileAudio::new(&input);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("take.wav");
    let started = Instant::now();
    let rec = Recording::start(audio.command(&[
        "record",
        "--seconds",
        "5",
        "--quality",
        "studio",
        "--rate",
        "48000",
        "--out",
        out.to_str().unwrap(),
    ]));
    let (ok, summary, stderr) = rec.finish();
    let wall = started.elapsed().as_secs_f64();
    assert!(ok, "{stderr:?}");
    let (spec, take) = read_wav(&out);
    assert_eq!(spec.sample_rate, 48_000);
    assert_eq!(take.len(), 5 * 48_000, "stops after 5 s of captured audio");
    assert_eq!(summary["frames"], 5 * 48_000);
    let dropped = summary["dropped_samples"].as_u64().unwrap();
    let missing = missing_samples(&input, &take) as u64;
    println!(
        "file-fed: 5 s of audio written in {wall:.2} s; {:.1} s of input read ({:.1}x real time); dropped {dropped}, missing {missing}",
        (take.len() as u64 + missing) as f64 / 48_000.0,
        (take.len() as u64 + missing) as f64 / 48_000.0 / wall
    );
    assert!(take.len() as u64 + missing < input.len() as u64, "the input was long enough to check against");
    assert_eq!(missing, dropped, "the dropped-sample count is exactly what is missing from the file");
}

#[test]
fn speech_quality_is_16_khz_mono() {
    let input = noise(48_000 * 5, 11);
    let audio = FileAudio::new(&input);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("speech.wav");
    let (ok, summary, stderr) =
        Recording::start(audio.command(&["record", "--seconds", "3", "--out", out.to_str().unwrap()])).finish();
    assert!(ok, "{stderr:?}");
    let (spec, take) = read_wav(&out);
    assert_eq!((spec.sample_rate, spec.channels, spec.bits_per_sample), (16_000, 1, 16));
    assert_eq!(take.len(), 48_000);
    assert_eq!(summary["rate"], 16_000);
    assert_eq!(summary["input_rate"], 48_000);
}

#[test]
fn playback_to_a_file_backed_output_reproduces_the_take() {
    let audio = FileAudio::new(&noise(480, 1));
    let dir = tempfile::tempdir().unwrap();
    let take = dir.path().join("take.wav");
    let samples = noise(48_000 * 3 + 17, 99);
    support::write_wav(&take, 48_000, &samples);
    let out = audio.command(&["play", take.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The device also plays silence before playback starts and after it ends.
    let played = read_raw(&audio.played());
    let start = find(&played, &samples[..32]).expect("the take's first samples were played");
    assert!(played[..start].iter().all(|&s| s == 0), "only silence before the take");
    assert!(played.len() >= start + samples.len(), "the whole take was played");
    let mismatch = played[start..start + samples.len()].iter().zip(&samples).position(|(a, b)| a != b);
    assert_eq!(mismatch, None, "played sample for sample (first difference at that index)");
    assert!(played[start + samples.len()..].iter().all(|&s| s == 0), "only silence after the take");
}

#[test]
fn a_file_size_limit_mid_take_keeps_what_was_written() {
    let input = noise(48_000 * 20, 5);
    let audio = FileAudio::new(&input);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("limited.wav");
    // 256 KiB: about 2.7 s of 48 kHz 16-bit audio.
    let script = format!(
        "ulimit -f 256; exec {} record --seconds 15 --quality studio --rate 48000 --out {}",
        support::BIN,
        out.display()
    );
    let mut shell = Command::new("bash");
    shell.arg("-c").arg(script);
    audio.env(&mut shell);
    let result = shell.output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: the file size limit was reached"), "one clear line: {stderr}");
    assert!(!stderr.contains("panicked"));
    let (_, take) = read_wav(&out);
    assert!(take.len() > 48_000 * 2, "kept {} samples", take.len());
    assert!(std::fs::metadata(&out).unwrap().len() <= 256 * 1024);
    let start = find(&input, &take[..64]).expect("the take is the input");
    assert_eq!(start, 0);
    let summary: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    if summary["dropped_samples"] == 0 {
        assert!(take[..] == input[..take.len()], "what was kept is exact");
    }
    assert_eq!(summary["outcome"], "write_failed");
}

#[test]
fn no_microphone_is_a_clear_error() {
    let audio = FileAudio::new(&noise(10, 1));
    // A default capture device that does not exist.
    std::fs::write(
        audio.home.path().join(".asoundrc"),
        "pcm.!default { type asym capture.pcm \"nosuchmic\" playback.pcm \"null\" }\npcm.nosuchmic { type hw card 97 }\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never.wav");
    let result = audio.command(&["record", "--seconds", "1", "--out", out.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("microphone") || stderr.contains("audio device"), "{stderr}");
    assert!(!stderr.contains("panicked"));
    assert!(!out.exists());

    let named = audio
        .command(&["record", "--seconds", "1", "--device", "Studio Mic 3000", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&named.stderr);
    assert_eq!(named.status.code(), Some(1));
    assert_eq!(stderr.trim(), "error: no audio device named \"Studio Mic 3000\" (see: mockloop devices)");
}

#[test]
fn devices_lists_the_default_device_as_json() {
    let audio = FileAudio::new(&noise(10, 1));
    let out = audio.command(&["devices", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.iter().any(|d| d["default_input"] == true && d["input"] == true), "{list:?}");
}

#[test]
fn playback_from_a_position_starts_there() {
    let audio = FileAudio::new(&noise(480, 1));
    let dir = tempfile::tempdir().unwrap();
    let take = dir.path().join("take.wav");
    let samples = noise(48_000 * 3, 123);
    support::write_wav(&take, 48_000, &samples);
    let out = audio.command(&["play", "--from", "1.5", take.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let played = read_raw(&audio.played());
    let first = played.iter().position(|&s| s != 0).expect("something was played");
    let rest = &samples[72_000..];
    assert!(played[first..].starts_with(rest), "playback began exactly 1.5 s in, with nothing before it");
}
