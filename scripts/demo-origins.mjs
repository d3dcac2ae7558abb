// Two tiny demo model origins for `npm run dev`: blue = "sentiment v1"
// (word lists), green = "sentiment v2" (word lists plus negation handling).
// Usage: node scripts/demo-origins.mjs [bluePort] [greenPort]
import http from "node:http";

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

function label(score) {
  return score > 0 ? "positive" : score < 0 ? "negative" : "neutral";
}

export function startDemoOrigin(port, version, score) {
  // Dev-only fault injection for the health-loop walkthrough: a share of
  // requests answers 500 (set through POST /__control/fail-rate {"rate"}).
  let failRate = 0;
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.url === "/__control/fail-rate" && request.method === "POST") {
        const rate = Number(JSON.parse(body || "{}").rate);
        if (!(rate >= 0 && rate <= 1)) {
          response.writeHead(400, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: { code: "invalid_request", message: "rate must be 0..1" } }));
          return;
        }
        failRate = rate;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ origin: version, failRate }));
        return;
      }
      if (failRate > 0 && Math.random() < failRate) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "injected failure", model_version: version }));
        return;
      }
      let text = "";
      try {
        text = String(JSON.parse(body || "{}").text ?? "");
      } catch {
        response.writeHead(400, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "body must be JSON like {\"text\": \"...\"}" }));
        return;
      }
      const value = score(text);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ model: "sentiment", model_version: version, label: label(value), score: value }));
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bluePort = Number(process.argv[2] ?? 8701);
  const greenPort = Number(process.argv[3] ?? 8702);
  await startDemoOrigin(bluePort, "v1", scoreV1);
  await startDemoOrigin(greenPort, "v2", scoreV2);
  console.log(`demo origins: blue (sentiment v1) http://127.0.0.1:${bluePort}  green (sentiment v2) http://127.0.0.1:${greenPort}`);
}

export { scoreV1, scoreV2 };
