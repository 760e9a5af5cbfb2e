//! Interview loops as data: the model, the parser/validator and the catalog.

pub mod catalog;
pub mod model;
pub mod parse;
pub mod problem;
mod read;
pub mod similar;

pub use catalog::{validate_file, Catalog};
pub use model::{ChecklistItem, Competency, Loop, LoopSource, Probe, ProbeAim, Question, Round};
pub use problem::Problem;
pub use read::FORMAT;
