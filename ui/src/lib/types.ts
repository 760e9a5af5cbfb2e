// Shapes of what the Rust core sends over IPC (see src/session.rs and
// src/loops/model.rs). Field names match serde's output exactly.

export interface Competency {
  id: string;
  name: string;
  description: string;
}

export interface ChecklistItem {
  id: string;
  text: string;
  competency: string;
}

export interface Round {
  id: string;
  kind: string;
  title: string;
  minutes: number;
  answer_seconds: number;
  probe_seconds: number;
  optional: boolean;
  competencies: string[];
  checklist: ChecklistItem[];
}

export interface Question {
  id: string;
  kind: string;
  text: string;
  target_seconds: number;
  probes: string[];
}

export interface Loop {
  id: string;
  title: string;
  description: string;
  source: string;
  competencies: Competency[];
  rounds: Round[];
  questions: Question[];
}

export interface RunSummary {
  id: number;
  loop_id: string;
  loop_title: string;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface TimerView {
  remaining_ms: number;
  budget_ms: number;
  label: string;
  overtime: boolean;
}

export type Phase = "answering" | "assessing" | "finished";

export interface RunView {
  run_id: number;
  loop_id: string;
  loop_title: string;
  phase: Phase;
  paused: boolean;
  round_number: number;
  round_count: number;
  round_id: string;
  round_kind: string;
  round_title: string;
  competencies: { id: string; name: string }[];
  checklist: ChecklistItem[];
  question_number: number;
  question_count: number;
  question_id: string;
  question: string;
  probe: string | null;
  probe_number: number | null;
  probe_count: number;
  answer_timer: TimerView;
  round_timer: TimerView;
  /** Milliseconds left at which each countdown starts to warn. */
  answer_warn_ms: number;
  round_warn_ms: number;
}

/** Warning marks, in seconds left; 0 marks the start of overtime. */
export interface Thresholds {
  answer_s: number[];
  round_s: number[];
}

export type RunEvent =
  | { type: "warning"; timer: "answer" | "round"; seconds_left: number }
  | { type: "answer_ended"; round: number; question_id: string; probe: number | null; used_ms: number; given_ms: number }
  | { type: "round_ended"; round: number; used_ms: number; given_ms: number }
  | { type: "run_finished" };

export interface Update {
  view: RunView;
  events: RunEvent[];
}

export interface Home {
  loops: Loop[];
  problems: string[];
  recent_runs: RunSummary[];
  active: RunView | null;
  /** The interview date, YYYY-MM-DD. */
  target_date: string | null;
}

export type Action = "next" | "pause" | "resume" | "finish_round";

export interface Levels {
  rms: number;
  peak: number;
  silent_ms: number;
  blocks: number;
}

export interface RecorderStatus {
  seconds: number;
  levels: Levels;
  dropped_samples: number;
  finished: boolean;
  error: string | null;
}

export interface TakeRow {
  id: number;
  run_id: number | null;
  loop_id: string | null;
  round_position: number | null;
  round_kind: string | null;
  question_id: string | null;
  probe_index: number | null;
  path: string;
  created_at: string;
  duration_ms: number;
  sample_rate: number;
  bytes: number;
  dropped_samples: number;
  stream_errors: number;
  status: string;
  error: string | null;
}

export interface PlaybackStatus {
  take_id: number;
  playing: boolean;
  position: number;
  duration: number;
}

export interface DeviceInfo {
  name: string;
  id: string;
  input: boolean;
  output: boolean;
  default_input: boolean;
  default_output: boolean;
  default_input_config: string | null;
}

export interface Rating {
  item_id: string;
  competency: string;
  rating: number;
}

/** What was typed or rated for a round and not saved yet (src/store/drafts.rs). */
export interface Draft {
  ratings: Rating[];
  note: string;
  updated_at: string;
}

export interface RoundResult {
  position: number;
  round_id: string;
  given_ms: number;
  used_ms: number | null;
  ratings: Rating[];
  note: string | null;
}

// The readiness report (core: readiness::report::Report).
export interface Current {
  score: number;
  evidence: number;
  last_day: string;
}

export interface WeekPoint {
  week: string;
  score: number | null;
  count: number;
}

export interface Projection {
  score: number;
  low: number;
  high: number;
  weeks_ahead: number;
}

export interface CompetencyReport {
  id: string;
  name: string;
  weight: number;
  current: Current | null;
  weekly: WeekPoint[];
  trend: { slope_per_week: number; weeks: number; residual_sd: number } | null;
  projection: Projection | null;
}

export interface NextItem {
  question_id: string;
  kind: string;
  question: string;
  competencies: string[];
  reviews: number;
  due: string | null;
  retrievability: number | null;
  priority: number;
  reason: string;
}

export interface LoopReport {
  id: string;
  title: string;
  readiness: { score: number | null; coverage: number; reasons: string[] };
  competencies: CompetencyReport[];
  round_kinds: { kind: string; title: string; current: Current | null; weekly: WeekPoint[] }[];
  weakest: string[];
  next: NextItem[];
}

export interface Report {
  today: string;
  target_date: string | null;
  days_left: number | null;
  weeks: number;
  ratings: number;
  volume: { week: string; minutes: number; rounds: number }[];
  loops: LoopReport[];
}
