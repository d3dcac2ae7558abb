// The flag page's "start rollout" form, read into the admin API's body
// (pure). Stages use the CLI's `--plan` syntax ("shadow, 5, 25, 50, 100");
// every stage gets the form's minimum time, and its minimum samples when
// given, else the default plan's count for that stage (so the untouched
// form starts exactly DEFAULT_STAGE_PLAN). Only what is not a plan at all is
// refused here; the plan's shape rules (shadow first, ending at 100 %) are
// the API's, and it answers 422 with the reason.
import { DEFAULT_HOLD_SECONDS, DEFAULT_STAGE_PLAN, type Stage } from "../core/rollout-machine";

export interface PlanFormFields {
  stages: string;
  minDuration: string;
  minSamples: string;
  hold: string;
}

export interface RolloutStartBody {
  stages: Stage[];
  holdSeconds: number;
}

/** "shadow, 5, 25, 50, 100" */
export const planText = (stages: readonly Stage[]): string =>
  stages.map((s) => (s.mode === "shadow" ? "shadow" : String(s.percent))).join(", ");

/** What the form shows before the operator edits it: the default plan. */
export const PLAN_FORM_DEFAULTS: PlanFormFields = {
  stages: planText(DEFAULT_STAGE_PLAN),
  minDuration: String(DEFAULT_STAGE_PLAN[0]!.minDurationSeconds),
  minSamples: "",
  hold: String(DEFAULT_HOLD_SECONDS),
};

/** The default plan's sample count for a stage like this one (same mode and percent, else the same mode's last). */
function defaultSamples(mode: Stage["mode"], percent: number): number {
  const same = DEFAULT_STAGE_PLAN.find((s) => s.mode === mode && s.percent === percent);
  return (same ?? DEFAULT_STAGE_PLAN.filter((s) => s.mode === mode).at(-1)!).minSamples;
}

const MAX_SECONDS = 30 * 24 * 3600;

function wholeNumber(text: string, name: string, max: number): number | string {
  const trimmed = text.trim();
  if (!/^\d{1,9}$/.test(trimmed) || Number(trimmed) > max) return `${name} must be a whole number from 0 to ${max}`;
  return Number(trimmed);
}

export function parsePlanForm(
  fields: PlanFormFields,
): { ok: true; body: RolloutStartBody } | { ok: false; message: string } {
  const minDuration = wholeNumber(fields.minDuration, "Minimum time per stage", MAX_SECONDS);
  if (typeof minDuration === "string") return { ok: false, message: minDuration };
  const hold = wholeNumber(fields.hold, "Hold before promotion", MAX_SECONDS);
  if (typeof hold === "string") return { ok: false, message: hold };
  const samples =
    fields.minSamples.trim() === "" ? null : wholeNumber(fields.minSamples, "Minimum samples per stage", 1e9);
  if (typeof samples === "string") return { ok: false, message: samples };
  const parts = fields.stages
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) return { ok: false, message: `Stages are needed, e.g. ${PLAN_FORM_DEFAULTS.stages}` };
  const stages: Stage[] = [];
  for (const part of parts) {
    const shadow = part.toLowerCase() === "shadow";
    const percent = shadow ? 0 : Number(part.replace(/\s*%$/, ""));
    if (!shadow && (!/^\d+(\.\d{1,3})?\s*%?$/.test(part) || !(percent > 0 && percent <= 100))) {
      return { ok: false, message: `Stage “${part}” is neither “shadow” nor a percentage in (0, 100]` };
    }
    const mode = shadow ? "shadow" : "serve";
    stages.push({
      mode,
      percent,
      minDurationSeconds: minDuration,
      minSamples: samples ?? defaultSamples(mode, percent),
    });
  }
  return { ok: true, body: { stages, holdSeconds: hold } };
}

/** One line for a confirmation: "shadow → 5 % → … → 100 %, each stage ≥ 600 s, hold 600 s". */
export function describePlan(body: RolloutStartBody): string {
  const path = body.stages.map((s) => (s.mode === "shadow" ? "shadow" : `${s.percent} %`)).join(" → ");
  const samples = body.stages.map((s) => s.minSamples).join(" / ");
  return `${path} (each stage at least ${body.stages[0]!.minDurationSeconds} s; minimum samples ${samples}; hold ${body.holdSeconds} s at 100 % before promotion)`;
}
