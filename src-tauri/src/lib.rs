//! The window: Tauri, GTK and WebKit, with its commands and events over the
//! core's [`mockloop_core::booth::Booth`]. Only the `mockloop-window`
//! executable uses this library; the `mockloop` command line never links
//! it, so headless commands never load GTK and WebKit.
//!
//! Layers, each importing only those below it: `bootstrap` (start-up,
//! threads, shut-down) → `ipc` (the contract) → `commands/*` (one file per
//! feature; `hands_free` uses `voice`) → `state`, `events`, `error`,
//! `single_instance`.

mod bootstrap;
mod commands;
mod error;
mod events;
mod ipc;
mod single_instance;
mod state;

use std::path::Path;

/// Opens the window and runs it until it closes; returns the exit code.
pub fn run(data_dir: Option<&Path>) -> i32 {
    // A panic past the commands' own guards ends with words and a code,
    // not a backtrace.
    std::panic::catch_unwind(|| bootstrap::run(data_dir)).unwrap_or_else(|_| {
        log::error!("the window stopped on an internal error");
        eprintln!("error: the window stopped on an internal error");
        101
    })
}
