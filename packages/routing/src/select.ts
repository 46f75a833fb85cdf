import type { TaskCategory } from "./categories.js";
import { RoutingError } from "./errors.js";
import { DEFAULT_TABLE, type Branch, type Candidate, type RoutingTable } from "./table.js";
import { definedFields, type Provider } from "@subagent-mcp/contract";

/** What the caller asked for. Every field is optional; the rules below say which mixes are valid. */
export interface RouteRequest {
  category?: TaskCategory;
  provider?: Provider;
  model?: string;
  effort?: string;
  branch?: Branch;
  table?: RoutingTable;
  /** Whether a provider's CLI is installed here; providers that are not are skipped. */
  installed?: (provider: Provider) => boolean;
}

/** The ranked candidates to try, and what was left out and why. */
export interface Route {
  category: TaskCategory | undefined;
  branch: Branch;
  candidates: Candidate[];
  skipped: { provider: Provider; reason: string }[];
}

/**
 * The selection rules: category only -> its whole ranked list; provider (with or without a
 * category) -> that provider's candidates first, then the rest; provider + model -> that candidate
 * only; provider + model + effort -> exactly that, no table. `model` needs `provider`, `effort`
 * needs both, and `fallback_default` needs an explicit provider.
 */
export function selectCandidates(request: RouteRequest): Route {
  const branch = request.branch ?? "cost_efficiency";
  const table = request.table ?? DEFAULT_TABLE;
  const { category, provider, model, effort } = request;
  if (model !== undefined && provider === undefined)
    throw new RoutingError("INVALID_CHOICE", "model needs provider: say which CLI runs it (claude, codex, gemini or a configured ACP provider)");
  if (effort !== undefined && (provider === undefined || model === undefined)) throw new RoutingError("INVALID_CHOICE", "effort needs both provider and model");
  if (category === undefined && provider === undefined)
    throw new RoutingError("INVALID_CHOICE", "give a task_category (or a provider) so a model can be chosen");
  if (category === "fallback_default" && provider === undefined) {
    throw new RoutingError("INVALID_CHOICE", "task_category fallback_default needs an explicit provider; or name the real kind of task");
  }
  const ranked = table[category ?? "fallback_default"][branch];
  let candidates: Candidate[];
  if (provider !== undefined && model !== undefined) {
    const known = ranked.find((c) => c.provider === provider && c.model === model);
    const chosenEffort = effort ?? known?.effort;
    candidates = [{ provider, model, ...definedFields({ effort: chosenEffort }) }];
  } else if (provider !== undefined) {
    // A provider the table does not list (an ACP agent) runs on its own default model.
    const own = ranked.filter((c) => c.provider === provider);
    candidates = [...(own.length > 0 ? own : [{ provider }]), ...ranked.filter((c) => c.provider !== provider)];
  } else candidates = [...ranked];
  const skipped: Route["skipped"] = [];
  const installed = request.installed ?? (() => true);
  const usable = candidates.filter((c) => {
    if (installed(c.provider)) return true;
    if (!skipped.some((s) => s.provider === c.provider)) skipped.push({ provider: c.provider, reason: `the ${c.provider} CLI is not installed` });
    return false;
  });
  if (usable.length === 0) {
    throw new RoutingError("NO_CANDIDATE", `no usable candidate: ${skipped.map((s) => s.reason).join("; ") || "the table has none"}`);
  }
  return { category, branch, candidates: usable, skipped };
}
