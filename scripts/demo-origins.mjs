// Two tiny demo model origins for `npm run dev`: blue = "sentiment v1"
// (word lists), green = "sentiment v2" (word lists plus negation handling).
// Answers are {"model","model_version","label","score"} with score in 0..1;
// `?stream=1` streams the same JSON in chunks (scripts/lib/demo-faults.mjs).
// The same origins answer POST …/chat/completions as "chat v1" / "chat v2"
// (scripts/lib/demo-chat.mjs), for the demo-chat flag.
// Usage: node scripts/demo-origins.mjs [bluePort] [greenPort]
import http from "node:http";
import { controlRequest, createFaults, planAnswer, sentimentAnswer, streamChunks } from "./lib/demo-faults.mjs";
import { chatAnswer, chatCompletion, chatEvents } from "./lib/demo-chat.mjs";

const POSITIVE = ["good", "great", "love", "excellent", "happy", "nice", "awesome", "fast"];
const NEGATIVE = ["bad", "terrible", "hate", "awful", "sad", "slow", "broken", "poor"];

function scoreV1(text) {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  return words.reduce((sum, word) => sum + (POSITIVE.includes(word) ? 1 : NEGATIVE.includes(word) ? -1 : 0), 0);
}

function scoreV2(text) {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  let score = 0;
  words.forEach((word, i) => {
    const polarity = POSITIVE.includes(word) ? 1 : NEGATIVE.includes(word) ? -1 : 0;
    const negated = ["not", "never", "no", "isn't", "don't"].includes(words[i - 1] ?? "");
    score += negated ? -polarity : polarity;
  });
  return score;
}

const STREAM_CHUNK_GAP_MS = 150;
const sendJson = (response, status, body) => {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
};

/**
 * Sends the answer in chunks STREAM_CHUNK_GAP_MS apart (chunked transfer);
 * a broken stream sends its headers and first chunk, then destroys the socket.
 */
function streamAnswer(response, status, body, breakStream) {
  const chunks = streamChunks(JSON.stringify(body) + "\n");
  response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  let next = 0;
  const send = () => {
    if (breakStream && next === 1) return response.destroy();
    response.write(chunks[next++]);
    if (next === chunks.length) return response.end();
    setTimeout(send, STREAM_CHUNK_GAP_MS);
  };
  send();
}

/**
 * A chat completion (…/chat/completions): the demo chat model of this origin's
 * version (scripts/lib/demo-chat.mjs), streamed as server-sent events when
 * the request says `stream: true`, each token after its delay.
 */
function answerChat(response, version, body) {
  let request;
  try {
    request = JSON.parse(body || "{}");
  } catch {
    return sendJson(response, 400, { error: { message: "body must be a JSON chat completion request" } });
  }
  const answer = chatAnswer(version, request);
  if (request.stream !== true) return sendJson(response, 200, chatCompletion(answer));
  const events = chatEvents(version, answer, { includeUsage: request.stream_options?.include_usage === true });
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
  let next = 0;
  const send = () => {
    response.write(events[next++].text);
    if (next === events.length) return response.end();
    setTimeout(send, events[next].delayMs);
  };
  setTimeout(send, events[0].delayMs);
}

export function startDemoOrigin(port, version, score) {
  // Dev-only fault switches for the walkthroughs (docs/design/health-loop.md,
  // docs/design/answer-checks.md), set through /__control/* (scripts/lib/demo-faults.mjs).
  const faults = createFaults();
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://origin");
      if (url.pathname.startsWith("/__control/")) {
        const answer = controlRequest(faults, version, request.method, url.pathname.slice("/__control/".length), body);
        return sendJson(response, answer.status, answer.body);
      }
      if (url.pathname.endsWith("/chat/completions")) return answerChat(response, version, body);
      let text = "";
      try {
        text = String(JSON.parse(body || "{}").text ?? "");
      } catch {
        return sendJson(response, 400, { error: 'body must be JSON like {"text": "..."}' });
      }
      const streamed = url.searchParams.get("stream") === "1";
      const planned = planAnswer(faults, sentimentAnswer(version, score(text)), { streamed });
      if (streamed && planned.status === 200) streamAnswer(response, planned.status, planned.body, planned.breakStream);
      else sendJson(response, planned.status, planned.body);
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bluePort = Number(process.argv[2] ?? 8701);
  const greenPort = Number(process.argv[3] ?? 8702);
  await startDemoOrigin(bluePort, "v1", scoreV1);
  await startDemoOrigin(greenPort, "v2", scoreV2);
  console.log(
    `demo origins: blue (sentiment v1) http://127.0.0.1:${bluePort}  green (sentiment v2) http://127.0.0.1:${greenPort}`,
  );
}

export { scoreV1, scoreV2 };
