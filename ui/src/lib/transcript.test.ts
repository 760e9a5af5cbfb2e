import { describe, expect, test } from "vitest";
import type { Filler, Transcript, Word } from "./bindings";
import {
  downloadWords,
  fillerTitle,
  inStep,
  pieces,
  piecesWords,
  plainText,
  progressWords,
  scrollToShow,
  snippetParts,
  speedWords,
  stepAt,
  stepWord,
  summary,
  wordAt,
} from "./transcript";

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
    expect(summary(transcript(words, fillers))).toBe("142 words a minute (from the words) · 2 fillers, 1.5 a minute · model base.en");
    expect(summary({ ...transcript([]), words_per_minute: null })).toBe("no fillers · model base.en");
    expect(plainText(transcript(words))).toBe("Um, we shipped it.");
  });

  test("marks a filler of two words on both, and a pause of exactly a second", () => {
    const said = [w("the", 0, 200), w("the", 250, 400), w("customer", 1400, 1900)];
    const twice: Filler = { kind: "repeat", text: "the the", start_ms: 0, end_ms: 400, word: 0, words: 2 };
    const laid = pieces(transcript(said, [twice]));
    expect(laid.map((p) => p.kind)).toEqual(["word", "word", "pause", "word"]);
    expect(laid.filter((p) => p.kind === "word" && p.filler === twice)).toHaveLength(2);
    const last = laid[3];
    expect(last.kind === "word" && last.filler).toBeNull();
    // 999 ms is no long pause.
    expect(pieces(transcript([w("a", 0, 1), w("b", 1000, 1100)])).map((p) => p.kind)).toEqual(["word", "word"]);
  });

  test("puts probable fillers before the first word and after the last", () => {
    const early: Filler = { kind: "probable", text: "", start_ms: 0, end_ms: 200, word: null, words: 0 };
    const late: Filler = { kind: "probable", text: "", start_ms: 5000, end_ms: 5300, word: null, words: 0 };
    const laid = pieces(transcript([w("So", 300, 500)], [late, early]));
    expect(laid.map((p) => p.kind)).toEqual(["probable", "word", "probable"]);
    expect(pieces(transcript([], [early])).map((p) => p.kind)).toEqual(["probable"]);
  });

  test("says what each filler is", () => {
    const f = (kind: Filler["kind"], text: string): Filler => ({ kind, text, start_ms: 0, end_ms: 1, word: 0, words: 1 });
    expect(fillerTitle(f("filled", "um"))).toBe("filler: um");
    expect(fillerTitle(f("verbal", "you know"))).toBe("filler word: you know");
    expect(fillerTitle(f("repeat", "the the"))).toBe("said twice: the the");
    expect(fillerTitle({ ...f("probable", ""), word: null, words: 0 })).toBe("probable filler: voice with no word");
  });
});

describe("the word being said kept in view", () => {
  test("scrolls the box only when the word is out of it, to a third of the way down", () => {
    // A box 90 px high scrolled to 200: lines 200–290 are in view.
    expect(scrollToShow(220, 20, 200, 90)).toBeNull();
    expect(scrollToShow(270, 20, 200, 90)).toBeNull();
    expect(scrollToShow(280, 20, 200, 90)).toBe(250);
    expect(scrollToShow(150, 20, 200, 90)).toBe(120);
    // Near the start: never above the top.
    expect(scrollToShow(10, 20, 100, 90)).toBe(0);
  });

  test("moves between words with the arrow keys, Home and End", () => {
    expect(stepWord("ArrowRight", 2, 5)).toBe(3);
    expect(stepWord("ArrowRight", 4, 5)).toBe(4);
    expect(stepWord("ArrowLeft", 0, 5)).toBe(0);
    expect(stepWord("ArrowUp", 3, 5)).toBe(2);
    expect(stepWord("Home", 3, 5)).toBe(0);
    expect(stepWord("End", 0, 5)).toBe(4);
    expect(stepWord("a", 0, 5)).toBeNull();
    expect(stepWord("ArrowRight", 0, 0)).toBeNull();
  });
});

describe("a search hit's snippet", () => {
  test("cuts out the hits to show them bold", () => {
    expect(snippetParts("…then we «measured» weekly «retention».")).toEqual([
      { text: "…then we ", hit: false },
      { text: "measured", hit: true },
      { text: " weekly ", hit: false },
      { text: "retention", hit: true },
      { text: ".", hit: false },
    ]);
    expect(snippetParts("«customer» first")).toEqual([
      { text: "customer", hit: true },
      { text: " first", hit: false },
    ]);
  });

  test("reads anything else as plain text, never as markup", () => {
    expect(snippetParts("no hit <b>here</b>")).toEqual([{ text: "no hit <b>here</b>", hit: false }]);
    expect(snippetParts("an «open end")).toEqual([
      { text: "an ", hit: false },
      { text: "open end", hit: true },
    ]);
    expect(snippetParts("«» » stray")).toEqual([{ text: " » stray", hit: false }]);
    expect(snippetParts("")).toEqual([]);
  });
});

test("a download's progress in words", () => {
  const MB = 1048576;
  expect(downloadWords({ done: 42 * MB, total: 142 * MB, bytes_per_second: 0 })).toBe("42 of 142 MB");
  expect(downloadWords({ done: 42 * MB, total: 142 * MB, bytes_per_second: MB })).toBe("42 of 142 MB · 2 min left");
  expect(downloadWords({ done: 140 * MB, total: 142 * MB, bytes_per_second: MB })).toBe("140 of 142 MB · 2 s left");
  expect(downloadWords({ done: 42 * MB, total: 142 * MB, bytes_per_second: 100 * MB / 60 })).toBe("42 of 142 MB · 1 min left");
  expect(downloadWords({ done: 142 * MB, total: 142 * MB, bytes_per_second: MB })).toBe("142 of 142 MB");
  expect(downloadWords({ done: 3 * MB, total: null, bytes_per_second: MB })).toBe("3 MB so far");
  expect(downloadWords({ done: null, total: null, bytes_per_second: null })).toBe("0 MB so far");
});

test("the transcripts' progress in words", () => {
  expect(progressWords({ done: 12, queued: 40 })).toBe("12 of 40 takes transcribed");
  expect(progressWords({ done: 0, queued: 1 })).toBe("0 of 1 take transcribed");
  expect(piecesWords(2, 5)).toBe("Transcribing… 2 of 5 pieces");
  expect(piecesWords(0, 1)).toBe("Transcribing… 0 of 1 piece");
});

describe("two transcripts in step", () => {
  const first = pieces(transcript([w("We", 500, 700), w("shipped", 700, 1000), w("it.", 16_500, 16_800)]));
  const second = pieces(transcript([w("Um,", 200, 400), w("first", 14_000, 14_300), w("customers.", 31_000, 31_600)]));

  test("puts what each take said in the same stretch of time side by side", () => {
    const rows = inStep(first, second, 15_000);
    expect(rows.map((r) => r.fromMs)).toEqual([0, 15_000, 30_000]);
    const text = (ps: typeof first) => ps.map((p) => (p.kind === "word" ? p.word.text : p.kind)).join(" ");
    expect(rows.map((r) => [text(r.a), text(r.b)])).toEqual([
      ["We shipped", "Um, pause first"],
      // The long pause before "it." goes with it, into the second row.
      ["pause it.", ""],
      ["", "pause customers."],
    ]);
  });

  test("finds the row of a moment, none past the last", () => {
    const rows = inStep(first, second, 15_000);
    expect([stepAt(rows, 0, 15_000), stepAt(rows, 16_000, 15_000), stepAt(rows, 31_000, 15_000)]).toEqual([0, 1, 2]);
    expect(stepAt(rows, 45_000, 15_000)).toBe(-1);
    expect(stepAt(rows, -1, 15_000)).toBe(-1);
    expect(inStep([], [], 15_000)).toEqual([]);
  });
});

describe("a model's speed here", () => {
  test("says how long a 3-minute answer takes", () => {
    expect(speedWords(15)).toBe("a 3-minute answer in about 12 s here");
    expect(speedWords(1)).toBe("a 3-minute answer in about 3 min here");
    expect(speedWords(500)).toBe("a 3-minute answer in about 1 s here");
    expect(speedWords(0)).toBe("");
  });
});
