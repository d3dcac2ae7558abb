// The demo origins' answers and their fault switches (`npm run dev` only;
// the server is scripts/demo-origins.mjs, the router's control route is
// src/dev/demo-control.ts). Pure: no sockets, no clock; randomness is passed in.
//
// Switches, each a share 0..1 of the origin's answers:
// - fail-rate: answers 500;
// - invalid-rate: answers 200 with `{"label": null, "score": "NaN"}` (breaks the seeded contract);
// - label-shift: answers 200 with a label the model would not give (positive→negative, …);
// - stream-break-rate: a streamed answer (`?stream=1`) dies after its headers and first chunk.
// A streamed answer is the same JSON document sent in several chunks, so a
// response contract judges a complete stream exactly as an unstreamed answer.

/** Route name under /__control/ → key in the faults object. */
export const SWITCHES = Object.freeze({
  "fail-rate": "failRate",
  "invalid-rate": "invalidRate",
  "label-shift": "labelShift",
  "stream-break-rate": "streamBreakRate",
});

/** A different label than the model gave (every label moves, so a shift is always visible). */
export const SHIFTED_LABEL = Object.freeze({ positive: "negative", negative: "positive", neutral: "negative" });

export const INVALID_ANSWER_FIELDS = Object.freeze({ label: null, score: "NaN" });

export function createFaults() {
  return Object.fromEntries(Object.values(SWITCHES).map((key) => [key, 0]));
}

const CONTROL_ROUTES = `POST {${Object.keys(SWITCHES).join("|")}} with {"rate": 0..1}, GET faults, POST reset`;

/**
 * Handles one control request (`name` = the path after /__control/), changing
 * `faults` only when the request is valid. Returns the status and JSON body to send.
 */
export function controlRequest(faults, origin, method, name, bodyText) {
  const state = () => ({ origin, faults: { ...faults } });
  if (name === "faults" && method === "GET") return { status: 200, body: state() };
  if (name === "reset" && method === "POST") {
    Object.assign(faults, createFaults());
    return { status: 200, body: state() };
  }
  const key = Object.hasOwn(SWITCHES, name) ? SWITCHES[name] : null;
  if (key === null || method !== "POST") {
    return { status: 404, body: { error: { code: "not_found", message: CONTROL_ROUTES } } };
  }
  let rate;
  try {
    rate = JSON.parse(bodyText || "{}")?.rate;
  } catch {
    rate = undefined;
  }
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
    return {
      status: 400,
      body: {
        error: {
          code: "invalid_request",
          message: `${name}: send {"rate": a number from 0 to 1}`,
          details: { path: "rate", got: rate ?? null },
        },
      },
    };
  }
  faults[key] = rate;
  return { status: 200, body: state() };
}

/** The model's answer: raw word score → label, and a score in 0..1 (the probability of positive). */
export function sentimentAnswer(version, raw) {
  const label = raw > 0 ? "positive" : raw < 0 ? "negative" : "neutral";
  const score = Math.round((1 / (1 + Math.exp(-raw))) * 1000) / 1000;
  return { model: "sentiment", model_version: version, label, score };
}

/**
 * What the origin sends for one request, faults applied, each drawn
 * independently with `random()` in [0, 1): `{ status, body, breakStream }`.
 * breakStream is only ever true for a streamed request.
 */
export function planAnswer(faults, answer, { streamed, random = Math.random }) {
  const drawn = (rate) => rate > 0 && random() < rate;
  if (drawn(faults.failRate))
    return {
      status: 500,
      body: { error: "injected failure", model_version: answer.model_version },
      breakStream: false,
    };
  let body = answer;
  if (drawn(faults.invalidRate)) body = { ...answer, ...INVALID_ANSWER_FIELDS };
  else if (drawn(faults.labelShift)) body = { ...answer, label: SHIFTED_LABEL[answer.label] ?? "negative" };
  return { status: 200, body, breakStream: streamed && drawn(faults.streamBreakRate) };
}

/** A JSON text cut before each top-level-looking `"key"` after a comma: the chunks of a streamed answer. */
export function streamChunks(text) {
  return text.split(/(?<=,)(?=")/);
}
