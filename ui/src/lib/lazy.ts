// Loading on first use: the screens the home screen does not show are
// their own chunks (screens.ts), fetched when first opened.

/** `load`, called once: later calls share its promise (a failed one is tried again). */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((e: unknown) => {
      pending = null;
      throw e;
    }));
}
