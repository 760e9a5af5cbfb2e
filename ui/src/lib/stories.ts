// Pure helpers of the story bank screen, unit-tested in stories.test.ts.
import type { CheckResult, Loop, Story, StoryInput } from "./bindings";

/** A competency a story can be tagged with. */
export type Tag = { id: string; name: string };

/**
 * The competencies stories are asked for, across every loop: those the
 * loops' story rounds probe (a loop without story rounds: all of its
 * own), each once, in the loops' order, named as the first loop names it.
 */
export function storyTags(loops: Loop[]): Tag[] {
  const seen = new Map<string, Tag>();
  for (const lp of loops) {
    const storyRounds = lp.rounds.filter((r) => r.stories);
    for (const c of lp.competencies) {
      const asked = storyRounds.length === 0 || storyRounds.some((r) => r.competencies.includes(c.id));
      if (asked && !seen.has(c.id)) seen.set(c.id, { id: c.id, name: c.name });
    }
  }
  return [...seen.values()];
}

/**
 * The tags to offer a story: `tags`, then any competency it already has
 * that no loaded loop offers (a loop file that no longer loads), so it can
 * still be seen and taken off.
 */
export function tagsFor(tags: Tag[], competencies: string[]): Tag[] {
  const unknown = competencies.filter((id) => !tags.some((t) => t.id === id));
  return [...tags, ...unknown.map((id) => ({ id, name: `${id} (in no loaded loop)` }))];
}

/** A blank story. */
export function blankStory(): StoryInput {
  return { title: "", situation: "", action: "", decision: "", constraint: "", result: "", competencies: [], answers: [] };
}

/** What the candidate wrote of a stored story, to edit. */
export function inputOf(story: Story): StoryInput {
  return {
    title: story.title,
    situation: story.situation,
    action: story.action,
    decision: story.decision,
    constraint: story.constraint,
    result: story.result,
    competencies: [...story.competencies],
    answers: story.answers.map((a) => ({ ...a })),
  };
}

/** The candidate's answer to a check changed: yes, no, or (null) not answered. */
export function answer(input: StoryInput, id: string, yes: boolean | null): StoryInput {
  const answers = input.answers.filter((a) => a.id !== id);
  if (yes !== null) answers.push({ id, yes });
  return { ...input, answers };
}

/** "5 of 8 yes, 2 not answered": the story check at a glance. */
export function checkSummary(checks: CheckResult[]): string {
  const yes = checks.filter((c) => c.passed === true).length;
  const open = checks.filter((c) => c.passed === null).length;
  return `${yes} of ${checks.length} yes${open > 0 ? `, ${open} not answered` : ""}`;
}

/** The loops a story can be practised in: those whose story rounds probe one of its competencies. */
export function practiceLoops(loops: Loop[], competencies: string[]): Loop[] {
  return loops.filter((lp) => storyTags([lp]).some((t) => competencies.includes(t.id)));
}

/** A mean rating 1-4 in words, e.g. "solid (3.0)". */
export function ratingWords(mean: number | null): string {
  if (mean === null) return "not rated";
  const words = ["missing", "weak", "solid", "strong"];
  return `${words[Math.min(3, Math.max(0, Math.round(mean) - 1))]} (${mean.toFixed(1)})`;
}
