// Pure helpers of the self-assessment screen, unit-tested in assessment.test.ts.
import type { ChecklistItem, Loop, Question } from "./bindings";

/** The questions a round asked (by id, in order), as the loop has them. */
export function askedQuestions(loop: Loop | undefined, ids: string[]): Question[] {
  if (!loop) return [];
  return ids.map((id) => loop.questions.find((q) => q.id === id)).filter((q): q is Question => q !== undefined);
}

/**
 * The round's checklist split in two: the items the asked questions give
 * evidence for (listed first), and the others, which may be marked "not
 * asked". When the questions name no evidence (a user's loop), every item
 * is "asked" and any may be marked not asked.
 */
export function splitChecklist(
  checklist: ChecklistItem[],
  questions: Question[],
): { asked: ChecklistItem[]; others: ChecklistItem[]; split: boolean } {
  const evidence = new Set(questions.flatMap((q) => q.evidence));
  if (evidence.size === 0) return { asked: checklist, others: [], split: false };
  return {
    asked: checklist.filter((i) => evidence.has(i.id)),
    others: checklist.filter((i) => !evidence.has(i.id)),
    split: true,
  };
}

/** Where each checklist item stands: rated 1-4, marked not asked, or open. */
export type Marks = { ratings: Record<string, number>; notAsked: string[] };

/**
 * The item a key press acts on: 1-4 rate the first open item in screen
 * order; 0 marks not asked the first open item that may be (`markable`).
 */
export function nextOpen(order: ChecklistItem[], marks: Marks, markable?: Set<string>): ChecklistItem | undefined {
  return order.find((i) => !marks.ratings[i.id] && !marks.notAsked.includes(i.id) && (!markable || markable.has(i.id)));
}

/** "Save (4 of 7 rated, 2 not asked)". */
export function saveLabel(total: number, marks: Marks, ids: string[]): string {
  const rated = ids.filter((id) => marks.ratings[id]).length;
  const skipped = ids.filter((id) => marks.notAsked.includes(id)).length;
  return `Save (${rated} of ${total} rated${skipped > 0 ? `, ${skipped} not asked` : ""})`;
}
