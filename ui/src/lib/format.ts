// Pure formatting and wording helpers, unit-tested in format.test.ts.
import type { Delivery, DeliveryWeek, Round, RunEvent } from "./bindings";

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

/**
 * Seconds as `m:ss` for take lengths and playback positions: whole seconds
 * gone by, or (`rounded`) the nearest, as the core's delivery words print.
 */
export function clock(seconds: number, rounded = false): string {
  const s = Number.isFinite(seconds) ? Math.max(0, rounded ? Math.round(seconds) : Math.floor(seconds)) : 0;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * One decimal, as Rust's `{:.1}` prints it: exact ties (only x.x5 that a
 * double holds exactly, i.e. quarters) go to the even digit, where
 * `toFixed` would round them up. A missing figure (NaN arrives as null) is 0.
 */
export function fixed1(value: number | null | undefined): string {
  const x = value ?? 0;
  if (!Number.isFinite(x)) return "0.0";
  const quarters = x * 4;
  if (Number.isInteger(quarters) && Math.abs(quarters % 2) === 1) {
    const tenths = Math.floor(x * 10);
    const even = tenths % 2 === 0 ? tenths : tenths + 1;
    return (even / 10).toFixed(1);
  }
  return x.toFixed(1);
}

/** Words a minute rounded to the nearest 5, as the delivery words say it. */
export function roundedPace(wpm: number | null | undefined): number {
  const x = wpm ?? 0;
  return Number.isFinite(x) ? Math.round(x / 5) * 5 : 0;
}

/**
 * A take's delivery in words, exactly as the core prints it (the CLI, the
 * reports): "2:41 spoken · about 150 words a minute · 4 pauses over 1 s,
 * longest 2.8 s · first word after 1.9 s". Given the time the round allows
 * for this answer, the take's length against it follows: "2:41 of 3:00".
 */
export function deliveryWords(d: Delivery, answerSeconds?: number | null): string {
  const first = d.first_speech_seconds;
  const parts: string[] = [];
  if (first === null || first === undefined) {
    parts.push("no speech heard");
  } else {
    parts.push(`${clock(d.speaking_seconds ?? 0, true)} spoken`);
    parts.push(`about ${roundedPace(d.words_per_minute_estimate)} words a minute`);
    const longest = fixed1(d.longest_pause_seconds);
    parts.push(
      d.long_pauses === 0
        ? "no pauses over 1 s"
        : d.long_pauses === 1
          ? `1 pause over 1 s (${longest} s)`
          : `${d.long_pauses} pauses over 1 s, longest ${longest} s`,
    );
    parts.push(`first word after ${fixed1(first)} s`);
    if (d.too_quiet) parts.push("too quiet");
    if (d.clipped_samples > 0) parts.push(`${d.clipped_samples} clipped samples`);
  }
  if (answerSeconds !== null && answerSeconds !== undefined && answerSeconds > 0) {
    const seconds = d.seconds ?? 0;
    // Whole seconds gone by, as the run report prints a take's length.
    const length = `${clock(seconds)} of ${clock(answerSeconds)}`;
    // Over by what the clock shows: "3:00 of 3:00" is never "over time".
    parts.push(Math.floor(seconds) > answerSeconds ? `${length}, over time` : length);
  }
  return parts.join(" · ");
}

/** The pace against the comfortable band (words a minute, low and high). */
export function paceWord(wpm: number, band: [number, number]): "slow" | "comfortable" | "fast" {
  if (wpm < band[0]) return "slow";
  if (wpm > band[1]) return "fast";
  return "comfortable";
}

/** The comfortable band with missing ends (NaN arrives as null) filled from the core's default. */
export function comfortableBand(band: [number | null, number | null] | undefined): [number, number] {
  return [band?.[0] ?? 130, band?.[1] ?? 170];
}

/** The Monday (YYYY-MM-DD) of the week a day falls in. */
export function mondayOf(day: string): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/**
 * The latest week with answers in words: "Last week (4 answers): about 150
 * words a minute (comfortable is about 130–170), 1.2 pauses over 1 s per
 * answer, first word after 2.1 s." Null when no week has any.
 */
export function deliveryWeekWords(weeks: DeliveryWeek[], band: [number, number], today: string): string | null {
  const latest = [...weeks].reverse().find((w) => w.takes > 0);
  if (!latest) return null;
  const thisWeek = mondayOf(today);
  const lastWeek = mondayOf(new Date(Date.parse(`${thisWeek}T00:00:00Z`) - 7 * 86_400_000).toISOString());
  const when =
    latest.week === thisWeek
      ? "This week"
      : latest.week === lastWeek
        ? "Last week"
        : `In the week of ${new Date(`${latest.week}T00:00:00Z`).toLocaleDateString(undefined, { month: "long", day: "numeric", timeZone: "UTC" })}`;
  const parts: string[] = [];
  if (latest.words_per_minute !== null) {
    parts.push(`about ${roundedPace(latest.words_per_minute)} words a minute (comfortable is about ${Math.round(band[0])}–${Math.round(band[1])})`);
  }
  if (latest.long_pauses_per_take !== null) {
    parts.push(latest.long_pauses_per_take === 0 ? "no pauses over 1 s" : `${fixed1(latest.long_pauses_per_take)} pauses over 1 s per answer`);
  }
  if (latest.first_speech_seconds !== null) parts.push(`first word after ${fixed1(latest.first_speech_seconds)} s`);
  const answers = `${latest.takes} answer${latest.takes === 1 ? "" : "s"}`;
  return parts.length === 0 ? `${when}: ${answers}.` : `${when} (${answers}): ${parts.join(", ")}.`;
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

/** A phrase as a sentence: first letter capitalised, a full stop at the end. */
export function sentence(phrase: string): string {
  const text = phrase.trim();
  if (!text) return "";
  const capital = text[0].toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** A count with its noun: "1 take", "3 takes". */
export function counted(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** The first day (YYYY-MM-DD, local) a "When" filter keeps: "" keeps all. */
export function sinceDay(when: "" | "today" | "week" | "month", now = new Date()): string {
  if (!when) return "";
  const days = when === "today" ? 0 : when === "week" ? 6 : 29;
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
