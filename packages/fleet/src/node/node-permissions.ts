import { homedir } from "node:os";
import type { AgentEvent, Session } from "@subagent-mcp/core";
import { LEVEL, type PermissionDecision, type PermissionRequest } from "@subagent-mcp/contract";
import { decide, describeRequest } from "@subagent-mcp/permissions";
import { ceilingLevel, type NodeCeiling } from "./node-ceiling.js";

// What a plan ceiling still lets an orchestrator approve: reads and web pages. Everything else
// writes or runs (edits, shell commands, MCP tools, Codex asking for more sandbox, ACP's other kinds).
const PLAN_KINDS = new Set<string>(["read", "fetch"]);

/**
 * The node's own judgement of one agent's permission requests, whatever its orchestrator answers:
 * under a `plan` ceiling nothing that writes or runs is allowed, and the node's disallowed tools
 * are denied at any level. A request it denies is answered deny here and never forwarded; an
 * answer from the orchestrator reaches the CLI only for a request forwarded and still open, and
 * is judged again.
 */
export class NodePermissions {
  readonly #plan: boolean;
  readonly #deny: string[];
  // Forwarded to the orchestrator and not answered yet: the only requests its answer may reach.
  readonly #open = new Map<string, PermissionRequest>();

  readonly #node: string;
  readonly #agent: string;
  readonly #cwd: string;

  /** `cwd`: the agent's own folder (its worktree's, when it has one), where its rules' relative paths start. */
  constructor(ceiling: NodeCeiling, where: { node: string; agent: string; cwd: string }) {
    this.#plan = ceilingLevel(ceiling) === LEVEL.plan;
    this.#deny = ceiling.disallowedTools ?? [];
    this.#node = where.node;
    this.#agent = where.agent;
    this.#cwd = where.cwd;
  }

  /** Why the node's ceiling denies `request`; undefined when its orchestrator may decide it. */
  denial(request: PermissionRequest): string | undefined {
    const what = describeRequest(request);
    if (this.#deny.length > 0) {
      const outcome = decide(request, { deny: this.#deny }, { cwd: this.#cwd, home: homedir() });
      if (outcome.decision === "deny") return `${what}: machine "${this.#node}" disallows ${outcome.rule ?? request.tool} (fleet.disallowed_tools)`;
    }
    if (this.#plan && (!PLAN_KINDS.has(request.kind) || request.tool === "RequestPermissions"))
      return `${what}: machine "${this.#node}" lets its agents only plan (fleet.permission_mode plan): nothing that writes or runs`;
    return undefined;
  }

  /**
   * The agent's listener with each permission request judged first: one the ceiling denies is
   * answered deny here and reported as an error event naming the ceiling; the others go on.
   */
  listen(session: () => Session | undefined, onEvent: (event: AgentEvent) => void, log: (line: string) => void): (event: AgentEvent) => void {
    return (event) => {
      if (event.type === "permission_request") {
        const why = this.denial(event.request);
        if (why !== undefined) {
          session()?.respondPermission?.(event.request.requestId, { behavior: "deny", message: `Denied by the machine's ceiling: ${why}.` });
          log(`${this.#agent}: denied by the node's ceiling: ${why}`);
          onEvent({ type: "error", message: `denied by the node's ceiling: ${why}`, transient: false });
          return;
        }
        this.#open.set(event.request.requestId, event.request);
      } else if (event.type === "permission_withdrawn") this.#open.delete(event.requestId);
      else if (event.type === "exit") this.#open.clear();
      onEvent(event);
    };
  }

  /**
   * The orchestrator's answer as it may reach the CLI: undefined (dropped) for a request that was
   * not forwarded or is answered already; an allow the ceiling forbids becomes a deny; and with a
   * ceiling to hold, "allow always" is one allow (the CLI would stop asking about such uses).
   */
  answer(requestId: string, decision: PermissionDecision): PermissionDecision | undefined {
    const request = this.#open.get(requestId);
    if (request === undefined) return undefined;
    this.#open.delete(requestId);
    if (decision.behavior === "deny") return decision;
    const why = this.denial(request);
    if (why !== undefined) return { behavior: "deny", message: `Denied by the machine's ceiling: ${why}.` };
    return decision.behavior === "allow_always" && (this.#plan || this.#deny.length > 0) ? { behavior: "allow" } : decision;
  }
}
