//! `mockloop`: with no arguments, the desktop app; with a subcommand, a
//! headless tool over the same core (see `mockloop --help`).

// A release build on Windows should not open a console next to the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod cli;
mod window;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let code = match args.command {
        Some(command) => cli::run(command, args.data_dir.as_deref()),
        None => window::open(args.data_dir.as_deref()),
    };
    std::process::exit(code);
}
