//! One run written up for a mentor: per round the time used against the
//! time given, each checklist item's rating in words, the note, and the
//! takes (file, length against the answer time, how each sounded, and the
//! story from the story bank it told, what was said with its fillers
//! marked), then those stories in full.
//! Markdown for pasting, HTML for a browser.

use crate::loops::Catalog;
use crate::store::{RoundResult, RunSummary, Store, StoreError, TakeRow};
use crate::stories::Story;
use std::fmt::Write;

/// The self-assessment scale in words, 1 to 4.
pub const RATING_WORDS: [&str; 4] = ["missing", "weak", "solid", "strong"];

/// What the write-up is made of.
pub struct RunReport {
    /// The run.
    pub run: RunSummary,
    /// Its rounds, in order.
    pub rounds: Vec<RoundResult>,
    /// Its takes, oldest first.
    pub takes: Vec<TakeRow>,
    /// The stories from the story bank its takes told, in the order first
    /// told.
    pub stories: Vec<Story>,
    /// The transcripts of its takes, by take.
    pub transcripts: std::collections::HashMap<i64, crate::transcript::Transcript>,
}

impl RunReport {
    /// Reads one run from the store.
    pub fn load(store: &Store, run_id: i64) -> Result<Self, StoreError> {
        let run = store.run_summary(run_id)?;
        let rounds = store.round_results(run_id)?;
        let takes = store.run_takes(run_id)?;
        let mut stories: Vec<Story> = Vec::new();
        for id in takes.iter().filter_map(|t| t.story_id) {
            if !stories.iter().any(|s| s.id == id) {
                stories.push(store.story(id)?);
            }
        }
        let mut transcripts = std::collections::HashMap::new();
        for take in &takes {
            if let Some(stored) = store.transcript(take.id)? {
                transcripts.insert(take.id, crate::transcript::Transcript::new(stored, take.delivery.as_ref()));
            }
        }
        Ok(Self { run, rounds, takes, stories, transcripts })
    }
}

impl RunReport {
    /// Measures, in memory only, the takes the app has not analysed yet
    /// (the report only reads: nothing is stored). A file that cannot be
    /// read stays "not analysed yet".
    pub fn analyze_missing(&mut self, data_dir: &std::path::Path) {
        for take in
            self.takes.iter_mut().filter(|t| t.delivery.is_none() && t.status != crate::store::TakeStatus::Recording)
        {
            if let Ok(path) = crate::takes::take_path(data_dir, &take.path) {
                take.delivery = crate::analysis::analyze_file(&path).ok();
            }
        }
    }
}

/// A plain line per round, item and take; `html` escapes and wraps them.
struct Line {
    level: u8,
    text: String,
}

fn lines(report: &RunReport, catalog: &Catalog) -> Vec<Line> {
    let lp = catalog.get(&report.run.loop_id);
    let mut out = vec![Line {
        level: 1,
        text: format!("{} — {}", report.run.loop_title, &report.run.started_at[..10.min(report.run.started_at.len())]),
    }];
    for round in &report.rounds {
        let def = lp.and_then(|l| l.round(&round.round_id));
        let title = def.map_or(round.round_id.as_str(), |r| r.title.as_str());
        out.push(Line { level: 2, text: format!("{}. {title}", round.position + 1) });
        let time = match round.used_ms {
            Some(used) => format!("Time: {} used of {} given.", clock(used), clock(round.given_ms)),
            None => "Not reached.".to_owned(),
        };
        out.push(Line { level: 0, text: time });
        for r in &round.ratings {
            let item = def
                .and_then(|d| d.checklist.iter().find(|i| i.id == r.item_id))
                .map_or(r.item_id.as_str(), |i| i.text.as_str());
            let word = RATING_WORDS.get(usize::from(r.rating).saturating_sub(1)).copied().unwrap_or("?");
            out.push(Line { level: 3, text: format!("{word}: {item}") });
        }
        if let Some(note) = round.note.as_deref().filter(|n| !n.trim().is_empty()) {
            out.push(Line { level: 0, text: format!("Note: {note}") });
        }
        for take in report.takes.iter().filter(|t| t.round_position == Some(round.position as i64)) {
            let what = take.probe_index.map_or_else(|| "main answer".to_owned(), |p| format!("follow-up {}", p + 1));
            let given = def.map(|d| if take.probe_index.is_some() { d.probe_seconds } else { d.answer_seconds });
            let length = match given {
                Some(g) => format!("{} of {}", clock(take.duration_ms), clock(i64::from(g) * 1000)),
                None => clock(take.duration_ms),
            };
            let sounded = take.delivery.as_ref().map_or_else(|| "not analysed yet".to_owned(), |d| d.describe());
            let told = take
                .story_id
                .and_then(|id| report.stories.iter().find(|s| s.id == id))
                .map_or_else(String::new, |s| format!(" — told the story \"{}\"", s.content.title));
            out.push(Line { level: 3, text: format!("Take ({what}, {length}): {} — {sounded}{told}", take.path) });
            match report.transcripts.get(&take.id) {
                Some(t) if t.error.is_none() && !t.words.is_empty() => {
                    let pace = t.words_per_minute.map_or_else(String::new, |w| format!(", {w:.0} words a minute"));
                    out.push(Line {
                        level: 3,
                        text: format!(
                            "Said ({} fillers, {:.1} a minute{pace}; fillers in brackets): {}",
                            t.fillers.len(),
                            t.fillers_per_minute,
                            crate::transcript::marked(t)
                        ),
                    });
                }
                Some(t) => {
                    let why = t.error.as_deref().unwrap_or("no words were heard");
                    out.push(Line { level: 3, text: format!("Said: no transcript ({why})") });
                }
                None => {}
            }
        }
    }
    if !report.stories.is_empty() {
        out.push(Line { level: 2, text: "Stories told".to_owned() });
    }
    for story in report.stories.iter().map(|s| &s.content) {
        let shows = story
            .competencies
            .iter()
            .map(|id| lp.and_then(|l| l.competency(id)).map_or(id.as_str(), |c| c.name.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let shows = if shows.is_empty() { String::new() } else { format!(" (shows {shows})") };
        out.push(Line { level: 0, text: format!("{}{shows}", story.title) });
        for (label, text) in [
            ("Situation", &story.situation),
            ("What I did", &story.action),
            ("The decision", &story.decision),
            ("The constraint behind it", &story.constraint),
            ("Result", &story.result),
        ] {
            if !text.is_empty() {
                out.push(Line { level: 3, text: format!("{label}: {text}") });
            }
        }
    }
    out
}

fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Text as Markdown shows it literally: what a note (or a user's loop)
/// says can never become a heading, a list, a link or raw HTML. Line
/// breaks stay line breaks, inside the same paragraph. `starts_line`: the
/// text begins an output line (a paragraph), so what would open a list
/// there is escaped too; continuation lines always start one.
fn md_escape(text: &str, starts_line: bool) -> String {
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            let mut out = String::with_capacity(line.len() + 8);
            let at_start = n > 0 || starts_line;
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            for (i, c) in line.chars().enumerate() {
                let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '!')
                    || (at_start && i == 0 && matches!(c, '-' | '+' | '='))
                    || (at_start && i == digits && digits > 0 && matches!(c, '.' | ')'));
                if special {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        })
        .collect::<Vec<_>>()
        .join("  \n")
}

/// Markdown.
pub fn markdown(report: &RunReport, catalog: &Catalog) -> String {
    let mut md = String::new();
    for line in lines(report, catalog) {
        let line = Line { text: md_escape(&line.text, line.level == 0), ..line };
        let _ = match line.level {
            1 => writeln!(md, "# {}", line.text),
            2 => writeln!(md, "\n## {}\n", line.text),
            3 => writeln!(md, "- {}", line.text),
            _ => writeln!(md, "{}\n", line.text),
        };
    }
    md
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A standalone HTML page.
pub fn html(report: &RunReport, catalog: &Catalog) -> String {
    let mut page = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mockloop run</title>\n\
         <style>body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;line-height:1.5}li{margin:2px 0}</style>\n\
         </head><body>\n",
    );
    let mut in_list = false;
    for line in lines(report, catalog) {
        if line.level != 3 && in_list {
            page.push_str("</ul>\n");
            in_list = false;
        }
        let text = escape(&line.text);
        let _ = match line.level {
            1 => writeln!(page, "<h1>{text}</h1>"),
            2 => writeln!(page, "<h2>{text}</h2>"),
            3 => {
                if !in_list {
                    page.push_str("<ul>\n");
                    in_list = true;
                }
                writeln!(page, "<li>{text}</li>")
            }
            _ => writeln!(page, "<p>{text}</p>"),
        };
    }
    if in_list {
        page.push_str("</ul>\n");
    }
    page.push_str("</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::md_escape;

    #[test]
    fn notes_cannot_become_markdown() {
        let note = "<script>alert(1)</script>\n# not a heading\n- not a list\n1. nor this\n[link](http://x) *bold*";
        let md = md_escape(note, true);
        assert_eq!(md_escape("1. Screen", false), "1. Screen", "a heading's own number stays as it is");
        assert_eq!(
            md,
            "\\<script\\>alert(1)\\</script\\>  \n\\# not a heading  \n\\- not a list  \n1\\. nor this  \n\\[link\\](http://x) \\*bold\\*"
        );
    }
}
