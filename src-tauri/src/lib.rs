//! The window: Tauri, GTK and WebKit, with its commands and events over the
//! core. Only the `mockloop-window` executable uses this library; the
//! `mockloop` command line never links it, so headless commands never load
//! GTK and WebKit (on Linux 169 shared libraries and about 150 ms before
//! `main`, for every `mockloop report` or `validate`).

mod app;
mod delivery;
mod hands_free;
mod ipc;
mod recording;
mod single_instance;
mod state;
mod stories;
mod voice;

use std::path::Path;

/// Opens the window and runs it until it closes; returns the exit code.
pub fn run(data_dir: Option<&Path>) -> i32 {
    // A panic past the commands' own guards ends with words and a code,
    // not a backtrace.
    std::panic::catch_unwind(|| app::run(data_dir)).unwrap_or_else(|_| {
        eprintln!("error: the window stopped on an internal error");
        101
    })
}
