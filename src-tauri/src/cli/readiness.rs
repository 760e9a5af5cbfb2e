//! `mockloop report` and `mockloop demo-data`.

use chrono::{Local, NaiveDate};
use mockloop_core::demo::{self, DemoOptions};
use mockloop_core::loops::Catalog;
use mockloop_core::paths;
use mockloop_core::readiness::{self, run_report, History};
use mockloop_core::store::Store;
use std::path::Path;
use std::time::Instant;

/// Opens the data dir's store (read only: a window may have it open) and
/// loops, or says why not.
fn open(data_dir: Option<&Path>) -> Result<(Store, Catalog), String> {
    let dir = paths::data_dir(data_dir)?;
    let store = Store::open_read_only(&dir).map_err(|e| e.to_string())?;
    let catalog = Catalog::load(Some(&paths::loops_dir(&dir)));
    for problem in &catalog.problems {
        eprintln!("warning: {problem} (this loop file was skipped)");
    }
    Ok((store, catalog))
}

fn fail(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {message}");
    1
}

/// Prints the readiness report; returns the exit code.
pub fn report(
    data_dir: Option<&Path>,
    weeks: usize,
    json: bool,
    today: Option<NaiveDate>,
    target: Option<NaiveDate>,
    timing: bool,
) -> i32 {
    let (store, catalog) = match open(data_dir) {
        Ok(opened) => opened,
        Err(e) => return fail(e),
    };
    let target = match target.map_or_else(|| store.target_date(), |t| Ok(Some(t))) {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let started = Instant::now();
    let history = match History::load(&store) {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let read = started.elapsed();
    let report = readiness::build(
        &catalog,
        &history,
        today.unwrap_or_else(|| Local::now().date_naive()),
        target,
        weeks.clamp(1, 520),
    );
    let computed = started.elapsed() - read;
    let text = if json {
        match serde_json::to_string_pretty(&report) {
            Ok(text) => text,
            Err(e) => return fail(format!("cannot write JSON: {e}")),
        }
    } else {
        readiness::to_markdown(&report)
    };
    println!("{text}");
    if timing {
        eprintln!(
            "read {} ratings and {} answers in {:.1} ms; computed in {:.1} ms",
            history.ratings.len(),
            history.answers.len(),
            read.as_secs_f64() * 1000.0,
            computed.as_secs_f64() * 1000.0
        );
    }
    0
}

/// Prints one run's write-up; returns the exit code.
pub fn run_report(data_dir: Option<&Path>, run_id: i64, html: bool) -> i32 {
    let (store, catalog) = match open(data_dir) {
        Ok(opened) => opened,
        Err(e) => return fail(e),
    };
    let mut report = match run_report::RunReport::load(&store, run_id) {
        Ok(r) => r,
        Err(e) => return fail(format!("{e} (run ids: `mockloop report --json`, or the app's home screen)")),
    };
    if let Ok(dir) = paths::data_dir(data_dir) {
        report.analyze_missing(&dir);
    }
    if html {
        print!("{}", run_report::html(&report, &catalog));
    } else {
        print!("{}", run_report::markdown(&report, &catalog));
    }
    0
}

/// Writes sample history; returns the exit code.
pub fn demo_data(data_dir: Option<&Path>, weeks: u32, seed: u64, end: Option<NaiveDate>, into_existing: bool) -> i32 {
    let dir = match data_dir.map_or_else(paths::demo_dir, |d| Ok(d.to_path_buf())) {
        Ok(d) => d,
        Err(e) => return fail(e),
    };
    if weeks == 0 || weeks > 1040 {
        return fail(format!("--weeks {weeks}: give 1 to 1040 weeks"));
    }
    // One writer per data folder: not while the window (or another
    // command) has it open.
    let lock = match mockloop_core::lock::DataLock::acquire(&dir, "mockloop demo-data") {
        Ok(lock) => lock,
        Err(e) => return fail(e),
    };
    let mut store = match Store::open_in(&lock) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let catalog = Catalog::load(None);
    let end = end.unwrap_or_else(|| Local::now().date_naive());
    eprintln!("writing {weeks} weeks of sample practice to {} ...", dir.display());
    let started = Instant::now();
    let summary = match demo::generate(&mut store, &catalog, DemoOptions { weeks, seed, end }, into_existing) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    // An interview three weeks after the history ends, so projections show
    // (only where the user has not set one).
    let unset = store.target_date().map(|t| t.is_none()).unwrap_or(false);
    if unset {
        if let Err(e) = store.set_target_date(end.checked_add_days(chrono::Days::new(21))) {
            return fail(e);
        }
    }
    eprintln!(
        "{} runs, {} rounds, {} ratings in {:.1} s. See them: mockloop --data-dir {} (or `report`)",
        summary.runs,
        summary.rounds,
        summary.ratings,
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    0
}
