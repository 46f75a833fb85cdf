import type { RateLimitStatus } from "@subagent-mcp/core";
import type { Route } from "./select.js";
import type { Candidate } from "./table.js";
import { definedFields, type Provider } from "@subagent-mcp/contract";
import { overQuota, quotaReason, type QuotaInputs } from "./quota.js";

/** What one typical turn of the task's category is expected to cost on a candidate. */
export interface ExpectedCost {
  usd: number;
  /** Where the token counts came from: this candidate's past turns, the category's, or the default guess. */
  tokens: "candidate" | "category" | "default";
}

/** A provider's tightest rate-limit window as its CLI last reported it. */
export interface Headroom {
  status: RateLimitStatus;
  window: string;
  usedPercent?: number;
  /** Epoch ms. */
  resetsAt?: number;
}

/** What ranking reads; each function is cheap (an index lookup, a map read): ranking does no I/O. */
export interface RankInputs {
  expectedCost(candidate: Candidate): ExpectedCost | undefined;
  headroom(provider: Provider): Headroom | undefined;
  /** What the tightest budget over this launch (its own, its tree's, the session's, the day's) leaves, in USD. */
  budgetLeftUsd?: number | undefined;
  /** Now, in epoch ms: a spent window whose reset has passed is usable again. */
  now: number;
  /** With the user's `quota_percent`: a provider with a window at or past it gets no new launch. */
  quota?: QuotaInputs | undefined;
}

/**
 * Why a candidate sits where it does. asked: the caller named it; cost: cheapest expected turn
 * first (cost_efficiency); table: the table's order, strongest first (performance); unpriced:
 * no price known, after the priced ones; headroom: its window is nearly spent, after those with
 * room; over_budget / exhausted: kept only because no candidate avoids it.
 */
export type RankRule = "asked" | "cost" | "table" | "unpriced" | "headroom" | "over_budget" | "exhausted";

export interface RankedCandidate {
  candidate: Candidate;
  expected_cost_usd?: number;
  tokens?: ExpectedCost["tokens"];
  /** "ok", "unknown", or e.g. "warning: 85 % of five_hour used" / "exhausted: five_hour until 2026-11-25T18:00:00Z". */
  headroom: string;
  rule: RankRule;
}

export interface SkippedCandidate {
  provider: Provider;
  model?: string;
  reason: string;
  /** over_quota: a window of its provider is at or past `quota_percent`; over_cap: a `spend_caps` cap over it is reached (neither is tried, even as a last resort). */
  rule: "exhausted" | "over_budget" | "over_quota" | "over_cap";
}

export interface Ranking {
  ranked: RankedCandidate[];
  skipped: SkippedCandidate[];
}

/**
 * Orders a route's candidates by price and headroom. A provider whose window is spent, and a
 * candidate whose expected turn the budget cannot cover, are skipped, unless that would leave
 * none: then they stay, last, so the launch still has somewhere to go (and fails over from there).
 * A caller who named a provider keeps its order: the numbers are shown, not applied.
 * Deterministic: ties keep the table's order.
 */
export function rankCandidates(route: Route, request: { provider?: Provider | undefined }, inputs: RankInputs): Ranking {
  const held = heldByQuota(route, request, inputs);
  if (held.skipped.length > 0) {
    const rest = rankCandidates({ ...route, candidates: held.candidates }, request, { ...inputs, quota: undefined });
    return { ranked: rest.ranked, skipped: [...held.skipped, ...rest.skipped] };
  }
  const rows = route.candidates.map((candidate, index) => {
    const cost = inputs.expectedCost(candidate);
    const room = live(inputs.headroom(candidate.provider), inputs.now);
    return { candidate, index, cost, room };
  });
  const view = (r: (typeof rows)[number], rule: RankRule): RankedCandidate => ({
    candidate: r.candidate,
    ...(r.cost === undefined ? {} : { expected_cost_usd: round(r.cost.usd), tokens: r.cost.tokens }),
    headroom: describeHeadroom(r.room),
    rule,
  });
  if (request.provider !== undefined) return { ranked: rows.map((r) => view(r, "asked")), skipped: [] };

  const byCost = route.branch === "cost_efficiency";
  const left = inputs.budgetLeftUsd;
  const spent = (r: (typeof rows)[number]): boolean => r.room?.status === "exhausted";
  const over = (r: (typeof rows)[number]): boolean => left !== undefined && r.cost !== undefined && r.cost.usd > left;
  const fine = rows.filter((r) => !spent(r) && !over(r));
  const order = (a: (typeof rows)[number], b: (typeof rows)[number]): number => {
    const warned = Number(a.room?.status === "warning") - Number(b.room?.status === "warning");
    if (warned !== 0) return warned;
    if (byCost) {
      const priced = Number(a.cost === undefined) - Number(b.cost === undefined);
      if (priced !== 0) return priced;
      const diff = (a.cost?.usd ?? 0) - (b.cost?.usd ?? 0);
      if (diff !== 0) return diff;
    }
    return a.index - b.index;
  };
  const ruleOf = (r: (typeof rows)[number]): RankRule =>
    r.room?.status === "warning" ? "headroom" : !byCost ? "table" : r.cost === undefined ? "unpriced" : "cost";
  if (fine.length > 0) {
    const skipped = rows.filter((r) => !fine.includes(r)).map((r) => skip(r, left, inputs.now));
    return { ranked: [...fine].sort(order).map((r) => view(r, ruleOf(r))), skipped };
  }
  // Nothing avoids a spent window or the budget: the least bad first (in budget before over it, then cheapest, then soonest reset).
  const rest = [...rows].sort((a, b) => Number(spent(a)) - Number(spent(b)) || (a.cost?.usd ?? Infinity) - (b.cost?.usd ?? Infinity) || order(a, b));
  return { ranked: rest.map((r) => view(r, spent(r) ? "exhausted" : "over_budget")), skipped: [] };
}

/**
 * The candidates `quota_percent` leaves, and those it holds. A caller who named a held provider
 * gets none: the launch is refused rather than sent elsewhere.
 */
function heldByQuota(route: Route, request: { provider?: Provider | undefined }, inputs: RankInputs): { candidates: Candidate[]; skipped: SkippedCandidate[] } {
  const { quota, now } = inputs;
  if (quota === undefined) return { candidates: route.candidates, skipped: [] };
  const candidates: Candidate[] = [];
  const skipped: SkippedCandidate[] = [];
  for (const c of route.candidates) {
    const w = overQuota(quota, c.provider, now);
    if (w === undefined) candidates.push(c);
    else
      skipped.push({ provider: c.provider, ...definedFields({ model: c.model }), rule: "over_quota", reason: quotaReason(c.provider, w, quota.percent, now) });
  }
  const asked = request.provider !== undefined && skipped.some((s) => s.provider === request.provider);
  return asked ? { candidates: [], skipped } : { candidates, skipped };
}

function skip(
  r: { candidate: Candidate; cost: ExpectedCost | undefined; room: Headroom | undefined },
  left: number | undefined,
  now: number,
): SkippedCandidate {
  const { provider, model } = r.candidate;
  const base = { provider, ...definedFields({ model }) };
  if (r.room?.status === "exhausted") {
    const until =
      r.room.resetsAt === undefined ? "" : ` until ${new Date(r.room.resetsAt).toISOString()} (in ${Math.ceil((r.room.resetsAt - now) / 60_000)} min)`;
    return { ...base, rule: "exhausted", reason: `${provider}'s ${r.room.window} rate-limit window is spent${until}` };
  }
  return {
    ...base,
    rule: "over_budget",
    reason: `a typical turn is expected to cost $${round(r.cost?.usd ?? 0)}, more than the $${round(left ?? 0)} the budget has left`,
  };
}

// A spent window whose reset time has passed has room again.
function live(room: Headroom | undefined, now: number): Headroom | undefined {
  if (room === undefined) return undefined;
  if (room.status !== "ok" && room.resetsAt !== undefined && room.resetsAt <= now) return undefined;
  return room;
}

function describeHeadroom(room: Headroom | undefined): string {
  if (room === undefined) return "unknown";
  if (room.status === "ok") return "ok";
  const used = room.usedPercent === undefined ? room.window : `${Math.round(room.usedPercent)} % of ${room.window} used`;
  const until = room.resetsAt === undefined ? "" : ` until ${new Date(room.resetsAt).toISOString()}`;
  return `${room.status}: ${used}${until}`;
}

const round = (usd: number): number => Math.round(usd * 1e6) / 1e6;

/**
 * The tokens of one turn assumed before a category has any history: a coding agent's turn reads
 * far more than it writes (its instructions, tool results and files).
 */
export const DEFAULT_TYPICAL_TURN = { input: 30_000, output: 3_000, cacheRead: 0 } as const;
