//! Readiness over weeks: where the candidate stands per competency, where
//! that is heading by the interview date, and what to practise next.
//!
//! - `model`: the arithmetic, pure and hand-checkable (docs/readiness.md).
//! - `schedule`: FSRS over the loop's questions, for the practice list.
//! - `report`: both, assembled from the stored history into the one
//!   [`Report`] the dashboard and `mockloop report` show.
//! - `run_report`: one run written up for a mentor (Markdown or HTML).
//! - `today`: what the home screen offers first (due practice, a warm-up).
//!
//! Nothing here writes: it reads the store through `History::load` and
//! computes.

pub mod model;
pub mod report;
pub mod run_report;
pub mod schedule;
pub mod today;

pub use report::{build, to_markdown, History, Report};
