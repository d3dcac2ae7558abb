// A metrics reader's failure, with a tag the cron can record (never a stack
// in a decision). The reader interface itself is a port (src/ports.ts).

export class MetricsReadError extends Error {
  constructor(
    readonly code: "config_missing" | "timeout" | "http_error" | "bad_response" | "network",
    message: string,
  ) {
    super(message);
    this.name = "MetricsReadError";
  }
}
