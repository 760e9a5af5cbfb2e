//! The window's commands, one file per feature. Each is a thin door to the
//! core: it checks what the window sent, does the work through
//! `state::blocking` on the blocking pool, and returns a typed result.
//! Only `hands_free` uses a sibling (`voice`, to speak); none reaches back.

pub mod folder;
pub mod hands_free;
pub mod run;
pub mod stories;
pub mod takes;
pub mod transcripts;
pub mod voice;
