// Typed wrappers over the app's Tauri commands and events. The only module
// that talks IPC, so components never spell command names.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { Action, Home, RunView, Update } from "./types";

export const listLoops = (): Promise<Home> => invoke<Home>("list_loops");

export const startRun = (loopId: string, roundId?: string): Promise<RunView> =>
  invoke<RunView>("start_run", { loopId, roundId: roundId ?? null });

export const runState = (): Promise<RunView | null> => invoke<RunView | null>("run_state");

export const runAction = (action: Action): Promise<Update> => invoke<Update>("run_action", { action });

export const onTick = (handler: (update: Update) => void): Promise<UnlistenFn> =>
  listen<Update>("run-tick", (event) => handler(event.payload));

export const saveAssessment = (ratings: { item_id: string; rating: number }[], note: string): Promise<void> =>
  invoke<void>("save_assessment", { ratings, note });
