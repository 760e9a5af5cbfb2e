// Window preferences, kept in the webview's local storage (per user, on this
// machine). Rehearsal data lives in SQLite; these are only how the window
// behaves.
// The ranges and defaults of the numbers come from the core (`LIMITS`), which
// refuses anything outside them.
import { LIMITS, type HandsFreeOptions, type Quality, type Thresholds, type Turn, type VoiceSettings } from "./bindings";

export type { Quality };
export type Theme = "system" | "light" | "dark";

export interface Prefs {
  theme: Theme;
  quality: Quality;
  device: string;
  chime: boolean;
  /** Only read once, to move an older window's interview date into the database. */
  targetDate: string;
  /** Warn this many seconds before an answer's time is up (0: only at the end; `LIMITS.answer_warning_seconds`). */
  answerWarnS: number;
  /** Warn this many minutes before a round's time is up (0: only at the end; `LIMITS.round_warning_minutes`). */
  roundWarnMin: number;
  /** The interviewer says each question and follow-up aloud. */
  voiceOn: boolean;
  /** A voice's name from the engine ("": its default). */
  voiceName: string;
  /** Slowest to fastest (`LIMITS.voice_rate`); 0 is the engine's normal. */
  voiceRate: number;
  /** Quietest to loudest (`LIMITS.voice_volume`); 0 is the engine's normal. */
  voiceVolume: number;
  /** Hands-free: the interviewer asks, the answer records itself and ends on silence. */
  handsFree: boolean;
  /** Hands-free: seconds of quiet that end an answer (`LIMITS.quiet_seconds`). */
  quietSeconds: number;
  /** Hands-free: seconds spoken before quiet can end an answer (`LIMITS.after_speech_seconds`). */
  afterSpeechSeconds: number;
}

const KEY = "mockloop.prefs";
export const DEFAULTS: Prefs = {
  theme: "system",
  quality: "speech",
  device: "",
  chime: true,
  targetDate: "",
  answerWarnS: LIMITS.answer_warning_seconds.default,
  roundWarnMin: LIMITS.round_warning_minutes.default,
  voiceOn: false,
  voiceName: "",
  voiceRate: LIMITS.voice_rate.default,
  voiceVolume: LIMITS.voice_volume.default,
  handsFree: false,
  quietSeconds: LIMITS.quiet_seconds.default,
  afterSpeechSeconds: LIMITS.after_speech_seconds.default,
};

/** A setting's valid range and default, as the core gives it. */
export type Limit = { readonly min: number; readonly max: number; readonly default: number };

/** A whole number within the limit, or its default for anything that is not a number. */
export function wholeIn(value: unknown, limit: Limit): number {
  const n = Number(value);
  if (!Number.isFinite(n)) return limit.default;
  return Math.min(limit.max, Math.max(limit.min, Math.round(n)));
}

/** The core's warning marks for these preferences: the early warning (if any) and time up. */
export function thresholdsOf(prefs: Prefs): Thresholds {
  const answer = wholeIn(prefs.answerWarnS, LIMITS.answer_warning_seconds);
  const round = wholeIn(prefs.roundWarnMin, LIMITS.round_warning_minutes) * 60;
  return { answer_s: answer > 0 ? [answer, 0] : [0], round_s: round > 0 ? [round, 0] : [0] };
}

/** The core's voice settings for these preferences, each number in range. */
export function voiceOf(prefs: Prefs): VoiceSettings {
  return {
    voice: prefs.voiceName || null,
    rate: wholeIn(prefs.voiceRate, LIMITS.voice_rate),
    volume: wholeIn(prefs.voiceVolume, LIMITS.voice_volume),
  };
}

/** What hands-free runs with, for these preferences: the voice only if it is on. */
export function handsFreeOf(prefs: Prefs): HandsFreeOptions {
  return {
    voice: prefs.voiceOn ? voiceOf(prefs) : null,
    rule: {
      quiet_seconds: wholeIn(prefs.quietSeconds, LIMITS.quiet_seconds),
      after_speech_seconds: wholeIn(prefs.afterSpeechSeconds, LIMITS.after_speech_seconds),
    },
    quality: prefs.quality,
    device: prefs.device || null,
  };
}

/** Whose turn it is, in the words the round screen shows; null when nothing is said. */
export function turnWords(turn: Turn | null): string | null {
  if (!turn) return null;
  switch (turn.turn) {
    case "asking":
      return "Interviewer asking";
    case "answering":
      return "Listening";
    case "moving_on":
      return `Moving on in ${Math.max(1, Math.ceil(turn.left_ms / 1000))} s`;
    case "yours":
      return "Your answer: the recording is stopped (N moves on, Space records)";
    case "ended":
      return turn.by === "time_up" ? "Time is up: moving on" : "Moving on";
    case "waiting":
      return null;
  }
}

/** What the interviewer says for the answer on screen: the follow-up, else the question. */
export function spokenText(run: { phase: string; question: string; probe: string | null }): string | null {
  if (run.phase !== "answering") return null;
  return run.probe ?? run.question;
}

export function loadPrefs(storage: Pick<Storage, "getItem"> = localStorage): Prefs {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? "{}");
    return { ...DEFAULTS, ...(typeof saved === "object" && saved ? saved : {}) };
  } catch {
    return { ...DEFAULTS };
  }
}

export function savePrefs(prefs: Prefs, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(prefs));
}

/** Whole days from `today` to the ISO date `target`, or null without a date. */
export function daysUntil(target: string, today: Date = new Date()): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(target)) return null;
  const [y, m, d] = target.split("-").map(Number);
  const a = Date.UTC(y, m - 1, d);
  const b = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate());
  return Math.round((a - b) / 86_400_000);
}
