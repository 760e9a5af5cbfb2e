//! The ranges of what a candidate sets, in one place: the core checks
//! against them ([`crate::rehearsal::hands_free::SilenceRule::validate`],
//! [`crate::voice::VoiceSettings::validate`]) and the window's settings
//! screen offers exactly them (they reach its TypeScript as the constant
//! `LIMITS`), so the two can never disagree.

use serde::Serialize;

/// A whole-number range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Range {
    /// The least value.
    pub min: i32,
    /// The greatest value.
    pub max: i32,
    /// What a new candidate starts with.
    pub default: i32,
}

impl Range {
    /// Whether `value` is in the range.
    pub fn contains(self, value: i64) -> bool {
        (i64::from(self.min)..=i64::from(self.max)).contains(&value)
    }
}

/// Every range the settings screen offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Limits {
    /// Hands-free: seconds of quiet that end an answer.
    pub quiet_seconds: Range,
    /// Hands-free: seconds spoken before quiet can end an answer.
    pub after_speech_seconds: Range,
    /// The voice's speed (0 is the engine's normal).
    pub voice_rate: Range,
    /// The voice's loudness (0 is the engine's normal).
    pub voice_volume: Range,
    /// The early warning before an answer's time is up, in seconds (0: none).
    pub answer_warning_seconds: Range,
    /// The early warning before a round's time is up, in minutes (0: none).
    pub round_warning_minutes: Range,
}

/// The ranges.
pub const LIMITS: Limits = Limits {
    quiet_seconds: Range { min: 1, max: 60, default: 5 },
    after_speech_seconds: Range { min: 0, max: 600, default: 20 },
    voice_rate: Range { min: -100, max: 100, default: 0 },
    voice_volume: Range { min: -100, max: 100, default: 0 },
    answer_warning_seconds: Range { min: 0, max: 600, default: 30 },
    round_warning_minutes: Range { min: 0, max: 60, default: 5 },
};
