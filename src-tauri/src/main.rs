//! `mockloop`: the headless commands over the core (see `mockloop --help`);
//! with no subcommand it starts the desktop app, `mockloop-window`.

mod cli;
mod window;

use clap::Parser;

fn main() {
    // A file-size limit (or a full quota) must surface as a write error that
    // the recorder handles, keeping the take, not as a signal that kills the
    // window or `record` mid-take.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let args = cli::Cli::parse();
    if args.verbose {
        // Read by the audio code of both the CLI and the window library.
        std::env::set_var(mockloop_core::audio::devices::VERBOSE_ENV, "1");
    }
    let code = match args.command {
        Some(command) => cli::run(command, args.data_dir.as_deref()),
        None => window::open(args.data_dir.as_deref()),
    };
    std::process::exit(code);
}
