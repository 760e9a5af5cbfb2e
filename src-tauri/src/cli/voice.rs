//! `mockloop voices [--json]` and `mockloop say TEXT [--voice NAME]`:
//! the interviewer's voice, headless.

use mockloop_core::voice::{Speaker, VoiceSettings};
use std::io::Write;

/// Lists the engine's voices; exit code 1 without an engine.
pub fn voices(json: bool) -> i32 {
    let listed = Speaker::connect().and_then(|mut s| s.voices());
    let voices = match listed {
        Ok(voices) => voices,
        Err(e) => {
            eprintln!("mockloop voices: {e}");
            return 1;
        }
    };
    if json {
        return if super::print_json(&voices) { 0 } else { 1 };
    } else {
        // A reader that stops early (`| head`) is no error.
        let mut out = std::io::stdout().lock();
        for v in &voices {
            let about = [v.language.as_deref(), v.variant.as_deref()].into_iter().flatten().collect::<Vec<_>>();
            let line = if about.is_empty() { v.name.clone() } else { format!("{}  ({})", v.name, about.join(", ")) };
            if writeln!(out, "{line}").is_err() {
                return 0;
            }
        }
        if voices.is_empty() {
            let _ = writeln!(out, "the speech engine answered but offers no voice");
        }
    }
    0
}

/// Says `text`; exit code 1 if it could not be said.
pub fn say(text: &str, settings: &VoiceSettings, json: bool) -> i32 {
    let spoken = Speaker::connect().and_then(|mut s| s.say(text, settings));
    match spoken {
        Ok(spoken) if json => match serde_json::to_string(&spoken) {
            Ok(text) => {
                println!("{text}");
                0
            }
            Err(e) => {
                eprintln!("mockloop say: {e}");
                1
            }
        },
        Ok(spoken) => {
            println!(
                "said in {:.1} s (the voice began after {} ms)",
                f64::from(spoken.ended_ms) / 1000.0,
                spoken.began_ms
            );
            0
        }
        Err(e) => {
            eprintln!("mockloop say: {e}");
            1
        }
    }
}
