import { describe, expect, it } from "vitest";
import { competencySeries, heatLevel, practiceIds, scoreWords, unixDay, volumeWords } from "./readiness";
import type { CompetencyReport, LoopReport, NextItem } from "./bindings";

const week = (w: string, score: number | null) => ({ week: w, score, count: score === null ? 0 : 1 });
const comp = (id: string, weight: number, scores: (number | null)[]): CompetencyReport => ({
  id,
  name: id,
  weight,
  current: null,
  weekly: scores.map((s, i) => week(`2026-11-${String(2 + 7 * i).padStart(2, "0")}`, s)),
  trend: null,
  projection: null,
});
const next = (question_id: string, competencies: string[]): NextItem => ({
  question_id,
  kind: "k",
  question: question_id,
  competencies,
  reviews: 0,
  due: null,
  retrievability: null,
  priority: 1,
  reason: "",
});
const loop: LoopReport = {
  id: "l",
  title: "L",
  readiness: { score: null, coverage: 0, reasons: [] },
  competencies: [comp("a", 2, [10, null]), comp("unused", 0, [null, null]), comp("b", 1, [null, 90])],
  round_kinds: [],
  weakest: [],
  next: [next("q1", ["a"]), next("q2", ["b"]), next("q3", ["a", "b"]), next("q4", ["b"])],
};

describe("readiness helpers", () => {
  it("puts weeks on uPlot's time axis in Unix seconds", () => {
    expect(unixDay("1970-01-02")).toBe(86_400);
  });
  it("makes one series per competency the loop scores, gaps as null", () => {
    expect(competencySeries(loop)).toEqual([[unixDay("2026-11-02"), unixDay("2026-11-09")], [10, null], [null, 90]]);
  });
  it("shades heat-map cells by score, unrated weeks apart", () => {
    expect([null, 0, 19.9, 20, 66.7, 100].map((s) => heatLevel(week("2026-11-02", s)))).toEqual([0, 1, 1, 2, 4, 5]);
  });
  it("picks the most urgent questions, or those of one competency", () => {
    expect(practiceIds(loop)).toEqual(["q1", "q2", "q3"]);
    expect(practiceIds(loop, "b", 2)).toEqual(["q2", "q3"]);
    expect(practiceIds(loop, "nobody")).toEqual([]);
  });
  it("words practice volume without '0 minutes' or '1 rounds'", () => {
    expect(volumeWords(0.25, 1)).toBe("under a minute answering, 1 round");
    expect(volumeWords(1.2, 0)).toBe("1 minute answering, 0 rounds");
    expect(volumeWords(95.6, 12)).toBe("96 minutes answering, 12 rounds");
  });
  it("says 'not yet rated' rather than 0", () => {
    expect(scoreWords(null)).toBe("not yet rated");
    expect(scoreWords(61.6)).toBe("62");
  });
});
