//! `mockloop stories`: the story bank, read-only.

use mockloop_core::loops::Catalog;
use mockloop_core::paths;
use mockloop_core::store::Store;
use mockloop_core::stories::{self, CheckResult, Coverage, Story};
use serde::Serialize;
use std::path::Path;

#[derive(Serialize)]
struct StoryJson<'a> {
    #[serde(flatten)]
    story: &'a Story,
    checks: Vec<CheckResult>,
}

#[derive(Serialize)]
struct BankJson<'a> {
    stories: Vec<StoryJson<'a>>,
    /// Per loop: which of its competencies the stories show, and the gaps.
    coverage: Vec<Coverage>,
}

/// A competency's name from the first loop that has it, else its id.
fn competency_name<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog.loops.iter().find_map(|lp| lp.competency(id)).map_or(id, |c| c.name.as_str())
}

/// Lists the stories, their check and the coverage gaps per loop; returns
/// the exit code.
pub fn stories(data_dir: Option<&Path>, json: bool) -> i32 {
    let opened = paths::data_dir(data_dir).and_then(|dir| {
        // Read only: a window may have the folder open.
        let store = Store::open_read_only(&dir).map_err(|e| e.to_string())?;
        Ok((store, Catalog::load(Some(&paths::loops_dir(&dir)))))
    });
    let (store, catalog) = match opened {
        Ok(opened) => opened,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    for problem in &catalog.problems {
        eprintln!("warning: {problem} (this loop file was skipped)");
    }
    let bank = match store.stories() {
        Ok(bank) => bank,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let coverage: Vec<Coverage> = catalog.loops.iter().map(|lp| stories::coverage(lp, &bank)).collect();
    if json {
        let out = BankJson {
            stories: bank.iter().map(|story| StoryJson { story, checks: stories::check(&story.content) }).collect(),
            coverage,
        };
        return i32::from(!super::print_json(&out));
    }
    match bank.len() {
        0 => println!("No stories yet: add them in the window (Stories)."),
        1 => println!("1 story"),
        n => println!("{n} stories"),
    }
    for story in &bank {
        let checks = stories::check(&story.content);
        let yes = checks.iter().filter(|c| c.passed == Some(true)).count();
        let open = checks.iter().filter(|c| c.passed.is_none()).count();
        let shows: Vec<&str> = story.content.competencies.iter().map(|c| competency_name(&catalog, c)).collect();
        println!();
        println!("{}. {}", story.id, story.content.title);
        println!(
            "   Shows: {}",
            if shows.is_empty() { "(no competency tagged yet)".to_owned() } else { shows.join(", ") }
        );
        let told = match story.takes {
            0 => "Not told in a take yet".to_owned(),
            1 => "Told in 1 take".to_owned(),
            n => format!("Told in {n} takes"),
        };
        let unanswered = if open > 0 { format!(", {open} not answered yet") } else { String::new() };
        println!("   {told} · story check: {yes} of {} yes{unanswered}", checks.len());
        if !story.content.result.is_empty() {
            println!("   Result: {}", story.content.result);
        }
    }
    for grid in &coverage {
        println!();
        if grid.gaps.is_empty() && grid.thin.is_empty() {
            println!("{}: every competency it asks stories for has one.", grid.loop_title);
        } else {
            println!("{}:", grid.loop_title);
            for line in grid.gaps.iter().chain(&grid.thin) {
                println!("  {line}.");
            }
        }
    }
    0
}
