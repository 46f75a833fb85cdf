// The one server of a tree knows every agent in it: whom each was launched by (through that agent's
// own tools on the agent endpoint), what each was granted, and the token its CLI reaches those tools
// with. Nothing of this travels to another process: a sub-agent's tools act for it here.
import { randomBytes } from "node:crypto";
import type { AgentLineage } from "@subagent-mcp/budgets";
import type { Supervisor } from "@subagent-mcp/core";
import type { Refusal } from "@subagent-mcp/mcp-transport/loopback";
import type { Ceiling } from "@subagent-mcp/permissions";

/** What a sub-agent's own tools act with: where it sits in the tree and what it may grant. */
export interface AgentScope {
  /** The agent the tools speak for (its id is its mailbox name). */
  id: string;
  /** Its depth: the orchestrator's agents are at 1. */
  depth: number;
  /** What it was granted: no agent it starts gets more. */
  ceiling: Ceiling;
  /** The agents above it, top first, and itself last. */
  lineage: readonly string[];
}

export class AgentTree implements AgentLineage {
  readonly #parents = new Map<string, string>();
  readonly #children = new Map<string, Set<string>>();
  readonly #scopes = new Map<string, AgentScope>();
  /** Token -> the agent it was issued to, and whether that agent ended (its token is then expired). */
  readonly #tokens = new Map<string, { id: string; ended: boolean }>();
  /** Each agent's live token (a resumed agent gets a new one). */
  readonly #tokenOf = new Map<string, string>();

  /** Records agent `scope.id`, started by `parent` (undefined: by the orchestrator), and issues the token its CLI calls its tools with. */
  admit(scope: AgentScope, parent: string | undefined): string {
    if (parent !== undefined && parent !== scope.id) {
      this.#parents.set(scope.id, parent);
      let children = this.#children.get(parent);
      if (children === undefined) this.#children.set(parent, (children = new Set()));
      children.add(scope.id);
    }
    this.#scopes.set(scope.id, scope);
    const old = this.#tokenOf.get(scope.id);
    if (old !== undefined) this.#tokens.set(old, { id: scope.id, ended: true });
    const token = randomBytes(32).toString("base64url");
    this.#tokens.set(token, { id: scope.id, ended: false });
    this.#tokenOf.set(scope.id, token);
    return token;
  }

  /**
   * Follows the supervisor: an agent that ends has its token expire, and the agents it started end
   * with it (as they would with a server of its own, whose process ended with its CLI).
   */
  attach(supervisor: Supervisor): void {
    supervisor.onEnd((view) => {
      this.ended(view.id);
      for (const child of this.#children.get(view.id) ?? []) {
        const alive = supervisor.list().some((v) => v.id === child && (v.alive || v.status === "queued"));
        if (alive) void supervisor.kill(child).catch(() => undefined);
      }
    });
  }

  /** Agent `id` ended: its token is refused from now on (a resume issues a new one). */
  ended(id: string): void {
    const token = this.#tokenOf.get(id);
    if (token !== undefined) this.#tokens.set(token, { id, ended: true });
    this.#tokenOf.delete(id);
  }

  /** The scope agent `id`'s token acts in, or why it is refused (`id`: the agent the request names). */
  scopeOf(id: string, token: string | undefined): AgentScope | Refusal {
    const held = token === undefined ? undefined : this.#tokens.get(token);
    if (held === undefined) return "unknown";
    if (held.id !== id) return "not-yours";
    if (held.ended) return "expired";
    return this.#scopes.get(id) ?? "unknown";
  }

  parentOf(id: string): string | undefined {
    return this.#parents.get(id);
  }

  /** Every agent under `id`, nearest first. */
  descendants(id: string): string[] {
    const out: string[] = [];
    const queue = [...(this.#children.get(id) ?? [])];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (out.includes(next)) continue;
      out.push(next);
      queue.push(...(this.#children.get(next) ?? []));
    }
    return out;
  }

  /** Whether `id` is under `ancestor` (not `ancestor` itself). */
  isUnder(id: string, ancestor: string): boolean {
    for (let at = this.#parents.get(id); at !== undefined; at = this.#parents.get(at)) if (at === ancestor) return true;
    return false;
  }
}
