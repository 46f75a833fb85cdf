import { AgentEventSchema } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { acpQuotaEvent, claudeRateLimitEvents, codexRateLimitEvents } from "../src/driver/rate-limits.js";

// Inputs are what the pinned CLIs printed against the fakes (Claude Code 2.1.330, Codex 0.169.0,
// Gemini CLI 0.61.0), trimmed to the fields that matter.
describe("claudeRateLimitEvents (rate_limit_event.rate_limit_info)", () => {
  it("maps a warning on the five-hour window, and the other windows it reports", () => {
    const info = {
      status: "allowed_warning",
      resetsAt: 1795632267,
      rateLimitType: "five_hour",
      utilization: 0.95,
      isUsingOverage: false,
      surpassedThreshold: 0.8,
      unifiedWindows: {
        five_hour: { utilization: 0.95, resetsAt: 1795632267, status: "allowed_warning", surpassedThreshold: 0.8 },
        seven_day: { utilization: 0.1, resetsAt: 1795884267, status: "allowed" },
      },
    };
    const events = claudeRateLimitEvents(info);
    expect(events).toEqual([
      { type: "rate_limit", window: "five_hour", status: "warning", usedPercent: 95, resetsAt: 1795632267000 },
      { type: "rate_limit", window: "seven_day", status: "ok", usedPercent: 10, resetsAt: 1795884267000 },
    ]);
    for (const e of events) expect(AgentEventSchema.parse(e)).toEqual(e);
  });

  it("maps rejected to exhausted, the percent taken from the window when the top level has none", () => {
    const info = {
      status: "rejected",
      resetsAt: 1795632272,
      rateLimitType: "five_hour",
      unifiedWindows: { five_hour: { utilization: 1, resetsAt: 1795632272, status: "rejected", surpassedThreshold: 1 } },
    };
    expect(claudeRateLimitEvents(info)).toEqual([{ type: "rate_limit", window: "five_hour", status: "exhausted", usedPercent: 100, resetsAt: 1795632272000 }]);
  });

  it("maps allowed to ok, names an unnamed limit 'unified', and caps a window past its limit at 100 %", () => {
    expect(claudeRateLimitEvents({ status: "allowed" })).toEqual([{ type: "rate_limit", window: "unified", status: "ok" }]);
    const past = claudeRateLimitEvents({ status: "rejected", rateLimitType: "five_hour", utilization: 1.3 });
    expect(past[0]?.usedPercent).toBe(100);
  });

  it("keeps a window past its cap at warning while the overall status still allows requests", () => {
    const info = { status: "allowed", unifiedWindows: { seven_day_overage_included: { utilization: 1, resetsAt: 1795884267, status: "rejected" } } };
    expect(claudeRateLimitEvents(info)[1]).toMatchObject({ window: "seven_day_overage_included", status: "warning", usedPercent: 100 });
  });

  it("ignores what it cannot read", () => {
    expect(claudeRateLimitEvents({ status: "weird" })).toEqual([]);
    expect(claudeRateLimitEvents(undefined)).toEqual([]);
  });
});

describe("codexRateLimitEvents (account/rateLimits/updated)", () => {
  const update = (primary: unknown, extra: Record<string, unknown> = {}) => ({
    rateLimits: {
      limitId: "codex",
      limitName: null,
      primary,
      secondary: { usedPercent: 10, windowDurationMins: 10080, resetsAt: 1795884291 },
      credits: null,
      planType: null,
      rateLimitReachedType: null,
      ...extra,
    },
  });

  it("maps primary and secondary by used percent: warning from 80 %", () => {
    const events = codexRateLimitEvents(update({ usedPercent: 95, windowDurationMins: 300, resetsAt: 1795632291 }));
    expect(events).toEqual([
      { type: "rate_limit", window: "primary", status: "warning", usedPercent: 95, resetsAt: 1795632291000 },
      { type: "rate_limit", window: "secondary", status: "ok", usedPercent: 10, resetsAt: 1795884291000 },
    ]);
    for (const e of events) expect(AgentEventSchema.parse(e)).toEqual(e);
  });

  it("maps 100 % to exhausted, and a reached limit to its most-used window", () => {
    expect(codexRateLimitEvents(update({ usedPercent: 100, windowDurationMins: 300, resetsAt: null }))[0]).toEqual({
      type: "rate_limit",
      window: "primary",
      status: "exhausted",
      usedPercent: 100,
    });
    const reached = codexRateLimitEvents(update({ usedPercent: 70, windowDurationMins: 300 }, { rateLimitReachedType: "rate_limit_reached" }));
    expect(reached.map((e) => e.status)).toEqual(["exhausted", "ok"]);
  });

  it("names another limit family's windows after it and skips windows a sparse update leaves out", () => {
    const events = codexRateLimitEvents({ rateLimits: { limitId: "codex_other", primary: { usedPercent: 50 }, secondary: null } });
    expect(events).toEqual([{ type: "rate_limit", window: "codex_other:primary", status: "ok", usedPercent: 50 }]);
    expect(codexRateLimitEvents({ rateLimits: { limitId: "codex", primary: null, secondary: null } })).toEqual([]);
    expect(codexRateLimitEvents({})).toEqual([]);
  });
});

describe("acpQuotaEvent (an ACP prompt error)", () => {
  const now = 1_795_625_259_000;

  it("maps Gemini CLI's quota error (code 429) to an exhausted quota window resetting after its retry delay", () => {
    const text =
      "fake error 429: You exceeded your current quota, please check your plan and billing details.\n* Quota exceeded for metric: x, limit: 10\nPlease retry in 42s.\nSuggested retry after 42s.";
    const event = acpQuotaEvent({ code: 429, message: text }, text, now);
    expect(event).toEqual({ type: "rate_limit", window: "quota", status: "exhausted", resetsAt: now + 42_000 });
    expect(AgentEventSchema.parse(event)).toEqual(event);
  });

  it("reads fractional and millisecond delays, and goes without one", () => {
    expect(acpQuotaEvent({}, "RESOURCE_EXHAUSTED: Please retry in 1.5s.", now)?.resetsAt).toBe(now + 1500);
    expect(acpQuotaEvent({}, "quota exceeded, retry after 250ms", now)?.resetsAt).toBe(now + 250);
    expect(acpQuotaEvent({ code: 429 }, "Rate limit exceeded. Try again later.", now)).toEqual({ type: "rate_limit", window: "quota", status: "exhausted" });
  });

  it("is undefined for errors that are not quota refusals", () => {
    expect(acpQuotaEvent({ code: 500 }, "fake error 500", now)).toBeUndefined();
    expect(acpQuotaEvent({ code: 401 }, "401: invalid API key", now)).toBeUndefined();
  });
});
