-- Demo data for `npm run dev` only (never a migration: production must not
-- get a flag that points at 127.0.0.1). Idempotent.
-- Shadow compares the prediction ($.label), not whole bodies: the two demo
-- models always answer different `model_version`s, so a whole-body JSON
-- comparison would report 0 % agreement. Every disagreement is kept as an example.
-- The response contract (docs/design/answer-checks.md) is the demo answers'
-- shape, so the demo's fault switches (invalid-rate, label-shift) show the
-- invalid_rate and prediction_drift guards at work.
INSERT OR IGNORE INTO flags (key, description, route_method, route_path, blue_origin, green_origin, timeout_ms, failover, unit_key_source, unit_key_name, settings, version)
VALUES ('demo-model', 'Demo: sentiment v1 (blue) → v2 (green)', 'POST', '/demo/predict',
        '{"url":"http://127.0.0.1:8701"}', '{"url":"http://127.0.0.1:8702"}', 2000, 1, 'header', 'x-user-id',
        '{"shadow":{"comparator":{"kind":"label","path":"$.label"},"exampleRate":1},"response":{"schema":{"type":"object","required":["label","score"],"properties":{"label":{"enum":["positive","negative","neutral"]},"score":{"type":"number","minimum":0,"maximum":1}}},"prediction":"$.label"}}', 1);
INSERT OR IGNORE INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, hold_seconds, state)
VALUES ('demo-r1', 'demo-model',
        '[{"mode":"shadow","percent":0,"minDurationSeconds":300,"minSamples":1000},{"mode":"serve","percent":5,"minDurationSeconds":600,"minSamples":500},{"mode":"serve","percent":25,"minDurationSeconds":600,"minSamples":100},{"mode":"serve","percent":50,"minDurationSeconds":900,"minSamples":1000},{"mode":"serve","percent":100,"minDurationSeconds":900,"minSamples":1000}]',
        2, CAST(unixepoch('subsec') * 1000 AS INTEGER), 600, 'active');
-- demo-chat: an OpenAI-compatible chat endpoint (docs/design/llm-traffic.md).
-- Both demo origins answer chat completions, blue as "chat v1", green as
-- "chat v2" (other wording, more output tokens, a later first token), each
-- priced per million tokens; usage is read from every answer, green is judged
-- on cost per request, and its shadow stage compares generated text.
INSERT OR IGNORE INTO flags (key, description, route_method, route_path, blue_origin, green_origin, timeout_ms, failover, unit_key_source, unit_key_name, settings, version)
VALUES ('demo-chat', 'Demo: chat v1 (blue) → v2 (green)', 'POST', '/demo/v1/chat/completions',
        '{"url":"http://127.0.0.1:8701","model":"chat-v1","price":{"inputPerMTok":0.15,"outputPerMTok":0.6}}',
        '{"url":"http://127.0.0.1:8702","model":"chat-v2","price":{"inputPerMTok":0.3,"outputPerMTok":1.2}}',
        5000, 0, 'header', 'x-user-id',
        '{"response":{"usage":"openai"},"shadow":{"comparator":{"kind":"text","minSimilarity":0.5},"exampleRate":1},"health":{"guards":{"costPerRequestRatio":5}}}', 1);
INSERT OR IGNORE INTO rollouts (id, flag_key, stages, stage_index, stage_started_at, hold_seconds, state)
VALUES ('demo-chat-r1', 'demo-chat',
        '[{"mode":"shadow","percent":0,"minDurationSeconds":300,"minSamples":200},{"mode":"serve","percent":25,"minDurationSeconds":600,"minSamples":200},{"mode":"serve","percent":100,"minDurationSeconds":600,"minSamples":200}]',
        0, CAST(unixepoch('subsec') * 1000 AS INTEGER), 600, 'active');
