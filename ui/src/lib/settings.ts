// Window preferences, kept in the webview's local storage (per user, on this
// machine). Rehearsal data lives in SQLite; these are only how the window
// behaves.
import type { HandsFreeOptions, Thresholds, Turn, VoiceSettings } from "./bindings";

export type Theme = "system" | "light" | "dark";
export type Quality = "speech" | "studio";

export interface Prefs {
  theme: Theme;
  quality: Quality;
  device: string;
  chime: boolean;
  /** Only read once, to move an older window's interview date into the database. */
  targetDate: string;
  /** Warn this many seconds before an answer's time is up (0: only at the end). */
  answerWarnS: number;
  /** Warn this many minutes before a round's time is up (0: only at the end). */
  roundWarnMin: number;
  /** The interviewer says each question and follow-up aloud. */
  voiceOn: boolean;
  /** A voice's name from the engine ("": its default). */
  voiceName: string;
  /** -100 (slowest) to 100 (fastest); 0 is the engine's normal. */
  voiceRate: number;
  /** -100 to 100; 0 is the engine's normal. */
  voiceVolume: number;
  /** Hands-free: the interviewer asks, the answer records itself and ends on silence. */
  handsFree: boolean;
  /** Hands-free: seconds of quiet that end an answer (1–60). */
  quietSeconds: number;
  /** Hands-free: seconds spoken before quiet can end an answer (0–600). */
  afterSpeechSeconds: number;
}

const KEY = "mockloop.prefs";
export const DEFAULTS: Prefs = {
  theme: "system",
  quality: "speech",
  device: "",
  chime: true,
  targetDate: "",
  answerWarnS: 30,
  roundWarnMin: 5,
  voiceOn: false,
  voiceName: "",
  voiceRate: 0,
  voiceVolume: 0,
  handsFree: false,
  quietSeconds: 5,
  afterSpeechSeconds: 20,
};

/** A whole number within [lo, hi], or `fallback` for anything that is not a number. */
function wholeIn(value: unknown, lo: number, hi: number, fallback: number): number {
  const n = Number(value);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(hi, Math.max(lo, Math.round(n)));
}

/** The core's warning marks for these preferences: the early warning (if any) and time up. */
export function thresholdsOf(prefs: Prefs): Thresholds {
  const answer = wholeIn(prefs.answerWarnS, 0, 600, DEFAULTS.answerWarnS);
  const round = wholeIn(prefs.roundWarnMin, 0, 60, DEFAULTS.roundWarnMin) * 60;
  return { answer_s: answer > 0 ? [answer, 0] : [0], round_s: round > 0 ? [round, 0] : [0] };
}

/** The core's voice settings for these preferences, each number in range. */
export function voiceOf(prefs: Prefs): VoiceSettings {
  return {
    voice: prefs.voiceName || null,
    rate: wholeIn(prefs.voiceRate, -100, 100, 0),
    volume: wholeIn(prefs.voiceVolume, -100, 100, 0),
  };
}

/** What hands-free runs with, for these preferences: the voice only if it is on. */
export function handsFreeOf(prefs: Prefs): HandsFreeOptions {
  return {
    voice: prefs.voiceOn ? voiceOf(prefs) : null,
    rule: {
      quiet_seconds: wholeIn(prefs.quietSeconds, 1, 60, DEFAULTS.quietSeconds),
      after_speech_seconds: wholeIn(prefs.afterSpeechSeconds, 0, 600, DEFAULTS.afterSpeechSeconds),
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
      return "Your answer, recording";
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
