//! `mockloop voices [--json]` and `mockloop say TEXT [--voice NAME]
//! [--out FILE.wav]`: the interviewer's voice, headless.

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
        if voices.is_empty() && writeln!(out, "the speech engine answered but offers no voice").is_err() {
            return 0;
        }
    }
    0
}

/// Writes `text` spoken into `out` (espeak-ng); exit code 1 if it could not.
fn say_into(text: &str, settings: &VoiceSettings, out: &std::path::Path, json: bool) -> i32 {
    match mockloop_core::voice::render(text, settings, out) {
        Ok(seconds) if json => {
            if super::print_json(&serde_json::json!({ "file": out, "seconds": seconds })) {
                0
            } else {
                1
            }
        }
        Ok(seconds) => {
            println!("wrote {seconds:.1} s to {}", out.display());
            0
        }
        Err(e) => {
            eprintln!("mockloop say: {e}");
            1
        }
    }
}

/// Says `text` (or, with `out`, writes it into that file); exit code 1 if
/// it could not be said.
pub fn say(text: &str, settings: &VoiceSettings, out: Option<&std::path::Path>, json: bool) -> i32 {
    if let Some(out) = out {
        return say_into(text, settings, out, json);
    }
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
