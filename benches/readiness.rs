//! Benchmark: the dashboard's computation over five years of daily practice.
//! Prints figures; asserts nothing.
//!
//!   cargo bench -p mockloop-core --bench readiness [-- DATA_DIR]
//!
//! Without DATA_DIR it writes `demo-data --weeks 260` into a temporary folder
//! first. Times reading the history (`History::load`) and building the
//! report (`readiness::build`) separately, 15 times each after one warm-up.

use chrono::NaiveDate;
use mockloop_core::demo::{self, DemoOptions};
use mockloop_core::loops::Catalog;
use mockloop_core::readiness::{build, History};
use mockloop_core::store::Store;
use std::time::{Duration, Instant};

fn main() {
    // cargo bench passes `--bench`; the first other argument is the folder.
    let args: Vec<String> = std::env::args().collect();
    let arg = args.get(1..).unwrap_or_default().iter().find(|a| !a.starts_with('-')).cloned();
    let temp = tempfile::tempdir().expect("a temporary folder");
    let dir = arg.map_or_else(|| temp.path().to_path_buf(), std::path::PathBuf::from);
    let catalog = Catalog::load(None);
    let end = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a valid date");
    let lock = mockloop_core::lock::DataLock::acquire(&dir, "the readiness benchmark").expect("lock the folder");
    let mut store = Store::open_in(&lock).expect("open the store");
    if store.recent_runs(1).expect("read runs").is_empty() {
        let t = Instant::now();
        let s =
            demo::generate(&mut store, &catalog, DemoOptions { weeks: 260, seed: 1, end }, false).expect("demo data");
        println!(
            "demo-data --weeks 260: {} runs, {} rounds, {} ratings in {:.2} s",
            s.runs,
            s.rounds,
            s.ratings,
            t.elapsed().as_secs_f64()
        );
    }
    let mut scans = Vec::new();
    let mut reads = Vec::new();
    let mut builds = Vec::new();
    let mut totals = Vec::new();
    for i in 0..16 {
        let t = Instant::now();
        std::hint::black_box(store.history().expect("read history"));
        let scan = t.elapsed();
        let t = Instant::now();
        let history = History::load(&store).expect("read history");
        let read = t.elapsed();
        let report = build(&catalog, &history, end, Some(end + chrono::Days::new(21)), 12);
        let total = t.elapsed();
        std::hint::black_box(&report);
        if i > 0 {
            scans.push(scan);
            reads.push(read);
            builds.push(total - read);
            totals.push(total);
        }
    }
    let stats = |v: &mut Vec<Duration>| {
        v.sort();
        format!("median {:.1} ms, min {:.1} ms, max {:.1} ms", ms(v[v.len() / 2]), ms(v[0]), ms(v[v.len() - 1]))
    };
    println!("  the tables alone:  {}", stats(&mut scans));
    println!("read history:        {}", stats(&mut reads));
    println!("compute the report:  {}", stats(&mut builds));
    println!("dashboard, in all:   {}   (target: 50 ms)", stats(&mut totals));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
