//! `mockloop` with no subcommand: starts the window, which is its own
//! executable, `mockloop-window`, beside this one (where every bundle puts
//! it, and where cargo builds it). This binary never links GTK or WebKit,
//! so the headless commands start in milliseconds.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The window's executable: beside this one.
fn window_path() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot tell where mockloop is installed: {e}"))?;
    let name = format!("mockloop-window{}", std::env::consts::EXE_SUFFIX);
    Ok(exe.parent().unwrap_or(Path::new(".")).join(name))
}

/// Starts the window (replacing this process on Unix); returns the exit
/// code if it returns at all.
pub fn open(data_dir: Option<&Path>) -> i32 {
    let path = match window_path() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if !path.is_file() {
        eprintln!(
            "error: cannot open the window: {} is missing; it is built and installed with the app \
             (`make build`, or the package). The headless commands still work: mockloop --help",
            path.display()
        );
        return 1;
    }
    let mut command = Command::new(&path);
    if let Some(dir) = data_dir {
        command.arg("--data-dir").arg(dir);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // Only returns if the exec failed.
        let e = command.exec();
        eprintln!("error: cannot start {}: {e}", path.display());
        1
    }
    #[cfg(not(unix))]
    match command.status() {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("error: cannot start {}: {e}", path.display());
            1
        }
    }
}
