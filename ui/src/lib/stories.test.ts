import { describe, expect, it } from "vitest";
import { answer, blankStory, checkSummary, practiceLoops, ratingWords, storyTags, tagsFor } from "./stories";
import type { CheckResult, Loop, Round } from "./bindings";

const round = (id: string, stories: boolean, competencies: string[]): Round =>
  ({ id, kind: id, title: id, minutes: 30, answer_seconds: 60, probe_seconds: 30, optional: false, stories, competencies, checklist: [] }) as Round;
const loop = (id: string, competencies: [string, string][], rounds: Round[]): Loop =>
  ({ id, title: id, description: "", source: "builtin", competencies: competencies.map(([cid, name]) => ({ id: cid, name, description: "" })), rounds, questions: [] }) as Loop;

const pm = loop("pm", [["people", "People"], ["sums", "Sums"], ["craft", "Craft"]], [round("beh", true, ["people", "craft"]), round("est", false, ["sums"])]);
const pmm = loop("pmm", [["people", "Working with people"], ["market", "Market"]], [round("beh", true, ["people", "market"])]);
const own = loop("own", [["x", "X"]], [round("r", false, ["x"])]);

describe("storyTags", () => {
  it("offers what story rounds probe, each competency once, named by the first loop", () => {
    expect(storyTags([pm, pmm])).toEqual([
      { id: "people", name: "People" },
      { id: "craft", name: "Craft" },
      { id: "market", name: "Market" },
    ]);
  });
  it("keeps a competency no loaded loop offers, so it can be taken off", () => {
    const tags = storyTags([pm]);
    expect(tagsFor(tags, ["people", "gone"]).map((t) => t.name)).toEqual(["People", "Craft", "gone (in no loaded loop)"]);
    expect(tagsFor(tags, ["people"])).toEqual(tags);
  });
  it("offers all of a loop's competencies when none of its rounds asks for stories", () => {
    expect(storyTags([own]).map((t) => t.id)).toEqual(["x"]);
  });
});

describe("a story's check and practice", () => {
  it("replaces an answer, or takes it back", () => {
    let input = answer(blankStory(), "own-part", true);
    input = answer(input, "own-part", false);
    expect(input.answers).toEqual([{ id: "own-part", yes: false }]);
    expect(answer(input, "own-part", null).answers).toEqual([]);
  });
  it("sums the check up", () => {
    const c = (passed: boolean | null) => ({ passed }) as CheckResult;
    expect(checkSummary([c(true), c(false), c(null), c(true)])).toBe("2 of 4 yes, 1 not answered");
    expect(checkSummary([c(true)])).toBe("1 of 1 yes");
  });
  it("offers the loops whose story rounds ask for one of its competencies", () => {
    expect(practiceLoops([pm, pmm], ["market"]).map((l) => l.id)).toEqual(["pmm"]);
    expect(practiceLoops([pm, pmm], ["sums"])).toEqual([]);
  });
  it("says a mean rating in words", () => {
    expect(ratingWords(null)).toBe("not rated");
    expect(ratingWords(2.5)).toBe("solid (2.5)");
    expect(ratingWords(1)).toBe("missing (1.0)");
  });
});
