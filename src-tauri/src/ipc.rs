//! The one contract between core and window. The commands (listed once, in
//! `command_list.rs`), the events below and every type they carry are
//! declared here in Rust; tauri-specta turns them into the window's
//! TypeScript, `ui/src/lib/bindings.ts`, which nothing writes by hand. The
//! test `bindings_are_current` fails when that file is stale (`make
//! bindings` writes it), and `build.rs` permits exactly the listed
//! commands. The events are declared in `events.rs`.

use crate::commands::{folder, hands_free, run, stories, takes, transcripts, voice};
use crate::events::{
    AnalysisProgress, HandsFreeNotice, HandsFreeTurn, ModelDownload, RecordEnded, RecordStatus, RunError, RunSaved,
    RunTick, TakeAnalyzed, TakeTranscribed, TranscriptProgress,
};
use tauri_specta::{collect_events, Builder, ErrorHandlingMode};

/// Expands the list in `command_list.rs` into tauri-specta's commands.
macro_rules! window_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri_specta::collect_commands![$($module::$command),*]
    };
}

/// Every command and event of the window, as Tauri serves them and as
/// the TypeScript is generated from them.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(include!("command_list.rs"))
        .events(collect_events![
            RunTick,
            RunError,
            RunSaved,
            RecordStatus,
            RecordEnded,
            TakeAnalyzed,
            AnalysisProgress,
            HandsFreeTurn,
            HandsFreeNotice,
            TakeTranscribed,
            TranscriptProgress,
            ModelDownload
        ])
        // A failed command rejects its promise with its `CommandError`
        // (a kind and words), as `invoke` does.
        .error_handling(ErrorHandlingMode::Throw)
        // What the settings screen offers, from the core's own ranges.
        .constant("LIMITS", mockloop_core::limits::LIMITS)
        // The error a rejected promise carries, named for the window.
        .typ::<crate::error::CommandError>()
        // Every integer that crosses is a row id, a count, a position, a
        // size in bytes or a duration in milliseconds: far below 2^53. And
        // JSON carries numbers, which the webview parses as doubles
        // whatever the Rust type: `number` is what the window really gets.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type: the window reads what the core
        // sends and sends what the core reads, never both of one type.
        .disable_serde_phases()
}

#[cfg(test)]
mod tests {
    use super::*;
    use specta_typescript::Typescript;
    use std::path::Path;

    /// Writes the window's TypeScript for `builder` to `path`.
    fn export(builder: &Builder<tauri::Wry>, path: &Path) -> Result<(), String> {
        let header = "// Generated from the Rust commands, events and types by tauri-specta\n\
                  // (src-tauri/src/ipc.rs). Do not edit: run `make bindings`.";
        builder.export(Typescript::default().header(header), path).map_err(|e| e.to_string())
    }

    /// Where the generated TypeScript is committed.
    fn committed() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts")
    }

    #[test]
    fn bindings_are_current() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("bindings.ts");
        export(&builder(), &fresh).unwrap();
        let fresh = std::fs::read_to_string(&fresh).unwrap();
        if std::env::var_os("MOCKLOOP_WRITE_BINDINGS").is_some() {
            std::fs::write(committed(), &fresh).unwrap();
            return;
        }
        let current = std::fs::read_to_string(committed()).unwrap_or_default();
        assert!(
            current == fresh,
            "ui/src/lib/bindings.ts does not match the Rust commands and types: run `make bindings` and commit it"
        );
    }

    /// Reads the names of the commands a builder registers.
    struct CommandNames<'a>(&'a mut Vec<String>);

    impl tauri_specta::LanguageExt for CommandNames<'_> {
        type Error = std::io::Error;

        fn export(self, cfg: &tauri_specta::BuilderConfiguration, _: &Path) -> Result<(), Self::Error> {
            self.0.extend(cfg.commands.iter().map(|f| f.name().to_string()));
            Ok(())
        }
    }

    /// The capability grants the `window` set that build.rs writes: it must
    /// allow exactly the commands the window registers, no more, no fewer.
    #[test]
    fn the_window_may_call_exactly_the_registered_commands() {
        let mut registered = Vec::new();
        builder().export(CommandNames(&mut registered), Path::new("")).unwrap();
        let set = std::fs::read_to_string(Path::new(env!("OUT_DIR")).join("permissions/window.toml")).unwrap();
        let granted: Vec<String> = set
            .split('"')
            .filter_map(|word| word.strip_prefix("allow-"))
            .map(|command| command.replace('-', "_"))
            .collect();
        registered.sort();
        let mut granted_sorted = granted.clone();
        granted_sorted.sort();
        assert_eq!(granted_sorted, registered);
        assert!(registered.len() >= 26, "every command is registered ({})", registered.len());
        let capability: serde_json::Value = serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        assert!(
            capability["permissions"].as_array().unwrap().iter().any(|p| p == "window"),
            "the main window's capability grants the window set"
        );
    }
}
