import type { McpServerSpec } from "@subagent-mcp/core";
import { childEnv } from "@subagent-mcp/config";
import { LINEAGE_ENV } from "@subagent-mcp/contract";
import { asking, type Grant, type PermissionRules } from "@subagent-mcp/permissions";
import { startTracing, tracer } from "@subagent-mcp/tracing";
import { WORKER_STOP_SIGNAL, type Worker, type WorkerSpec } from "@subagent-mcp/worker";
import { optimizeFromNowOn } from "../v8-tiers.js";
import { version } from "../version.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// The two ends of `subagent-mcp worker`: the session it runs its turns in, and its run until a signal.

/** A worker's session: its messaging tools (served by the worker) and the ones given, one level deeper, what it was granted, its rules. */
export function workerSession(o: {
  cwd: string;
  name: string;
  provider: string;
  userTools: string[] | undefined;
  messaging: string[];
  servers: McpServerSpec[];
  depth: number;
  maxDepth: number;
  granted: Grant;
  /** The permission mode as it was asked for (dontAsk runs at default, and asks nobody). */
  mode: string | undefined;
  model: string | undefined;
  effort: string | undefined;
  systemPrompt: string | undefined;
  /** Every rule it is held to, the protected files' deny rules among them. */
  rules: PermissionRules;
}): WorkerSpec {
  const allowedTools = [...o.messaging, ...(o.userTools ?? [])];
  return {
    cwd: o.cwd,
    allowedTools,
    // Nothing but the messaging tools unless more are asked for (Claude Code can switch its built-ins off).
    ...(o.userTools === undefined ? { builtinTools: [] } : {}),
    mcpServers: o.servers,
    // A worker's tools are exactly the ones given: none of the user's own MCP servers.
    strictMcpConfig: true,
    // One level deeper, speaking for this worker's mailbox, wherever a subagent-mcp server starts under the session.
    // A handful of MCP tools: Claude Code would otherwise defer them behind its tool search.
    env: {
      ...childEnv({ depth: o.depth, maxDepth: o.maxDepth }, o.granted, o.name),
      ...(o.provider === "claude" ? { ENABLE_TOOL_SEARCH: "false" } : {}),
    },
    mcpEnv: [...LINEAGE_ENV],
    ...definedFields({ model: o.model, effort: o.effort, permissionMode: o.granted.mode, systemPromptAppend: o.systemPrompt }),
    // As the server's agents: the CLI asks us (Codex under approval "untrusted"), the rules answer
    // what they can at once (the protected files' deny rules in every mode), and what is left goes
    // to the approver (none: denied). An allowed tool that is a rule becomes an allow rule of ours.
    ...asking(o.mode, o.granted.level, () => o.rules, o.cwd, allowedTools),
  };
}

/** Runs the worker until it is stopped: a first SIGTERM or SIGINT finishes the current turn, a second exits now. */
export async function runUntilStopped(
  worker: Worker,
  o: { name: string; where: string; log: string; once: boolean | undefined; close: () => Promise<void>; say: (line: string) => void },
): Promise<never> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    process.stderr.write(`worker ${o.name}: ${signal}: finishing the current turn (a second signal exits now)\n`);
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  // `subagent-mcp stop`: the running turn ends as the user's stop, and the worker goes on with its inbox.
  process.on(WORKER_STOP_SIGNAL, () => {
    if (worker.stopTurn()) process.stderr.write(`worker ${o.name}: the user stopped the running turn\n`);
  });
  o.say(`mailbox ${o.where}; log: ${o.log}`);
  optimizeFromNowOn();
  // Each turn is a span when OTEL_* asks for traces; otherwise nothing of OpenTelemetry loads.
  await startTracing({ version });
  try {
    await worker.run(stop.signal, { once: o.once });
  } finally {
    await o.close();
    await tracer()
      .shutdown()
      .catch(() => undefined);
  }
  process.exit(0);
}
