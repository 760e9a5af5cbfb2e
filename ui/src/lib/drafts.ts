// What the candidate types or rates is kept as a draft with the run, in the
// database, while they type (a little after the last keystroke), so a
// closed or crashed window loses none of it. Before the run moves on, every
// pending draft is written first (`flushDrafts`), so moving on never races
// a half-saved draft.
import { logged } from "./errors";

type Flush = () => Promise<void>;
const pending = new Set<Flush>();

export interface DraftSaver {
  /** Something changed: save a little later (restarting the wait). */
  touch(): void;
  /** Save now if anything changed since the last save. */
  flush(): Promise<void>;
  /** Save what is pending and stop tracking this saver. */
  dispose(): Promise<void>;
}

/** A saver that calls `save` `delayMs` after the last `touch`, or on `flush`. */
export function draftSaver(save: () => Promise<void>, delayMs = 400): DraftSaver {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let dirty = false;
  const flush: Flush = async () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!dirty) return;
    dirty = false;
    await save();
  };
  pending.add(flush);
  return {
    touch() {
      dirty = true;
      if (timer) clearTimeout(timer);
      // A saver shows its own failures where it can; what is left goes to the log.
      timer = setTimeout(() => void logged(flush(), "saving a draft as it was typed"), delayMs);
    },
    flush,
    dispose() {
      pending.delete(flush);
      return flush();
    },
  };
}

/** Writes every pending draft now. */
export async function flushDrafts(): Promise<void> {
  await Promise.all([...pending].map((flush) => flush()));
}
