// Each CLI's word on how much of its account's rate limits is spent, mapped onto the normalized
// `rate_limit` event. Pure functions of the wire data, so that each mapping is tested on its own.
import type { AgentEvent, RateLimitStatus } from "@subagent-mcp/core";
import { z } from "zod";
import { definedFields } from "@subagent-mcp/contract/fields";

export type RateLimitEvent = Extract<AgentEvent, { type: "rate_limit" }>;

// Where a CLI gives no status of its own: nearly spent from 80 %, as the core event documents.
const WARNING_PERCENT = 80;

function statusOf(percent: number | undefined): RateLimitStatus {
  if (percent === undefined) return "ok";
  return percent >= 100 ? "exhausted" : percent >= WARNING_PERCENT ? "warning" : "ok";
}

// Windows can run past their cap (Claude reports utilization above 1); the event says 0..100.
// Two decimals: 0.07 * 100 is 7.000000000000001.
function percent(value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return Math.round(Math.min(100, Math.max(0, value)) * 100) / 100;
}

// Both CLIs give reset times in epoch seconds; the event wants integer milliseconds.
function epochMs(seconds: number | null | undefined): number | undefined {
  return seconds === undefined || seconds === null || !Number.isFinite(seconds) || seconds < 0 ? undefined : Math.round(seconds * 1000);
}

function event(window: string, status: RateLimitStatus, usedPercent: number | undefined, resetsAt: number | undefined): RateLimitEvent {
  return {
    type: "rate_limit",
    window: window.slice(0, 64),
    status,
    ...definedFields({ usedPercent, resetsAt }),
  };
}

// Claude Code's `rate_limit_event.rate_limit_info` (2.1.330): the limiting window's status, and,
// per window, what the anthropic-ratelimit-unified-* headers said. Utilization is a fraction.
const ClaudeStatus = z.enum(["allowed", "allowed_warning", "rejected"]);
const ClaudeWindow = z.looseObject({
  utilization: z.number().optional(),
  resetsAt: z.number().optional(),
  status: ClaudeStatus.optional().catch(undefined),
});
const ClaudeInfo = z.looseObject({
  status: ClaudeStatus,
  resetsAt: z.number().nullish(),
  rateLimitType: z.string().min(1).nullish(),
  utilization: z.number().nullish(),
  unifiedWindows: z.record(z.string(), ClaudeWindow.optional().catch(undefined)).optional().catch(undefined),
});
const CLAUDE_STATUS = { allowed: "ok", allowed_warning: "warning", rejected: "exhausted" } as const;

/**
 * The events of one Claude Code `rate_limit_info`: first the limiting window (its `rateLimitType`,
 * "unified" when it names none) with the overall status, then every other window it reports.
 */
export function claudeRateLimitEvents(info: unknown): RateLimitEvent[] {
  const parsed = ClaudeInfo.safeParse(info);
  if (!parsed.success) return [];
  const { status, rateLimitType, utilization, resetsAt, unifiedWindows = {} } = parsed.data;
  const name = rateLimitType ?? "unified";
  const own = unifiedWindows[name];
  const events = [event(name, CLAUDE_STATUS[status], percent((utilization ?? own?.utilization ?? NaN) * 100), epochMs(resetsAt ?? own?.resetsAt))];
  for (const [window, w] of Object.entries(unifiedWindows)) {
    if (window === name || w === undefined) continue;
    const used = percent((w.utilization ?? NaN) * 100);
    // Only the overall status says requests are refused: a window past its cap while another one
    // (overage) still pays is nearly spent, not exhausted.
    const stated = w.status === undefined ? statusOf(used) : CLAUDE_STATUS[w.status];
    events.push(event(window, stated === "exhausted" && status !== "rejected" ? "warning" : stated, used, epochMs(w.resetsAt)));
  }
  return events;
}

// The Codex app-server's `account/rateLimits/updated` (0.169): a sparse snapshot of one limit
// family, parsed from the x-codex-{primary,secondary}-{used-percent,window-minutes,reset-at} headers.
const CodexWindow = z.looseObject({ usedPercent: z.number(), windowDurationMins: z.number().nullish(), resetsAt: z.number().nullish() });
const CodexUpdate = z.looseObject({
  rateLimits: z.looseObject({
    limitId: z.string().nullish(),
    primary: CodexWindow.nullish().catch(undefined),
    secondary: CodexWindow.nullish().catch(undefined),
    rateLimitReachedType: z.string().nullish(),
  }),
});

/**
 * The events of one Codex rate-limit update: a window per reported one, "primary" and "secondary"
 * for Codex's own limit family ("<limitId>:primary" for another). Status from the used percent;
 * where the backend says the limit is reached, its most-used window is exhausted whatever the count.
 */
export function codexRateLimitEvents(params: unknown): RateLimitEvent[] {
  const parsed = CodexUpdate.safeParse(params);
  if (!parsed.success) return [];
  const { limitId, primary, secondary, rateLimitReachedType } = parsed.data.rateLimits;
  const prefix = limitId === undefined || limitId === null || limitId === "codex" ? "" : `${limitId}:`;
  const reported: [string, z.infer<typeof CodexWindow>][] = [];
  if (primary !== undefined && primary !== null) reported.push(["primary", primary]);
  if (secondary !== undefined && secondary !== null) reported.push(["secondary", secondary]);
  const most = Math.max(...reported.map(([, w]) => w.usedPercent));
  return reported.map(([name, w]) => {
    const reached = rateLimitReachedType !== undefined && rateLimitReachedType !== null && w.usedPercent === most;
    return event(`${prefix}${name}`, reached ? "exhausted" : statusOf(w.usedPercent), percent(w.usedPercent), epochMs(w.resetsAt));
  });
}

// A quota refusal as ACP agents report it: the model's HTTP 429 as the error's code (Gemini CLI),
// or its status or wording in the text.
const QUOTA = /RESOURCE_EXHAUSTED|quota|\b429\b/i;
// Gemini CLI says how long to wait in the text: "Please retry in 42.5s.", "Suggested retry after 42s.".
const RETRY = /retry (?:in|after) (\d+(?:\.\d+)?)\s*(ms|s)\b/i;

/**
 * The `rate_limit` event of an ACP prompt error that is a quota refusal, else undefined: window
 * "quota", exhausted, resetting when the agent says to retry (`now` plus its delay) where it does.
 */
export function acpQuotaEvent(error: unknown, text: string, now: number = Date.now()): RateLimitEvent | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code !== 429 && !QUOTA.test(text)) return undefined;
  const retry = RETRY.exec(text);
  const delayMs = retry?.[1] === undefined ? undefined : Number(retry[1]) * (retry[2]?.toLowerCase() === "ms" ? 1 : 1000);
  return event("quota", "exhausted", undefined, delayMs === undefined ? undefined : Math.round(now + delayMs));
}
