// SSRF guard for origin URLs (pure).
import { describe, expect, it } from "vitest";
import { checkOriginUrl, parseAllowlist } from "../../src/core/origin-guard";

const none = parseAllowlist(undefined);

describe("checkOriginUrl", () => {
  it.each([
    "https://model.example.com/v1",
    "https://8.8.8.8/",
    "https://[2606:4700::1111]/",
    "https://api.internal-models.com",
  ])("allows %s", (url) => expect(checkOriginUrl(url, none)).toBeNull());

  it.each([
    ["http://model.example.com", "https:"],
    ["ftp://model.example.com", "https:"],
    ["https://localhost/", "not allowed"],
    ["https://foo.localhost/", "not allowed"],
    ["https://metadata.google.internal/", "not allowed"],
    ["https://127.0.0.1/", "private"],
    ["https://2130706433/", "private"],
    ["https://0x7f.0.0.1/", "private"],
    ["https://10.1.2.3/", "private"],
    ["https://172.16.0.1/", "private"],
    ["https://192.168.1.1/", "private"],
    ["https://169.254.169.254/latest/meta-data", "private"],
    ["https://100.64.0.1/", "private"],
    ["https://0.0.0.0/", "private"],
    ["https://[::1]/", "private"],
    ["https://[fe80::1]/", "private"],
    ["https://[fd00:ec2::254]/", "private"],
    ["https://[::ffff:127.0.0.1]/", "private"],
    ["https://user:pw@model.example.com/", "credentials"],
    ["not a url", "absolute"],
  ])("rejects %s", (url, reason) => {
    expect(checkOriginUrl(url, none)).toContain(reason);
  });

  it("an explicit allow-list admits a dev origin, also over http", () => {
    const dev = parseAllowlist(" 127.0.0.1 , LOCALHOST");
    expect(checkOriginUrl("http://127.0.0.1:9001", dev)).toBeNull();
    expect(checkOriginUrl("http://localhost:9002", dev)).toBeNull();
    expect(checkOriginUrl("http://127.0.0.2:9001", dev)).toContain("https:");
    expect(checkOriginUrl("https://10.0.0.1", dev)).toContain("private");
  });
});
