import type { AgentEvent } from "@subagent-mcp/core";
import type { CliName } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { harness, type Harness } from "./harness.js";

type RateLimit = Extract<AgentEvent, { type: "rate_limit" }>;
const limitOf =
  (window: string, status: RateLimit["status"]) =>
  (e: AgentEvent): e is RateLimit =>
    e.type === "rate_limit" && e.window === window && e.status === status;

/**
 * Claude Code reads the anthropic-ratelimit-unified-* headers only where its account has unified
 * limits: a claude.ai login, or an LLM gateway's token (ANTHROPIC_AUTH_TOKEN, a JWT whose `aud` is
 * "claude-gateway", with ANTHROPIC_BASE_URL on the gateway). The latter is the one a loopback test
 * can use: the token is only read, never checked or refreshed, and the CLI still talks to the fake
 * alone. Unsigned, like any token the fake would accept.
 */
function gatewayToken(): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part({ aud: "claude-gateway", exp: Math.floor(Date.now() / 1000) + 86_400 })}.unsigned`;
}

// What the fakes report for `[[ratelimit:P]]`: the short window resets in two hours, the weekly one (10 % used) in three days.
function expectResetIn(event: RateLimit, hours: number): void {
  expect(event.resetsAt).toBeGreaterThan(Date.now() + (hours - 0.1) * 3_600_000);
  expect(event.resetsAt).toBeLessThan(Date.now() + (hours + 0.1) * 3_600_000);
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const open = async (cli: CliName): Promise<Harness> => (h = await harness(cli));

describe("claude driver: rate limits against the real CLI", () => {
  it("reports the five-hour window's warning and exhaustion, and the weekly window, under gateway auth", async () => {
    const t = await open("claude");
    const session = t.start({ env: { ANTHROPIC_AUTH_TOKEN: gatewayToken() } });
    session.send("[[ratelimit:95]] nearly spent");
    const warning = await t.next("five_hour warning", limitOf("five_hour", "warning"));
    expect(warning.usedPercent).toBe(95);
    expectResetIn(warning, 2);
    const weekly = await t.next("seven_day ok", limitOf("seven_day", "ok"));
    expect(weekly.usedPercent).toBe(10);
    expectResetIn(weekly, 72);
    await t.turnEnd("turn with the warning");
    const mark = t.events.length;
    session.send("[[ratelimit:100]] spent");
    const exhausted = await t.next("five_hour exhausted", limitOf("five_hour", "exhausted"), mark);
    expect(exhausted.usedPercent).toBe(100);
    expectResetIn(exhausted, 2);
  });

  it("reports nothing with an API key: Claude Code does not track rate limits then", async () => {
    const t = await open("claude");
    t.start().send("[[ratelimit:95]] nearly spent");
    const end = await t.turnEnd("turn with rate-limit headers");
    expect(end.isError).toBe(false);
    expect(t.fake.requests.some((r) => r.lastUserText.includes("[[ratelimit:95]]"))).toBe(true);
    expect(t.events.filter((e) => e.type === "rate_limit")).toEqual([]);
  });
});

describe("codex driver: rate limits against the real CLI", () => {
  it("reports the primary window's warning and exhaustion, and the secondary window", async () => {
    const t = await open("codex");
    const session = t.start();
    session.send("[[ratelimit:95]] nearly spent");
    const warning = await t.next("primary warning", limitOf("primary", "warning"));
    expect(warning.usedPercent).toBe(95);
    expectResetIn(warning, 2);
    const secondary = await t.next("secondary ok", limitOf("secondary", "ok"));
    expect(secondary.usedPercent).toBe(10);
    expectResetIn(secondary, 72);
    await t.turnEnd("turn with the warning");
    const mark = t.events.length;
    session.send("[[ratelimit:100]] spent");
    const exhausted = await t.next("primary exhausted", limitOf("primary", "exhausted"), mark);
    expect(exhausted.usedPercent).toBe(100);
  });
});

describe("gemini driver: rate limits against the real CLI", () => {
  it("reports a quota error as an exhausted quota window that resets after the retry delay, beside the error", async () => {
    const t = await open("gemini");
    const before = Date.now();
    t.start({ permissionMode: "yolo" }).send("[[ratelimit:100]] [[error:429]] over quota");
    const quota = await t.next("quota exhausted", limitOf("quota", "exhausted"));
    // With [[ratelimit]], the fake's 429 is the Gemini API's quota error: "Please retry in 42s", RetryInfo 42s.
    expect(quota.resetsAt).toBeGreaterThanOrEqual(before + 42_000);
    expect(quota.resetsAt).toBeLessThanOrEqual(Date.now() + 42_000);
    const error = await t.next("quota error", (e): e is Extract<AgentEvent, { type: "error" }> => e.type === "error");
    expect(error.transient).toBe(true);
    expect((await t.turnEnd("failed turn")).isError).toBe(true);
  });

  it("reports a bare 429 (no retry delay given) as an exhausted quota window without a reset time", async () => {
    const t = await open("gemini");
    t.start({ permissionMode: "yolo" }).send("[[error:429]] over quota");
    const quota = await t.next("quota exhausted", limitOf("quota", "exhausted"));
    expect(quota.resetsAt).toBeUndefined();
    expect(t.events.some((e) => e.type === "error")).toBe(true);
  });
});
