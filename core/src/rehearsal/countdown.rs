//! A pausable countdown measured in milliseconds of a monotonic clock.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Counts down from a budget while running. Remaining time goes negative in
/// overtime: it is never clamped, because "how far over" is what the
/// candidate needs to see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Countdown {
    /// The time given, in milliseconds.
    pub budget_ms: i64,
    /// Time used in earlier running spans, in milliseconds.
    banked_ms: i64,
    /// When the current running span began (clock time), if running.
    #[serde(skip)]
    running_since: Option<Duration>,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Countdown {
    /// A stopped countdown with `budget_ms` to go.
    pub fn new(budget_ms: i64) -> Self {
        Self { budget_ms, banked_ms: 0, running_since: None }
    }

    /// Starts (or resumes) counting at `now`. Idempotent while running.
    pub fn run(&mut self, now: Duration) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Stops counting at `now`, keeping the time used so far.
    pub fn stop(&mut self, now: Duration) {
        if let Some(since) = self.running_since.take() {
            self.banked_ms += ms(now.saturating_sub(since));
        }
    }

    /// Whether the countdown is running.
    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }

    /// Milliseconds used up to `now`.
    pub fn used_ms(&self, now: Duration) -> i64 {
        let live = self.running_since.map_or(0, |since| ms(now.saturating_sub(since)));
        self.banked_ms + live
    }

    /// Milliseconds left at `now`; negative in overtime.
    pub fn remaining_ms(&self, now: Duration) -> i64 {
        self.budget_ms - self.used_ms(now)
    }
}

/// Formats milliseconds left as `m:ss`, or `+m:ss` in overtime.
///
/// Whole seconds are rounded towards "more time left" while counting down
/// (so 0:01 shows until the very end) and towards "more overtime" after.
pub fn format_remaining(remaining_ms: i64) -> String {
    if remaining_ms >= 0 {
        let secs = (remaining_ms + 999) / 1000;
        format!("{}:{:02}", secs / 60, secs % 60)
    } else {
        let secs = (-remaining_ms) / 1000;
        format!("+{}:{:02}", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn s(secs: u64) -> Duration {
        Duration::from_secs(secs)
    }

    #[test]
    fn counts_only_while_running_and_goes_negative() {
        let mut c = Countdown::new(10_000);
        assert_eq!(c.remaining_ms(s(5)), 10_000, "not started yet");
        c.run(s(5));
        assert_eq!(c.remaining_ms(s(8)), 7_000);
        c.stop(s(8));
        assert_eq!(c.remaining_ms(s(100)), 7_000, "paused time does not count");
        c.run(s(100));
        assert_eq!(c.remaining_ms(s(112)), -5_000, "overtime is negative, not clamped");
    }

    #[test]
    fn run_and_stop_are_idempotent() {
        let mut c = Countdown::new(1_000);
        c.run(s(1));
        c.run(s(2));
        c.stop(s(3));
        c.stop(s(9));
        assert_eq!(c.used_ms(s(20)), 2_000);
    }

    #[test]
    fn formats_countdown_and_overtime() {
        assert_eq!(format_remaining(90_000), "1:30");
        assert_eq!(format_remaining(89_001), "1:30");
        assert_eq!(format_remaining(1), "0:01");
        assert_eq!(format_remaining(0), "0:00");
        assert_eq!(format_remaining(-999), "+0:00");
        assert_eq!(format_remaining(-61_000), "+1:01");
        assert_eq!(format_remaining(-3_600_000), "+60:00");
    }
}
