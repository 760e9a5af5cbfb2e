// The rules the rehearsal store (rehearsal.svelte.ts) and the round screen
// follow, as pure functions: unit-tested in round.test.ts.
import type { Action, Phase, RunView, TakeRow, Turn } from "./bindings";

/** Which answer is up: a new key is a new question, follow-up, round or phase. */
export function answerKey(run: Pick<RunView, "run_id" | "round_number" | "question_number" | "probe_number" | "phase">): string {
  return `${run.run_id}/${run.round_number}/${run.question_number}/${run.probe_number ?? 0}/${run.phase}`;
}

/** Whose notes these are: one run's one round. */
export function noteKey(run: Pick<RunView, "run_id" | "round_number">): string {
  return `${run.run_id}:${run.round_number}`;
}

/** The action leaves the answer up now (to the next one, or to the assessment). */
export function movesOn(action: Action): boolean {
  return action === "next" || action === "finish_round";
}

/**
 * Keyboard mode: each answer is its own take, so moving on closes the take
 * being recorded, and recording carries on into the next answer.
 * (Hands-free, the interviewer asks the next one and records after.)
 */
export function carriesOn(action: Action, recording: boolean, handsFree: boolean): boolean {
  return recording && !handsFree && movesOn(action);
}

/** Hands-free runs while the round screen shows an unfinished run and the candidate wants it. */
export function handsFreeWanted(onRound: boolean, handsFree: boolean, run: { phase: Phase } | null): boolean {
  return onRound && handsFree && run !== null && run.phase !== "finished";
}

/** What the window says when a take ended by itself; null when it ended well. */
export function endedMessage(take: Pick<TakeRow, "error">): string | null {
  return take.error ? `${take.error}. Everything recorded up to then is kept; the rehearsal goes on.` : null;
}

/** What a key does on the round screen. */
export type RoundCommand = { act: Action } | { do: "hands-free" | "stay" | "record" };

/** The round screen's keys: N, P, H, S (while moving on, hands-free), Space (while answering). */
export function roundCommand(key: string, run: Pick<RunView, "phase" | "paused">, turn: Turn | null): RoundCommand | null {
  switch (key) {
    case "n":
    case "N":
      return { act: "next" };
    case "p":
    case "P":
      return { act: run.paused ? "resume" : "pause" };
    case "h":
    case "H":
      return { do: "hands-free" };
    case "s":
    case "S":
      return turn?.turn === "moving_on" ? { do: "stay" } : null;
    case " ":
      return run.phase === "answering" ? { do: "record" } : null;
    default:
      return null;
  }
}

/** A key pressed in a field is typing, not a shortcut. */
export function typing(target: EventTarget | null, fields: readonly string[] = ["INPUT", "TEXTAREA", "SELECT"]): boolean {
  const tag = (target as { tagName?: unknown } | null)?.tagName;
  return typeof tag === "string" && fields.includes(tag);
}

/** A level history with one more reading, the oldest dropped past `keep`. */
export function pushLevel(history: readonly number[], level: number, keep: number): number[] {
  const next = [...history, level];
  return next.length > keep ? next.slice(next.length - keep) : next;
}

/** How long "End round" waits for an undo before the round ends. */
export const END_ROUND_UNDO_MS = 5000;

/** The pending end of a round, in words: "Ending the round in 4 s". */
export function endingWords(leftMs: number): string {
  return `Ending the round in ${Math.max(1, Math.ceil(leftMs / 1000))} s`;
}
