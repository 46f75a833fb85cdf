import { Supervisor, type LaunchGate, type PermissionEvent, type RateLimitStore } from "@subagent-mcp/core";
import { AuditLog, describeRequest } from "@subagent-mcp/permissions";
import { createSandbox, type Sandbox } from "@subagent-mcp/sandbox";
import { createDrivers, runCheckCommand } from "@subagent-mcp/drivers";
import { turnCost } from "@subagent-mcp/usage";
import { withDefaults, type EffectiveConfig } from "@subagent-mcp/config";
import type { AgentSpans } from "@subagent-mcp/tracing";
import { definedFields } from "@subagent-mcp/contract/fields";
import { compilePhrases, Receipts, serverFolder } from "@subagent-mcp/receipts";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { homedir } from "node:os";

/** Appends each permission outcome to `log` (who decided, the request in one line, the rule). */
export function auditTo(log: AuditLog): (event: PermissionEvent) => void {
  return (event) => {
    log.record({
      by: event.by,
      agentId: event.agentId,
      requestId: event.request.requestId,
      tool: event.request.tool,
      request: describeRequest(event.request),
      decision: event.decision,
      ...definedFields({ rule: event.rule }),
      reason: event.reason,
    });
  };
}

/** A supervisor with the three real drivers, configured from `config`; permission outcomes go to `audit` (default: $XDG_STATE_HOME/subagent-mcp/permissions.jsonl). */
export function createSupervisor(
  config: EffectiveConfig,
  audit: AuditLog = new AuditLog(),
  extra: {
    newId?: () => string;
    launchGate?: LaunchGate;
    rateLimits?: RateLimitStore;
    spans?: AgentSpans | undefined;
    receiptsDir?: string;
    /** The OS sandbox its CLIs and checks run in (default: the config's). */
    sandbox?: Sandbox;
  } = {},
): Supervisor {
  // While tracing is on, each agent's life, turns and waits are spans (the server's AgentSpans).
  const { spans } = extra;
  const audited = auditTo(audit);
  const sandbox = extra.sandbox ?? createSandbox(config);
  const supervisor = new Supervisor({
    ...definedFields({ newId: extra.newId, rateLimits: extra.rateLimits }),
    // Launches are answered first; their CLIs start right after (see LaunchGate).
    ...(extra.launchGate === undefined ? {} : { schedule: extra.launchGate.schedule }),
    // Codex and Gemini report no cost: their turns are priced from their tokens (budgets, usage).
    costOf: turnCost(config.prices),
    onPermission:
      spans === undefined
        ? audited
        : (event) => {
            audited(event);
            spans.permission(event);
          },
    ...(spans === undefined ? {} : { traceOf: spans.sessionTrace }),
    drivers: createDrivers(config, sandbox),
    ...definedFields({ caps: config.caps, maxLive: config.max_live }),
    stallMs: withDefaults(config).stall_seconds * 1000,
    ...(config.permission_timeout_s === undefined ? {} : { permissionTimeoutMs: config.permission_timeout_s * 1000 }),
    idleTtlMs: withDefaults(config).idle_ttl_s * 1000,
    // An escalating launch's check (`pnpm test`) runs as the user would run it, in the agent's cwd,
    // in the agents' sandbox: a command a launch names sees no more than its agent.
    runCheck: (check) => runCheckCommand({ ...check, env: process.env, sandbox }),
    // Every finished turn carries a receipt of what it did (events, permission answers, git).
    witness: new Receipts({
      phrases: compilePhrases(config.receipts),
      dir: serverFolder(extra.receiptsDir ?? stateLayout(stateDir({ home: homedir(), env: process.env })).receipts),
      ...definedFields({ maxFiles: config.receipts?.max_files }),
    }),
  });
  spans?.attach(supervisor);
  return supervisor;
}
