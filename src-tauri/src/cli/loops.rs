//! `mockloop loops` and `mockloop validate`.

use mockloop_core::loops::parse::MAX_PROBLEMS;
use mockloop_core::loops::{validate_file, Catalog, Loop};
use mockloop_core::paths;
use serde::Serialize;
use std::path::{Path, PathBuf};

#[derive(Serialize)]
struct LoopJson<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    source: String,
    minutes: u32,
    rounds: Vec<RoundJson<'a>>,
}

#[derive(Serialize)]
struct RoundJson<'a> {
    id: &'a str,
    kind: &'a str,
    title: &'a str,
    minutes: u32,
    answer_seconds: u32,
    probe_seconds: u32,
    optional: bool,
    competencies: &'a [String],
    checklist_items: usize,
    questions: usize,
}

fn loop_json(lp: &Loop) -> LoopJson<'_> {
    LoopJson {
        id: &lp.id,
        title: &lp.title,
        description: &lp.description,
        source: lp.source.to_string(),
        minutes: lp.total_minutes(true),
        rounds: lp
            .rounds
            .iter()
            .map(|r| RoundJson {
                id: &r.id,
                kind: &r.kind,
                title: &r.title,
                minutes: r.minutes,
                answer_seconds: r.answer_seconds,
                probe_seconds: r.probe_seconds,
                optional: r.optional,
                competencies: &r.competencies,
                checklist_items: r.checklist.len(),
                questions: lp.bank(&r.kind).count(),
            })
            .collect(),
    }
}

/// Lists every loop; returns the exit code.
pub fn loops(data_dir: Option<&Path>, json: bool) -> i32 {
    // Listing works even without a usable data dir: the built-ins are always there.
    let user_dir = paths::data_dir(data_dir).ok().map(|d| paths::loops_dir(&d));
    let catalog = Catalog::load(user_dir.as_deref());
    for problem in &catalog.problems {
        eprintln!("warning: {problem} (this loop file was skipped)");
    }
    if json {
        let out: Vec<LoopJson> = catalog.loops.iter().map(loop_json).collect();
        if !super::print_json(&out) {
            return 1;
        }
    } else {
        for lp in &catalog.loops {
            println!(
                "{}  {}  ({}, {} rounds, {} min)",
                lp.id,
                lp.title,
                lp.source,
                lp.rounds.len(),
                lp.total_minutes(true)
            );
            for (i, r) in lp.rounds.iter().enumerate() {
                let optional = if r.optional { " (optional)" } else { "" };
                println!(
                    "  {}. {:<16} {:<40} {:>3} min  {:>3} questions{optional}",
                    i + 1,
                    r.id,
                    r.title,
                    r.minutes,
                    lp.bank(&r.kind).count()
                );
            }
        }
    }
    0
}

/// Validates loop files; returns the exit code.
pub fn validate(files: &[PathBuf]) -> i32 {
    let mut bad = 0;
    for file in files {
        match validate_file(file) {
            Ok(lp) => println!(
                "{}: ok ({} \"{}\", {} rounds, {} questions)",
                file.display(),
                lp.id,
                lp.title,
                lp.rounds.len(),
                lp.questions.len()
            ),
            Err(problems) => {
                bad += 1;
                for p in &problems {
                    eprintln!("{p}");
                }
                let n = problems.len();
                if n > MAX_PROBLEMS {
                    // The last line says how many more there are.
                    eprintln!(
                        "{}: more than {MAX_PROBLEMS} problems (the first {MAX_PROBLEMS} listed)",
                        file.display()
                    );
                } else {
                    eprintln!("{}: {n} problem{}", file.display(), if n == 1 { "" } else { "s" });
                }
            }
        }
    }
    i32::from(bad > 0)
}
