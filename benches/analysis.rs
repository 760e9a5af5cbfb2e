//! Delivery analysis of a 45-minute take: `cargo bench -p mockloop-core
//! --bench analysis` (release profile). Builds the take from espeak-ng
//! speech (sentences and pauses, repeated with sox), at 16 kHz as `speech`
//! quality records and at 48 kHz as `studio` does, then prints the wall
//! time of `analysis::analyze_file` over a few runs. Target: ≤ 1 s.

use mockloop_core::analysis::analyze_file;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program} is needed: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn main() {
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    run(
        "espeak-ng",
        &[
            "-s",
            "160",
            "-w",
            &d("unit.wav"),
            "I would start with the customer. Then I would size the market, and pick one bet we can test in a month.",
        ],
    );
    let seconds: f64 = 45.0 * 60.0;
    for rate in [16_000u32, 48_000] {
        let unit = d(&format!("unit-{rate}.wav"));
        run("sox", &[&d("unit.wav"), "-r", &rate.to_string(), &unit, "pad", "0", "1.2"]);
        let unit_seconds = hound::WavReader::open(&unit).unwrap().duration() as f64 / f64::from(rate);
        let take = d(&format!("take-{rate}.wav"));
        let repeats = (seconds / unit_seconds).ceil() as usize;
        run("sox", &[&unit, &take, "repeat", &(repeats - 1).to_string(), "trim", "0", &seconds.to_string()]);
        let bytes = std::fs::metadata(&take).unwrap().len();
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..runs {
            let start = Instant::now();
            last = Some(analyze_file(Path::new(&take)).unwrap());
            times.push(start.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let last = last.unwrap();
        println!(
            "45-minute take at {} kHz ({:.0} MB): analysis min {:.3} s, median {:.3} s, max {:.3} s over {runs} runs \
             ({} pauses, {:.0} words a minute)",
            rate / 1000,
            bytes as f64 / 1e6,
            times[0],
            times[runs / 2],
            times[runs - 1],
            last.pauses.len(),
            last.words_per_minute_estimate
        );
    }
}
