//! `mockloop analyze FILE.wav... [--json]`: delivery measures of WAV files.

use mockloop_core::analysis::{self, AnalyzeError, Delivery};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One file's line in the JSON.
#[derive(Serialize)]
struct FileReport<'a> {
    path: &'a Path,
    #[serde(flatten)]
    delivery: Option<&'a Delivery>,
    /// Speaking time as a share of the file (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    speaking_share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Analyses each file in turn; exit code 1 if any failed.
pub fn analyze(files: &[PathBuf], json: bool) -> i32 {
    let results: Vec<(&PathBuf, Result<Delivery, AnalyzeError>)> =
        files.iter().map(|f| (f, analysis::analyze_file(f))).collect();
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    if json {
        let reports: Vec<FileReport<'_>> = results
            .iter()
            .map(|(path, r)| FileReport {
                path,
                delivery: r.as_ref().ok(),
                speaking_share: r.as_ref().ok().map(Delivery::speaking_share),
                error: r.as_ref().err().map(ToString::to_string),
            })
            .collect();
        if !super::print_json(&reports) {
            return 1;
        }
    } else {
        for (path, r) in &results {
            if let Ok(d) = r {
                println!("{}: {:.1} s · {}", path.display(), d.seconds, d.describe());
            }
        }
    }
    for (path, r) in &results {
        if let Err(e) = r {
            eprintln!("mockloop analyze: {}: {e}", path.display());
        }
    }
    i32::from(failed > 0)
}
