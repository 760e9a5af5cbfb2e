import { describe, expect, it } from "vitest";
import { firstSentence, practisesWords, resumeWords, suggestionSize } from "./home";

const timer = (remaining_ms: number, label: string) => ({ remaining_ms, budget_ms: 1_800_000, label, overtime: remaining_ms < 0 });

describe("the home screen's words", () => {
  it("keep a description's first sentence", () => {
    expect(firstSentence("Practise the loop out loud: six rounds. Expect follow-ups on trade-offs.")).toBe(
      "Practise the loop out loud: six rounds.",
    );
    expect(firstSentence("One sentence only.")).toBe("One sentence only.");
    expect(firstSentence("  No full stop at all ")).toBe("No full stop at all");
    // A point inside a figure is not a sentence's end.
    expect(firstSentence("Version 2.5 of the loop. More.")).toBe("Version 2.5 of the loop.");
  });
  it("say where a run stopped", () => {
    const at = { phase: "answering" as const, round_number: 3, round_count: 6, round_title: "Product design", round_timer: timer(760_000, "12:40") };
    expect(resumeWords(at)).toBe("round 3 of 6, Product design · 12:40 left");
    expect(resumeWords({ ...at, round_timer: timer(-65_000, "+1:05") })).toBe("round 3 of 6, Product design · +1:05 over time");
    expect(resumeWords({ ...at, phase: "assessing" })).toBe("round 3 of 6, Product design · its self-assessment");
    expect(resumeWords({ ...at, round_count: 1, round_number: 1 })).toBe("Product design · 12:40 left");
    expect(resumeWords(null)).toBe("where it stopped could not be read");
  });
  it("size a suggestion and name what it practises", () => {
    expect(suggestionSize({ question_ids: ["a", "b", "c"], minutes: 9 })).toBe("3 questions · up to 9 min");
    expect(suggestionSize({ question_ids: ["a"], minutes: 4 })).toBe("1 question · up to 4 min");
    expect(practisesWords([])).toBe("");
    expect(practisesWords(["Execution"])).toBe("Execution");
    expect(practisesWords(["A", "B", "C"])).toBe("A, B and C");
    expect(practisesWords(["A", "B", "C", "D", "E"])).toBe("A, B, C and 2 more");
  });
});
