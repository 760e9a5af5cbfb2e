//! Time behind a trait: monotonic time for the rehearsal's countdowns and
//! wall time for what is stamped (a take's name, a row's date, the day a
//! deleted story is purged, the 30 days of ratings the probes read), so
//! the engine never reads the system clock and tests step both
//! deterministically.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A clock: `now` is monotonic (never goes backwards, unaffected by
/// changes to the system time; the origin is arbitrary, only differences
/// matter), `wall` is the calendar time things are stamped with.
pub trait Clock: Send + Sync {
    /// Time since this clock's origin.
    fn now(&self) -> Duration;
    /// The date and time now, in UTC.
    fn wall(&self) -> DateTime<Utc>;
}

/// The real clock, backed by [`Instant`] (CLOCK_MONOTONIC on Linux) and the
/// system's calendar time.
#[derive(Debug, Clone, Copy)]
pub struct SystemClock {
    origin: Instant,
}

impl SystemClock {
    /// A clock whose origin is the moment of this call.
    pub fn new() -> Self {
        Self { origin: Instant::now() }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn wall(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: for tests and benchmarks. Its
/// wall time starts at a given moment (by default 2026-01-05 09:00 UTC, a
/// Monday) and moves with [`Self::advance`]; [`Self::set_wall`] jumps the
/// calendar alone, as a laptop's clock does after a week closed. Clones
/// share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
    /// Milliseconds since the Unix epoch at monotonic time zero.
    wall_origin_ms: Arc<AtomicI64>,
}

/// The manual clock's first wall time: 2026-01-05T09:00:00Z.
const MANUAL_WALL_ORIGIN_MS: i64 = 1_767_603_600_000;

impl Default for ManualClock {
    fn default() -> Self {
        Self { nanos: Arc::default(), wall_origin_ms: Arc::new(AtomicI64::new(MANUAL_WALL_ORIGIN_MS)) }
    }
}

impl ManualClock {
    /// A manual clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// A manual clock at time zero whose wall time is `wall`.
    pub fn at(wall: DateTime<Utc>) -> Self {
        let clock = Self::new();
        clock.set_wall(wall);
        clock
    }

    /// Moves time forward by `by` (both clocks).
    pub fn advance(&self, by: Duration) {
        let by = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(by, Ordering::SeqCst);
    }

    /// Sets the wall time to `wall`, leaving monotonic time where it is.
    pub fn set_wall(&self, wall: DateTime<Utc>) {
        let elapsed_ms = i64::try_from(self.now().as_millis()).unwrap_or(i64::MAX);
        self.wall_origin_ms.store(wall.timestamp_millis().saturating_sub(elapsed_ms), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::SeqCst))
    }

    fn wall(&self) -> DateTime<Utc> {
        let elapsed_ms = i64::try_from(self.now().as_millis()).unwrap_or(i64::MAX);
        let ms = self.wall_origin_ms.load(Ordering::SeqCst).saturating_add(elapsed_ms);
        DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced_and_clones_share_time() {
        let clock = ManualClock::new();
        let other = clock.clone();
        assert_eq!(clock.now(), Duration::ZERO);
        let start = clock.wall();
        other.advance(Duration::from_millis(1500));
        assert_eq!(clock.now(), Duration::from_millis(1500));
        assert_eq!(clock.wall() - start, chrono::Duration::milliseconds(1500));
    }

    #[test]
    fn the_manual_wall_jumps_without_moving_monotonic_time() {
        let clock = ManualClock::new();
        clock.advance(Duration::from_secs(10));
        let later = clock.wall() + chrono::Duration::days(3);
        clock.set_wall(later);
        assert_eq!(clock.wall(), later);
        assert_eq!(clock.now(), Duration::from_secs(10));
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.wall(), later + chrono::Duration::seconds(1));
    }

    #[test]
    fn system_clock_is_monotonic() {
        let clock = SystemClock::new();
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a);
    }
}
