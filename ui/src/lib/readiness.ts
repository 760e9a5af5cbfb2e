// Shaping the readiness report for the dashboard's charts and buttons.
// Pure functions, unit-tested in readiness.test.ts.
import type { LoopReport, WeekPoint } from "./bindings";

/** Midnight UTC of an ISO day, in Unix seconds (uPlot's time axis). */
export function unixDay(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 1000;
}

/** uPlot's data for one loop: weeks, then one series per competency (null where a week has no rating). */
export function competencySeries(loop: LoopReport): [number[], ...(number | null)[][]] {
  const rated = loop.competencies.filter((c) => c.weight > 0);
  const weeks = rated[0]?.weekly.map((p) => unixDay(p.week)) ?? [];
  return [weeks, ...rated.map((c) => c.weekly.map((p) => p.score))];
}

/** A heat-map cell's shade: 0 for no rating that week, else 1 (low) to 5 (high). */
export function heatLevel(point: WeekPoint): number {
  if (point.score === null) return 0;
  return Math.min(5, 1 + Math.floor(point.score / 20));
}

/**
 * The questions "Practise now" starts: the `count` most urgent of the loop,
 * or, given a competency, the most urgent that practise it.
 */
export function practiceIds(loop: LoopReport, competency?: string, count = 3): string[] {
  const pool = competency ? loop.next.filter((n) => n.competencies.includes(competency)) : loop.next;
  return pool.slice(0, count).map((n) => n.question_id);
}

/** A score for people: "62", or "not yet rated". */
export function scoreWords(score: number | null | undefined): string {
  return score === null || score === undefined ? "not yet rated" : String(Math.round(score));
}

/** Practice volume in words: "under a minute", "1 round", "12 minutes". */
export function volumeWords(minutes: number, rounds: number): string {
  const time = minutes < 1 ? "under a minute" : `${Math.round(minutes)} minute${Math.round(minutes) === 1 ? "" : "s"}`;
  return `${time} answering, ${rounds} round${rounds === 1 ? "" : "s"}`;
}
