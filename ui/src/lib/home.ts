// The home screen's words, as pure functions: unit-tested in home.test.ts.
import type { RunView, Suggestion } from "./bindings";

/** A description's first sentence (the rest is behind "More"); the whole of a one-sentence text. */
export function firstSentence(text: string): string {
  const m = /^(.+?[.!?])\s+\S/s.exec(text.trim());
  return m ? m[1] : text.trim();
}

/** Where an unfinished run stopped: "round 3 of 6, Product design · 12:40 left". */
export function resumeWords(at: Pick<RunView, "phase" | "round_number" | "round_count" | "round_title" | "round_timer"> | null): string {
  if (!at) return "where it stopped could not be read";
  const round = at.round_count > 1 ? `round ${at.round_number} of ${at.round_count}, ${at.round_title}` : at.round_title;
  if (at.phase === "assessing") return `${round} · its self-assessment`;
  if (at.phase === "finished") return `${round} · done`;
  const left = at.round_timer.overtime ? `${at.round_timer.label} over time` : `${at.round_timer.label} left`;
  return `${round} · ${left}`;
}

/** A suggestion's size: "3 questions · up to 9 min" (its clocks' total; answers may end sooner). */
export function suggestionSize(s: Pick<Suggestion, "question_ids" | "minutes">): string {
  const n = s.question_ids.length;
  return `${n} question${n === 1 ? "" : "s"} · up to ${s.minutes} min`;
}

/** What a suggestion practises, in words: "Execution, Communication and 2 more". */
export function practisesWords(names: readonly string[], shown = 3): string {
  if (names.length === 0) return "";
  if (names.length <= shown) {
    return names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, shown).join(", ")} and ${names.length - shown} more`;
}
