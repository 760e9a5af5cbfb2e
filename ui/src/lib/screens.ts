// Screens the home screen does not need load on first use, each its own
// chunk (Vite splits at every `import()`), so the window paints sooner:
// only the home screen is in the main chunk. The round screen is fetched
// as soon as the home screen has painted (`warm`), so a run never waits.
import type { Component } from "svelte";
import { once } from "./lazy";

// Any props, as Svelte's own `Component` defaults to.
export type Props = Record<string, any>;
export type Loader<P extends Props> = () => Promise<Component<P>>;

const screen = <P extends Props>(load: () => Promise<{ default: Component<P> }>): Loader<P> =>
  once(() => load().then((m) => m.default));

export const screens = {
  dashboard: screen(() => import("./Dashboard.svelte")),
  library: screen(() => import("./Library.svelte")),
  stories: screen(() => import("./Stories.svelte")),
  settings: screen(() => import("./Settings.svelte")),
  summary: screen(() => import("./Summary.svelte")),
  assessment: screen(() => import("./Assessment.svelte")),
  round: screen(() => import("./RoundScreen.svelte")),
  help: screen(() => import("./Help.svelte")),
};

/** Loads the round screen ahead of its first use, once the window is idle. */
export function warm(): void {
  void screens.round();
}
