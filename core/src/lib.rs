//! mockloop's core: interview loops as data, the rehearsal engine, and the
//! SQLite store. No GUI dependency, so all of it builds and tests headless;
//! the Tauri app (`src-tauri/`) is a thin shell over [`booth::Booth`] and
//! [`session::Session`].
#![warn(missing_docs)]

pub mod analysis;
pub mod audio;
pub mod backup;
pub mod booth;
pub mod clock;
pub mod demo;
pub mod dsp;
pub mod error;
pub mod fsutil;
pub mod hands_free;
pub mod limits;
pub mod lock;
pub mod logging;
pub mod loops;
pub mod paths;
pub mod readiness;
pub mod rehearsal;
mod rng;
pub mod session;
pub mod store;
pub mod stories;
pub mod takes;
pub mod transcript;
pub mod voice;
