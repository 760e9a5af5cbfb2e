import { describe, expect, test } from "vitest";
import type { Filler, Transcript, Word } from "./bindings";
import { downloadWords, pieces, plainText, summary, wordAt } from "./transcript";

const w = (text: string, start_ms: number, end_ms: number): Word => ({ text, start_ms, end_ms, p: 0.9 });

function transcript(words: Word[], fillers: Filler[] = []): Transcript {
  return { model: "base.en", made_at: "", words, fillers, fillers_per_minute: 1.5, words_per_minute: 141.6, error: null };
}

describe("a transcript laid out", () => {
  const words = [w("Um,", 0, 300), w("we", 400, 500), w("shipped", 500, 800), w("it.", 2900, 3100)];
  const fillers: Filler[] = [
    { kind: "filled", text: "um", start_ms: 0, end_ms: 300, word: 0, words: 1 },
    { kind: "probable", text: "", start_ms: 1000, end_ms: 1500, word: null, words: 0 },
  ];

  test("marks fillers on their words and shows long pauses and probable fillers where they fall", () => {
    const laid = pieces(transcript(words, fillers));
    expect(laid.map((p) => p.kind)).toEqual(["word", "word", "word", "probable", "pause", "word"]);
    const first = laid[0];
    expect(first.kind === "word" && first.filler?.text).toBe("um");
    const pause = laid[4];
    expect(pause.kind === "pause" && pause.ms).toBe(2100);
  });

  test("finds the word being said, or the last one started", () => {
    expect(wordAt(words, -5)).toBe(-1);
    expect(wordAt(words, 450)).toBe(1);
    expect(wordAt(words, 1500)).toBe(2);
    expect(wordAt(words, 99_000)).toBe(3);
    expect(wordAt([], 10)).toBe(-1);
  });

  test("sums itself up in a line and copies as plain text", () => {
    expect(summary(transcript(words, fillers))).toBe("142 words a minute (from the words) · 2 fillers, 1.5 a minute · base.en");
    expect(summary({ ...transcript([]), words_per_minute: null })).toBe("no fillers · base.en");
    expect(plainText(transcript(words))).toBe("Um, we shipped it.");
  });
});

test("a download's progress in words", () => {
  const MB = 1048576;
  expect(downloadWords({ done: 42 * MB, total: 142 * MB, bytes_per_second: 0 })).toBe("42 of 142 MB");
  expect(downloadWords({ done: 42 * MB, total: 142 * MB, bytes_per_second: MB })).toBe("42 of 142 MB · 2 min left");
  expect(downloadWords({ done: 140 * MB, total: 142 * MB, bytes_per_second: MB })).toBe("140 of 142 MB · 2 s left");
});
