// Screens the home screen does not need load on first use, each its own
// chunk (Vite splits at every `import()`), so the window paints sooner:
// the home screen and the round screen stay in the main chunk.
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
};
