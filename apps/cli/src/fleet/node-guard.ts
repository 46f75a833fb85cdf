import { homedir } from "node:os";
import { checkLaunchEnv, type AgentEvent, type Driver, type PermissionRuling, type Session } from "@subagent-mcp/core";
import { decide, type PermissionRules } from "@subagent-mcp/permissions";
import type { PermissionRequest } from "@subagent-mcp/contract";

/**
 * A node's driver held to the node's own rules, whatever a launch carries: a launch's `env` only
 * within core's allow-list (a command setting NODE_OPTIONS or PATH is refused), and this machine's
 * deny rules (its fleet key, user config, servers' records: `protectedRules`) handed to the CLI,
 * checked on every tool use the driver sees first, and answered here before a permission request
 * reaches the orchestrator (whose rules name its own machine's files, not these).
 */
export function guardDriver(driver: Driver, rules: PermissionRules, log: (line: string) => void): Driver {
  const deny = rules.deny ?? [];
  const home = homedir();
  return {
    provider: driver.provider,
    start(spec, onEvent): Session {
      checkLaunchEnv(spec.env);
      const judge = (request: PermissionRequest): PermissionRuling | undefined => {
        const outcome = decide(request, { deny }, { cwd: spec.cwd, home });
        if (outcome.decision !== "deny") return undefined;
        log(`refused ${request.tool} (${outcome.rule ?? outcome.why})`);
        return outcome;
      };
      let session: Session | undefined = undefined;
      const listener = (event: AgentEvent): void => {
        const refused = event.type === "permission_request" ? judge(event.request) : undefined;
        if (refused !== undefined && event.type === "permission_request") {
          session?.respondPermission?.(event.request.requestId, { behavior: "deny", message: `Denied: ${refused.why}.` });
          return;
        }
        onEvent(event);
      };
      const own = spec.precheck;
      // The launch's own deny and ask rules travel as text (its precheck does not): held here too,
      // so that a use the CLI's mode allows (bypassPermissions) meets them without a round trip.
      const launched = { deny: spec.rules?.deny ?? [], ask: spec.rules?.ask ?? [] };
      const theirs = (request: PermissionRequest): PermissionRuling | undefined => {
        if (launched.deny.length + launched.ask.length === 0) return undefined;
        const outcome = decide(request, launched, { cwd: spec.cwd, home });
        return outcome.decision === "deny" || (outcome.decision === "ask" && outcome.rule !== undefined) ? outcome : undefined;
      };
      session = driver.start(
        {
          ...spec,
          rules: { ...spec.rules, deny: [...new Set([...(spec.rules?.deny ?? []), ...deny])] },
          precheck: (request) => judge(request) ?? own?.(request) ?? theirs(request) ?? { decision: "ask", why: "no rule of this machine covers it" },
        },
        listener,
      );
      return session;
    },
  };
}
