//! `mockloop-window`: the desktop app. The desktop entry (and `mockloop`
//! with no subcommand) runs it; the headless commands are `mockloop`'s.

// A release build on Windows should not open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;

/// What the window takes: the data folder and whether ALSA may speak.
/// Anything else is refused in words, so a typo never opens the wrong
/// folder.
fn arguments() -> Result<(Option<PathBuf>, bool), String> {
    let mut data_dir = std::env::var_os(mockloop_core::paths::DATA_DIR_ENV).map(PathBuf::from);
    let mut verbose = false;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--data-dir") => data_dir = Some(args.next().ok_or("--data-dir needs a folder")?.into()),
            Some("--verbose") => verbose = true,
            Some("--version" | "-V") => {
                println!("mockloop-window {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            Some("--help" | "-h") => {
                println!(
                    "mockloop-window [--data-dir DIR] [--verbose]: the mockloop app. Headless commands: mockloop --help"
                );
                std::process::exit(0);
            }
            _ => match arg.to_str().and_then(|a| a.strip_prefix("--data-dir=")) {
                Some(dir) => data_dir = Some(dir.into()),
                None => return Err(format!("unknown argument {arg:?} (see mockloop-window --help)")),
            },
        }
    }
    Ok((data_dir, verbose))
}

fn main() {
    // A file-size limit (or a full quota) must surface as a write error that
    // the recorder handles, keeping the take, not as a signal that kills the
    // window mid-take.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let (data_dir, verbose) = match arguments() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    if verbose {
        std::env::set_var(mockloop_core::audio::devices::VERBOSE_ENV, "1");
    }
    std::process::exit(mockloop_window::run(data_dir.as_deref()));
}
