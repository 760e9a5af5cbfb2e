import { describe, expect, it } from "vitest";
import { askedQuestions, nextOpen, saveLabel, splitChecklist } from "./assessment";
import type { ChecklistItem, Loop, Question } from "./bindings";

const item = (id: string): ChecklistItem => ({ id, text: id, competency: "c" });
const question = (id: string, evidence: string[]): Question => ({
  id,
  kind: "k",
  text: id,
  target_seconds: 60,
  evidence,
  strong: [],
  probes: [],
});
const checklist = [item("a"), item("b"), item("c"), item("d")];

describe("splitChecklist", () => {
  it("lists what the asked questions give evidence for first, in checklist order", () => {
    const { asked, others, split } = splitChecklist(checklist, [question("q1", ["c", "a"]), question("q2", ["a"])]);
    expect(asked.map((i) => i.id)).toEqual(["a", "c"]);
    expect(others.map((i) => i.id)).toEqual(["b", "d"]);
    expect(split).toBe(true);
  });
  it("shows every item alike when the questions name no evidence", () => {
    const { asked, others, split } = splitChecklist(checklist, [question("q1", [])]);
    expect(asked).toEqual(checklist);
    expect(others).toEqual([]);
    expect(split).toBe(false);
  });
});

describe("askedQuestions", () => {
  it("keeps the round's order and skips questions the loop no longer has", () => {
    const loop = { questions: [question("x", []), question("y", [])] } as unknown as Loop;
    expect(askedQuestions(loop, ["y", "gone", "x"]).map((q) => q.id)).toEqual(["y", "x"]);
    expect(askedQuestions(undefined, ["x"])).toEqual([]);
  });
});

describe("keys and the save button", () => {
  it("rates the first open item and marks not asked only what may be", () => {
    const marks = { ratings: { a: 3 }, notAsked: ["b"] };
    expect(nextOpen(checklist, marks)?.id).toBe("c");
    expect(nextOpen(checklist, marks, new Set(["b", "d"]))?.id).toBe("d");
    expect(nextOpen(checklist, { ratings: { a: 1, b: 1, c: 1, d: 1 }, notAsked: [] })).toBeUndefined();
  });
  it("counts rated and not-asked items of this checklist only", () => {
    expect(saveLabel(4, { ratings: { a: 2, gone: 3 }, notAsked: ["b", "d"] }, ["a", "b", "c", "d"])).toBe(
      "Save (1 of 4 rated, 2 not asked)",
    );
    expect(saveLabel(4, { ratings: {}, notAsked: [] }, ["a", "b", "c", "d"])).toBe("Save (0 of 4 rated)");
  });
});
