//! The window (Tauri, GTK, WebKit), built as a shared library,
//! `libmockloop_window.so` beside the `mockloop` binary, which loads it only
//! to open the window. Headless subcommands so never load GTK and WebKit:
//! on Linux that is 169 shared libraries and about 150 ms before `main`, for
//! every `mockloop report` or `validate`.

mod app;
mod ipc;
mod recording;
mod single_instance;
mod state;

use std::ffi::OsStr;
use std::path::PathBuf;

/// Opens the window and runs it until it closes; returns the exit code.
///
/// `dir`/`len`: the data dir as the bytes of an `OsStr`
/// (`as_encoded_bytes`), or a null `dir` for the default. Only ever called
/// by the `mockloop` binary of the same build (`window.rs`), which is what
/// makes reading those bytes back sound.
///
/// # Safety
/// `dir` is null, or points at `len` readable bytes encoded by this same
/// build's `OsStr::as_encoded_bytes`, valid for the whole call.
#[no_mangle]
pub unsafe extern "C" fn mockloop_window_run(dir: *const u8, len: usize) -> i32 {
    let data_dir = if dir.is_null() {
        None
    } else {
        // SAFETY: the binary passes a live slice of its own OsStr's bytes,
        // encoded by the same std (same build), valid for this call.
        let bytes = unsafe { std::slice::from_raw_parts(dir, len) };
        Some(PathBuf::from(unsafe { OsStr::from_encoded_bytes_unchecked(bytes) }))
    };
    // A panic must not unwind into the binary's frames.
    std::panic::catch_unwind(|| app::run(data_dir.as_deref())).unwrap_or_else(|_| {
        eprintln!("error: the window stopped on an internal error");
        101
    })
}
