// Pure formatting and wording helpers, unit-tested in format.test.ts.
import type { Round, RunEvent } from "./bindings";

/** "45 min" or "4 h 30 min": a loop's total time at a glance. */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Total minutes of a loop's rounds, optional ones included. */
export function totalMinutes(rounds: Round[]): number {
  return rounds.reduce((sum, r) => sum + r.minutes, 0);
}

/** How urgent a countdown looks: calm, a warning near the end, overtime after. */
export function timerTone(remainingMs: number, warnAtMs: number): "calm" | "warn" | "over" {
  if (remainingMs < 0) return "over";
  if (remainingMs <= warnAtMs) return "warn";
  return "calm";
}

/** The sentence announced (aria-live) for a timer warning, or null for other events. */
export function announce(event: RunEvent): string | null {
  if (event.type !== "warning") return null;
  const what = event.timer === "answer" ? "answer" : "round";
  if (event.seconds_left === 0) return `Time is up for this ${what}: you are now in overtime.`;
  const left =
    event.seconds_left >= 60 && event.seconds_left % 60 === 0
      ? `${event.seconds_left / 60} minute${event.seconds_left === 60 ? "" : "s"}`
      : `${event.seconds_left} seconds`;
  return `${left} left in this ${what}.`;
}

/** The self-assessment scale, 1 to 4, in words a candidate can rate honestly by. */
export const RATING_WORDS = ["Missing", "Weak", "Solid", "Strong"] as const;

/** Seconds as `m:ss` for take lengths and playback positions. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A level 0..1 of full scale as a meter fraction on a -60..0 dBFS scale. */
export function meterFraction(level: number): number {
  if (level <= 0) return 0;
  const db = 20 * Math.log10(level);
  return Math.min(1, Math.max(0, (db + 60) / 60));
}

/** Bytes in words: "12.3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
