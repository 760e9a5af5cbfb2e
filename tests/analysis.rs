//! Delivery analysis against speech whose truth is known: espeak-ng speaks
//! sentences of known words at known rates, sox resamples them, inserts
//! silences of known length and adds pink noise; the edges of each clip are
//! read off its clean samples. sox runs repeatable (`-R`): the same
//! dither and noise every time. Needs `espeak-ng` and `sox` on PATH
//! (`scripts/install-deps.sh test` installs both). The pace's calibration
//! is checked on real people reading known text (scripts/real-speech.sh,
//! which `make test` runs).

use mockloop_core::analysis::live::{LiveVoice, SharedVoice};
use mockloop_core::analysis::{analyze_file, vad, Delivery};
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "support/real_voices.rs"]
mod real_voices;
use real_voices::real_voices;

/// Sentences an interview answer might hold, each spoken without a pause.
const SENTENCES: [&str; 6] = [
    "We measured weekly active teams and the number moved only after we fixed onboarding for admins",
    "Tell me about a time you disagreed with an engineer about the scope of a release",
    "I would start with the customer and then size the market before I pick one bet to test",
    "The launch slipped by two weeks so I told our partners early and offered them a private preview",
    "Most of our churn came from small businesses that never invited a second person",
    "If I had to cut one feature I would keep search and drop the custom themes",
];
/// Tolerance on every edge: ±60 ms.
const EDGE: f64 = 0.060;
/// A clean clip's edges: the first and last sample above -40 dBFS.
const EDGE_LEVEL: i32 = 328;

fn run(program: &str, args: &[&str]) {
    // sox dithers whenever it writes fewer bits than it computed with,
    // from a random seed unless -R: repeatable runs, the same files.
    let repeatable: &[&str] = if program == "sox" { &["-R"] } else { &[] };
    let out = Command::new(program)
        .args(repeatable)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed for these tests (apt-get install espeak-ng sox): {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// One clip: `text` at `wpm` (espeak's -s), at `rate` Hz.
struct Clip {
    path: PathBuf,
    /// Seconds of the whole file.
    seconds: f64,
    /// Speech within it (seconds from its start).
    first: f64,
    last: f64,
    words: usize,
}

fn samples(path: &Path) -> (Vec<i32>, u32) {
    let mut r = hound::WavReader::open(path).unwrap();
    let rate = r.spec().sample_rate;
    (r.samples::<i32>().map(Result::unwrap).collect(), rate)
}

fn clip(dir: &Path, text: &str, wpm: u32, rate: u32) -> Clip {
    let raw = dir.join(format!("raw-{wpm}-{}.wav", text.len()));
    run("espeak-ng", &["-s", &wpm.to_string(), "-w", raw.to_str().unwrap(), text]);
    let resampled = dir.join(format!("resampled-{wpm}-{rate}-{}.wav", text.len()));
    run("sox", &[raw.to_str().unwrap(), "-r", &rate.to_string(), "-b", "16", resampled.to_str().unwrap()]);
    // Cut espeak's own leading and trailing silence, so the silences the
    // tests insert are the pauses.
    let (s, r) = samples(&resampled);
    let first = s.iter().position(|x| x.abs() > EDGE_LEVEL).unwrap();
    let last = s.iter().rposition(|x| x.abs() > EDGE_LEVEL).unwrap() + 1;
    let path = dir.join(format!("clip-{wpm}-{rate}-{}.wav", text.len()));
    let (from, to) = (format!("{first}s"), format!("={last}s"));
    run("sox", &[resampled.to_str().unwrap(), path.to_str().unwrap(), "trim", &from, &to]);
    let (s, r2) = samples(&path);
    assert_eq!((s.len(), r2), (last - first, r));
    Clip {
        path,
        seconds: s.len() as f64 / f64::from(r),
        first: 0.0,
        last: s.len() as f64 / f64::from(r),
        words: text.split_whitespace().count(),
    }
}

/// `seconds` of pink noise at `volume` (sox repeatable: the same noise
/// every run).
fn pink_noise(path: &Path, rate: u32, seconds: f64, volume: f64) {
    let (rate, seconds, volume) = (rate.to_string(), seconds.to_string(), volume.to_string());
    let args = [
        "-R",
        "-n",
        "-r",
        &rate,
        "-b",
        "16",
        "-c",
        "1",
        path.to_str().unwrap(),
        "synth",
        &seconds,
        "pinknoise",
        "vol",
        &volume,
    ];
    run("sox", &args);
}

fn silence(dir: &Path, seconds: f64, rate: u32) -> PathBuf {
    let path = dir.join(format!("silence-{seconds}-{rate}.wav"));
    run(
        "sox",
        &[
            "-n",
            "-r",
            &rate.to_string(),
            "-b",
            "16",
            "-c",
            "1",
            path.to_str().unwrap(),
            "trim",
            "0",
            &seconds.to_string(),
        ],
    );
    path
}

/// What was said, laid out: clips with silences between them.
struct Take {
    path: PathBuf,
    /// Where each clip's speech starts and ends in the take.
    speech: Vec<(f64, f64)>,
    words: usize,
    rate: u32,
}

impl Take {
    /// `lead` seconds of silence, then the clips with `gaps[i]` after
    /// clip i.
    fn build(dir: &Path, name: &str, rate: u32, lead: f64, clips: &[&Clip], gaps: &[f64]) -> Take {
        let mut parts = vec![silence(dir, lead, rate)];
        let mut at = lead;
        let mut speech = Vec::new();
        for (i, c) in clips.iter().enumerate() {
            parts.push(c.path.clone());
            speech.push((at + c.first, at + c.last));
            at += c.seconds;
            if let Some(&gap) = gaps.get(i) {
                parts.push(silence(dir, gap, rate));
                at += gap;
            }
        }
        parts.push(silence(dir, 0.5, rate));
        let path = dir.join(format!("{name}.wav"));
        let mut args: Vec<&str> = parts.iter().map(|p| p.to_str().unwrap()).collect();
        args.push(path.to_str().unwrap());
        run("sox", &args);
        Take { path, speech, words: clips.iter().map(|c| c.words).sum(), rate }
    }

    /// Speaking time as the analysis defines it: first word to last, less
    /// the silences of 0.5 s or more.
    fn speaking_seconds(&self) -> f64 {
        let total = self.speech.last().unwrap().1 - self.speech[0].0;
        let paused: f64 = self.speech.windows(2).map(|w| w[1].0 - w[0].1).filter(|g| *g >= 0.5).sum();
        total - paused
    }

    fn true_wpm(&self) -> f64 {
        self.words as f64 * 60.0 / self.speaking_seconds()
    }

    /// The same take with pink noise at `snr` dB under the speech.
    fn with_noise(&self, dir: &Path, snr: f64) -> PathBuf {
        let (s, rate) = samples(&self.path);
        let speech_rms =
            rms(&s, self.speech.iter().map(|(a, b)| ((a * f64::from(rate)) as usize, (b * f64::from(rate)) as usize)));
        let noise = dir.join(format!("pink-{}.wav", self.rate));
        let seconds = s.len() as f64 / f64::from(rate);
        pink_noise(&noise, rate, seconds, 0.1);
        let (n, _) = samples(&noise);
        let noise_rms = rms(&n, std::iter::once((0, n.len())));
        let volume = speech_rms / noise_rms / 10f64.powf(snr / 20.0);
        let out = dir.join(format!("noisy-{}.wav", self.rate));
        run(
            "sox",
            &[
                "-m",
                "-v",
                "1",
                self.path.to_str().unwrap(),
                "-v",
                &volume.to_string(),
                noise.to_str().unwrap(),
                out.to_str().unwrap(),
            ],
        );
        out
    }
}

fn rms(s: &[i32], ranges: impl Iterator<Item = (usize, usize)>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for (a, b) in ranges {
        for x in &s[a..b.min(s.len())] {
            sum += f64::from(*x) * f64::from(*x);
            n += 1;
        }
    }
    (sum / n as f64).sqrt()
}

/// Syllables the detector finds per word on espeak-ng's voice, which
/// sounds every vowel (on people it finds fewer:
/// `analysis::SYLLABLES_PER_WORD`, checked on real voices below). The
/// synthetic tests hold the detector's count to this, so they test the
/// counting, and the real voices test the calibration.
const ESPEAK_SYLLABLES_PER_WORD: f64 = 1.45;

/// Words a minute from the syllables found, at espeak-ng's syllables a word.
fn espeak_pace(d: &Delivery) -> f64 {
    d.syllables_per_second * 60.0 / ESPEAK_SYLLABLES_PER_WORD
}

fn analyze(path: &Path) -> Delivery {
    analyze_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn assert_close(what: &str, found: f64, expected: f64, within: f64) {
    assert!((found - expected).abs() <= within, "{what}: found {found:.3} s, expected {expected:.3} s ± {within} s");
}

/// Four sentences with silences of 0.7, 1.2 and 2.5 s between them.
fn paused_take(dir: &Path, rate: u32) -> Take {
    let clips: Vec<Clip> = SENTENCES[..4].iter().map(|t| clip(dir, t, 160, rate)).collect();
    let refs: Vec<&Clip> = clips.iter().collect();
    Take::build(dir, &format!("paused-{rate}"), rate, 1.0, &refs, &[0.7, 1.2, 2.5])
}

#[test]
fn inserted_silences_are_found_at_both_edges_and_none_inside_speech() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [16_000, 48_000] {
        let take = paused_take(dir.path(), rate);
        let d = analyze(&take.path);
        assert_eq!(d.pauses.len(), 3, "{rate} Hz: pauses {:?}", d.pauses);
        let mut worst: f64 = 0.0;
        for (i, p) in d.pauses.iter().enumerate() {
            assert_close(&format!("{rate} Hz pause {i} start"), p.start, take.speech[i].1, EDGE);
            assert_close(&format!("{rate} Hz pause {i} end"), p.end, take.speech[i + 1].0, EDGE);
            worst = worst.max((p.start - take.speech[i].1).abs()).max((p.end - take.speech[i + 1].0).abs());
        }
        println!("{rate} Hz: pauses of 0.7, 1.2, 2.5 s found, worst edge {:.0} ms off", worst * 1000.0);
        assert_eq!(d.long_pauses, 2, "{rate} Hz: 1.2 s and 2.5 s are long");
        let longest = take.speech[3].0 - take.speech[2].1;
        assert_close(&format!("{rate} Hz longest pause"), d.longest_pause_seconds, longest, 2.0 * EDGE);
        assert_close(&format!("{rate} Hz speaking time"), d.speaking_seconds, take.speaking_seconds(), 4.0 * EDGE);
    }
    // Each sentence alone, at every rate: continuous speech, no pause.
    for wpm in [120, 160, 200] {
        for text in SENTENCES {
            let c = clip(dir.path(), text, wpm, 16_000);
            let d = analyze(&c.path);
            assert!(d.pauses.is_empty(), "{wpm} wpm {text:?}: pauses {:?}", d.pauses);
        }
    }
}

#[test]
fn time_to_first_word_follows_the_leading_silence() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [16_000, 48_000] {
        let c = clip(dir.path(), SENTENCES[1], 160, rate);
        // Not on 5 ms boundaries, so the blocks' grid cannot line up by luck.
        for lead in [0.3, 0.777, 1.5013, 2.9969] {
            let take = Take::build(dir.path(), &format!("lead-{lead}-{rate}"), rate, lead, &[&c], &[]);
            let d = analyze(&take.path);
            let first = d.first_speech_seconds.expect("speech found");
            assert_close(&format!("{rate} Hz, {lead} s lead: first word"), first, take.speech[0].0, EDGE);
            println!("{rate} Hz, {lead} s lead: first word {:+.0} ms off", (first - take.speech[0].0) * 1000.0);
        }
    }
}

/// The six sentences at `wpm`, 0.3 s apart (gaps between words, not pauses).
fn passage(dir: &Path, wpm: u32, rate: u32) -> Take {
    let clips: Vec<Clip> = SENTENCES.iter().map(|t| clip(dir, t, wpm, rate)).collect();
    let refs: Vec<&Clip> = clips.iter().collect();
    Take::build(dir, &format!("passage-{wpm}-{rate}"), rate, 0.5, &refs, &[0.3; 5])
}

#[test]
fn pace_rises_with_the_speaking_rate_and_stays_within_a_fifth() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [16_000, 48_000] {
        let mut previous = 0.0;
        for wpm in [120, 160, 200] {
            let take = passage(dir.path(), wpm, rate);
            let d = analyze(&take.path);
            let truth = take.true_wpm();
            let pace = espeak_pace(&d);
            let error = (pace - truth) / truth;
            println!(
                "{rate} Hz, espeak -s {wpm}: true {truth:.0} wpm, from the syllables {pace:.0} wpm ({:+.1} %), {} syllables",
                error * 100.0,
                d.syllables
            );
            assert!(error.abs() <= 0.20, "{rate} Hz -s {wpm}: {pace:.0} vs true {truth:.0}");
            assert!(pace > previous, "{rate} Hz: pace rises with -s {wpm}");
            assert!(d.pauses.is_empty(), "{rate} Hz -s {wpm}: pauses {:?}", d.pauses);
            previous = pace;
        }
    }
}

#[test]
fn pace_on_real_voices_is_words_over_speaking_time() {
    let (mut words, mut estimated, mut speaking) = (0.0, 0.0, 0.0);
    let mut errors = Vec::new();
    for (path, text) in real_voices() {
        let d = analyze(&path);
        let said = text.split_whitespace().count() as f64;
        let truth = said * 60.0 / d.speaking_seconds;
        let error = (d.words_per_minute_estimate - truth) / truth;
        println!(
            "{}: {said} words in {:.2} s of speech, true {truth:.0} wpm, estimate {:.0} ({:+.0} %), {:.2} syllables found a word",
            path.file_name().unwrap().to_string_lossy(),
            d.speaking_seconds,
            d.words_per_minute_estimate,
            error * 100.0,
            f64::from(d.syllables) / said
        );
        // A clip of a few words can be far off; none by half.
        assert!(error.abs() < 0.5, "{}: {:.0} vs {truth:.0}", path.display(), d.words_per_minute_estimate);
        words += said;
        estimated += d.words_per_minute_estimate * d.speaking_seconds / 60.0;
        speaking += d.speaking_seconds;
        errors.push(error);
    }
    errors.sort_by(f64::total_cmp);
    let pooled = (estimated - words) / words;
    let median = errors[errors.len() / 2];
    println!(
        "all {} clips: {words} words in {speaking:.1} s, estimate {:+.1} % pooled, median clip {:+.1} %",
        errors.len(),
        pooled * 100.0,
        median * 100.0
    );
    assert!(errors.len() >= 10, "the real recordings are missing");
    assert!(pooled.abs() <= 0.05, "pooled estimate {:+.1} %", pooled * 100.0);
    assert!(median.abs() <= 0.15, "median clip {:+.1} %", median * 100.0);
}

#[test]
fn pink_noise_at_20_db_keeps_pauses_and_pace() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [16_000, 48_000] {
        let take = paused_take(dir.path(), rate);
        let clean = analyze(&take.path);
        let noisy = analyze(&take.with_noise(dir.path(), 20.0));
        assert_eq!(noisy.pauses.len(), 3, "{rate} Hz noisy: {:?}", noisy.pauses);
        assert_eq!(noisy.long_pauses, clean.long_pauses);
        let first = noisy.first_speech_seconds.unwrap();
        assert_close(&format!("{rate} Hz noisy first word"), first, take.speech[0].0, EDGE);
        let mut worst: f64 = 0.0;
        for (i, p) in noisy.pauses.iter().enumerate() {
            // A word's quiet tail sinks under the noise: twice the clean tolerance.
            assert_close(&format!("{rate} Hz noisy pause {i} start"), p.start, take.speech[i].1, 2.0 * EDGE);
            assert_close(&format!("{rate} Hz noisy pause {i} end"), p.end, take.speech[i + 1].0, 2.0 * EDGE);
            worst = worst.max((p.start - take.speech[i].1).abs()).max((p.end - take.speech[i + 1].0).abs());
        }
        println!(
            "{rate} Hz, 20 dB SNR: worst pause edge {:.0} ms off, first word {:+.0} ms",
            worst * 1000.0,
            (first - take.speech[0].0) * 1000.0
        );
        let truth = take.true_wpm();
        let error = (espeak_pace(&noisy) - truth) / truth;
        println!(
            "{rate} Hz, 20 dB SNR: true {truth:.0} wpm, from the syllables clean {:.0}, noisy {:.0} ({:+.1} %)",
            espeak_pace(&clean),
            espeak_pace(&noisy),
            error * 100.0
        );
        assert!(error.abs() <= 0.20, "{rate} Hz noisy pace {:.0} vs {truth:.0}", espeak_pace(&noisy));
    }
}

#[test]
fn noise_or_silence_alone_is_no_speech_and_no_pauses() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [16_000, 48_000] {
        let noise = dir.path().join(format!("noise-{rate}.wav"));
        pink_noise(&noise, rate, 20.0, 0.3);
        let quiet = silence(dir.path(), 20.0, rate);
        for path in [noise, quiet] {
            let d = analyze(&path);
            assert_eq!(d.speaking_seconds, 0.0, "{}", path.display());
            assert!(d.pauses.is_empty() && d.first_speech_seconds.is_none(), "{}: {d:?}", path.display());
            assert_eq!((d.syllables, d.words_per_minute_estimate), (0, 0.0));
            assert_close("length", d.seconds, 20.0, 0.001);
        }
    }
}

#[test]
fn level_clipping_and_too_quiet_follow_the_gain() {
    let dir = tempfile::tempdir().unwrap();
    let c = clip(dir.path(), SENTENCES[4], 160, 16_000);
    let normal = analyze(&c.path);
    let level = normal.speech_dbfs.unwrap();
    assert!(!normal.too_quiet && normal.clipped_samples == 0, "{normal:?}");
    let quiet = dir.path().join("quiet.wav");
    run("sox", &[c.path.to_str().unwrap(), quiet.to_str().unwrap(), "gain", "-30"]);
    let q = analyze(&quiet);
    assert_close("30 dB quieter", q.speech_dbfs.unwrap(), level - 30.0, 1.0);
    assert!(q.too_quiet, "speech at {:?} dBFS is too quiet", q.speech_dbfs);
    let loud = dir.path().join("loud.wav");
    run("sox", &[c.path.to_str().unwrap(), loud.to_str().unwrap(), "gain", "20"]);
    let l = analyze(&loud);
    assert!(l.clipped_samples > 100, "20 dB of gain clips: {}", l.clipped_samples);
    assert!(!l.too_quiet);
}

#[test]
fn any_depth_channel_count_and_rate_gives_the_same_answer() {
    let dir = tempfile::tempdir().unwrap();
    let c = clip(dir.path(), SENTENCES[2], 160, 16_000);
    let take = Take::build(dir.path(), "reference", 16_000, 1.0, &[&c], &[]);
    let reference = analyze(&take.path);
    let variants: [(&str, &[&str]); 9] = [
        ("8-bit", &["-b", "8"]),
        ("24-bit", &["-b", "24"]),
        ("float", &["-e", "floating-point", "-b", "32"]),
        ("6 channels", &["-c", "6"]),
        ("192 kHz", &["-r", "192000"]),
        // Rates that are no whole multiple of 16 kHz: the FFT resampler.
        ("44.1 kHz", &["-r", "44100"]),
        ("22.05 kHz", &["-r", "22050"]),
        ("88.2 kHz", &["-r", "88200"]),
        ("8 kHz", &["-r", "8000"]),
    ];
    for (name, args) in variants {
        let out = dir.path().join(format!("{}.wav", name.replace(' ', "-")));
        let mut all = vec![take.path.to_str().unwrap()];
        all.extend_from_slice(args);
        all.push(out.to_str().unwrap());
        run("sox", &all);
        let d = analyze(&out);
        assert_close(&format!("{name}: length"), d.seconds, reference.seconds, 0.001);
        assert_close(&format!("{name}: first word"), d.first_speech_seconds.unwrap(), take.speech[0].0, EDGE);
        assert_close(&format!("{name}: speaking"), d.speaking_seconds, reference.speaking_seconds, 2.0 * EDGE);
        let syllables = f64::from(d.syllables) / f64::from(reference.syllables);
        assert!(
            (0.9..=1.1).contains(&syllables),
            "{name}: {} syllables, 16-bit mono {}",
            d.syllables,
            reference.syllables
        );
    }
}

#[test]
fn an_hour_long_take_is_analysed_whole() {
    // A sentence and 1.5 s of silence, over and over for an hour.
    let dir = tempfile::tempdir().unwrap();
    let c = clip(dir.path(), SENTENCES[5], 160, 16_000);
    let unit = Take::build(dir.path(), "unit", 16_000, 1.0, &[&c], &[]);
    let unit_seconds = c.seconds + 1.5;
    let repeats = (3600.0 / unit_seconds).ceil() as usize;
    let hour = dir.path().join("hour.wav");
    run("sox", &[unit.path.to_str().unwrap(), hour.to_str().unwrap(), "repeat", &(repeats - 1).to_string()]);
    let d = analyze(&hour);
    assert!(d.seconds >= 3600.0, "{}", d.seconds);
    assert_eq!(d.pauses.len(), repeats - 1, "one pause between each two sentences");
    assert_eq!(d.long_pauses as usize, repeats - 1);
    assert_close("longest pause", d.longest_pause_seconds, 1.5, 2.0 * EDGE);
    assert_close("speaking time", d.speaking_seconds, c.seconds * repeats as f64, 0.02 * c.seconds * repeats as f64);

    // Long takes are split across threads, each piece warmed up on the
    // seconds before it: the pieces decide as one pass would.
    let (samples, _) = samples(&hour);
    let samples: Vec<i16> = samples.into_iter().map(|s| s as i16).collect();
    let one = vad::voiced_frames_in(&samples, 1);
    let four = vad::voiced_frames_in(&samples, 4);
    let differ = one.iter().zip(&four).filter(|(a, b)| a != b).count();
    println!("an hour in 4 pieces: {differ} of {} frames decided otherwise than in one pass", one.len());
    assert!(differ * 1_000 <= one.len(), "{differ} frames differ (at most 1 in 1,000)");
}

/// Feeds `samples` to a live detector in 10 ms blocks up to `until`
/// seconds, as the recorder's writer would.
fn listen_until(voice: &mut LiveVoice, out: &SharedVoice, samples: &[i32], rate: u32, from: f64, until: f64) {
    let (a, b) = ((from * f64::from(rate)) as usize, ((until * f64::from(rate)) as usize).min(samples.len()));
    let floats: Vec<f32> = samples[a..b].iter().map(|&s| s as f32 / 32768.0).collect();
    for block in floats.chunks((rate / 100) as usize) {
        voice.push(block, out);
    }
}

#[test]
fn the_live_detector_hears_the_silences_a_hands_free_answer_ends_on() {
    let dir = tempfile::tempdir().unwrap();
    for rate in [16_000, 44_100, 48_000] {
        let take = paused_take(dir.path(), rate);
        let (s, _) = samples(&take.path);
        let (out, mut voice) = (SharedVoice::default(), LiveVoice::new(rate));
        // Up to the end of the first sentence: no silence yet.
        listen_until(&mut voice, &out, &s, rate, 0.0, take.speech[0].1);
        assert!(out.quiet_ms() < 200, "{rate} Hz: quiet {} ms while speaking", out.quiet_ms());
        // Through the 2.5 s pause, up to the fourth sentence.
        listen_until(&mut voice, &out, &s, rate, take.speech[0].1, take.speech[3].0);
        let gap = take.speech[3].0 - take.speech[2].1;
        let quiet = out.quiet_ms() as f64 / 1000.0;
        println!("{rate} Hz: a {gap:.2} s pause heard as {quiet:.2} s of quiet");
        assert!((quiet - gap).abs() <= 0.25, "{rate} Hz: {gap:.2} s pause, {quiet:.2} s heard");
        // The rest: speech stops the quiet, and the end is quiet again.
        listen_until(&mut voice, &out, &s, rate, take.speech[3].0, take.speech[3].0 + 0.5);
        assert!(out.quiet_ms() < 200, "{rate} Hz: speech again, quiet {} ms", out.quiet_ms());
        listen_until(&mut voice, &out, &s, rate, take.speech[3].0 + 0.5, f64::MAX);
        let tail = s.len() as f64 / f64::from(rate) - take.speech[3].1;
        let quiet = out.quiet_ms() as f64 / 1000.0;
        assert!((quiet - tail).abs() <= 0.25, "{rate} Hz: {tail:.2} s at the end, {quiet:.2} s heard");
        // Voice heard adds up to about the speaking time (the offline
        // analysis's edges are finer than 16 ms frames).
        let heard = out.speech_ms() as f64 / 1000.0;
        let truth = take.speaking_seconds();
        println!("{rate} Hz: {heard:.2} s heard as voice of {truth:.2} s speaking");
        assert!(heard > 0.6 * truth && heard <= truth + 0.3, "{rate} Hz: {heard:.2} s of {truth:.2} s");
    }
}
