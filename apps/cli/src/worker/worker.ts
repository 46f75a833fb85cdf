import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_PERMISSION_TIMEOUT_MS, type McpServerSpec, type SessionSpec } from "@subagent-mcp/core";
import { createDrivers, mcpToolName, type CliDriver } from "@subagent-mcp/drivers";
import { SafeName } from "@subagent-mcp/mailbox";
import { ceilingFrom, ConfigError, depthFrom, withDefaults } from "@subagent-mcp/config";
import { agentDefinitionSource } from "@subagent-mcp/agents/pool";
import { createSandbox } from "@subagent-mcp/sandbox";
import { MESSAGING_TOOLS, definedFields } from "@subagent-mcp/contract";
import { AuditLog, grant, mergeRules, protectedRules, type Grant } from "@subagent-mcp/permissions";
import { Worker, WORKER_DEFAULTS, WorkerError, WorkerFiles, workerRules } from "@subagent-mcp/worker";
import { defineCommand } from "citty";
import { configOrFail, providerOrFail } from "../config.js";
import { z } from "zod";
import { cliContext, type CliContext } from "../context.js";
import { fail } from "../fail.js";
import { secretsInEnv } from "../fleet/fleet.js";
import { MAILBOX_SERVER, plannedMailbox, serveMailbox } from "./worker-mailbox.js";
import { runUntilStopped, workerSession } from "./worker-run.js";
import { budgetCommandRan, budgetFlags, workerBudgetCommand } from "./worker-budget.js";
import { workerMail } from "./worker-mail.js";
import { workerSpending } from "./worker-caps.js";
import { repeated } from "./repeated-flag.js";
import { stateLayout } from "@subagent-mcp/state";
import { turnCost } from "@subagent-mcp/usage";
import { errorMessage } from "@subagent-mcp/errors";

const McpConfigFile = z.object({
  mcpServers: z.record(z.string(), z.object({ command: z.string(), args: z.array(z.string()).default([]), env: z.record(z.string(), z.string()).default({}) })),
});

// --mcp-config FILE: stdio servers in the usual {"mcpServers": {...}} shape, for any provider.
function extraServers(path: string | undefined): McpServerSpec[] {
  if (path === undefined) return [];
  let parsed;
  try {
    parsed = McpConfigFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
  } catch (error) {
    fail(`--mcp-config ${path}: ${errorMessage(error)}`);
  }
  if (!parsed.success)
    fail(`--mcp-config ${path}: expected {"mcpServers": {"name": {"command": ..., "args": [...]}}} (${parsed.error.issues[0]?.message ?? ""})`);
  return Object.entries(parsed.data.mcpServers).map(([name, s]) => ({ name, command: s.command, args: s.args, env: s.env }));
}

function grantOrFail(request: { mode: string | undefined; tools: string[] | undefined }, env: Record<string, string | undefined>): Grant {
  try {
    return grant(request, ceilingFrom(env), "worker");
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
}

// A rule can hold commas (`Bash(npm run a,b)`): several rules are several flags, not one list.
function rulesOrFail(rawArgs: string[]): ReturnType<typeof workerRules> {
  try {
    const given = { allow: repeated(rawArgs, "allow"), deny: repeated(rawArgs, "deny"), ask: repeated(rawArgs, "ask") };
    return workerRules(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)));
  } catch (error) {
    if (error instanceof WorkerError) fail(error.message);
    throw error;
  }
}

function seconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${flag} must be a positive number of seconds (got "${value}")`);
  return n * 1000;
}

/** `subagent-mcp worker --name N`: an always-on agent answering its mailbox; `worker budget NAME` raises its budget. */
export const workerCommand = defineCommand({
  meta: { name: "worker", description: "Run an always-on agent that answers its mailbox, one turn per conversation, resumed after restarts." },
  subCommands: { budget: workerBudgetCommand },
  args: {
    name: { type: "string", description: "The worker's mailbox name (required)" },
    agent: { type: "string", description: "Run as this agent definition (provider, model, prompt, tools from its file)" },
    provider: { type: "string", description: "claude (default), codex, gemini, or any configured ACP provider (qwen, opencode, ...)" },
    model: { type: "string", description: "Model id for that CLI" },
    effort: { type: "string", description: "Reasoning effort (CLI-specific)" },
    "permission-mode": { type: "string", description: "default, acceptEdits, bypassPermissions or plan (mapped per CLI)" },
    "allowed-tools": {
      type: "string",
      description: "Comma-separated tools the agent may use besides the messaging tools (default: only send_to, inbox, wait_inbox, reply)",
    },
    "mcp-config": { type: "string", description: 'JSON file of extra MCP servers: {"mcpServers": {...}}' },
    cwd: { type: "string", description: "Working directory of the session (default: here)" },
    "poll-ms": { type: "string", description: "Fallback mailbox poll where file events are missing (default 2000)" },
    "turn-timeout": {
      type: "string",
      description: `Seconds a turn may run before it is interrupted and retried (default ${WORKER_DEFAULTS.turnTimeoutMs / 1000})`,
    },
    "max-attempts": { type: "string", description: "Deliveries of a message before it is dead-lettered (default 3)" },
    "retry-ms": { type: "string", description: `Backoff base after a failed turn, doubled each attempt (default ${WORKER_DEFAULTS.retryBaseMs})` },
    approver: { type: "string", description: "Mailbox asked about permission requests the rules leave open (answers: allow, allow always, deny: reason)" },
    allow: { type: "string", description: "Permission rule to allow without asking, e.g. 'Bash(npm test:*)' (repeatable)" },
    deny: { type: "string", description: "Permission rule to deny (repeatable)" },
    ask: { type: "string", description: "Permission rule to always ask the approver about (repeatable)" },
    "permission-timeout": {
      type: "string",
      description: `Seconds a request waits for the approver before it is denied (default ${DEFAULT_PERMISSION_TIMEOUT_MS / 1000})`,
    },
    "budget-usd": { type: "string", description: "Most USD it may spend over its life (else its definition's budget, else the config's)" },
    "budget-tokens": { type: "string", description: "Most tokens (input + output + cache writes) over its life" },
    "budget-turns": { type: "string", description: "Most turns over its life" },
    "budget-seconds": { type: "string", description: "Most seconds of turns over its life" },
    once: { type: "boolean", description: "Answer one wake's messages, then exit" },
    print: { type: "boolean", description: "Show the session it would start, and exit" },
  },
  async run({ args, rawArgs }) {
    if (budgetCommandRan()) return;
    if (args.name === undefined) fail("--name is required: the worker's mailbox name");
    const name = SafeName.safeParse(args.name);
    if (!name.success) fail(`--name: ${name.error.issues[0]?.message ?? "invalid"} (got "${args.name}")`);
    const ctx = cliContext();
    const config = configOrFail(ctx);
    const definition = args.agent === undefined ? undefined : findDefinition(args.agent, ctx);
    const provider = { data: providerOrFail(config, args.provider ?? definition?.provider ?? "claude", "--provider") };
    const userTools = list(args["allowed-tools"]) ?? definition?.allowedTools;
    const depth = depthFrom(process.env);
    // Its messaging server comes first: served by this process once the mailbox is open (see below).
    const servers = [plannedMailbox(name.data), ...extraServers(args["mcp-config"])];
    const messaging = MESSAGING_TOOLS.map((t) => mcpToolName(provider.data, MAILBOX_SERVER, t));
    const model = args.model ?? definition?.model;
    const effort = args.effort ?? definition?.effort;
    const permissionMode = args["permission-mode"] ?? definition?.permissionMode;
    const approver = args.approver === undefined ? undefined : SafeName.safeParse(args.approver);
    if (approver !== undefined && !approver.success) fail(`--approver: ${approver.error.issues[0]?.message ?? "invalid"} (got "${args.approver ?? ""}")`);
    // The same rules as the server's agents: the config files', the definition's, then the flags'.
    // The files no sub-agent may touch (the fleet key, the user config, the servers' records) are denied in every mode.
    const permissionRules = mergeRules(config.permissions, definition?.permissions, rulesOrFail(rawArgs), protectedRules(ctx));
    const auditLog = new AuditLog({ path: stateLayout(ctx.stateDir).audit });
    // A worker started inside a sub-agent grants its session no more than that sub-agent has.
    const granted = grantOrFail({ mode: permissionMode, tools: userTools }, process.env);
    const cwd = resolve(args.cwd ?? process.cwd());
    const session = { cwd, name: name.data, provider: provider.data, userTools, messaging, servers, depth, maxDepth: withDefaults(config).max_depth, granted };
    const spec = workerSession({ ...session, mode: permissionMode, model, effort, systemPrompt: definition?.systemPrompt, rules: permissionRules });
    const files = new WorkerFiles(join(stateLayout(ctx.stateDir).workers, name.data));
    // Limit by limit: the flags', else the definition's, else the config's; budget.json raises them while it runs.
    const limits = { ...config.budget, ...definition?.budget, ...budgetFlags(args, "budget-") };
    const budget = Object.keys(limits).length === 0 ? undefined : limits;
    const { maxAttempts, pollMs, retryBaseMs } = retryFlags(args);
    const driver = createDrivers(config, createSandbox(config))[provider.data] as CliDriver;
    const say = (line: string): void => {
      process.stderr.write(`worker ${name.data}: ${line}\n`);
    };
    if (!args.print) await holdLock(files, name.data);
    const mail = await workerMail(
      ctx,
      config.mailbox,
      { name: name.data, provider: provider.data, ...definedFields({ model }) },
      { maxAttempts, pollMs, register: !args.print, say },
    );
    if (args.print) {
      printPlan(driver, spec, files, mail.where);
      await mail.close();
      return;
    }
    // Its messaging tools are this process's (see worker-mailbox.ts).
    const closeMailbox = await serveMailbox(spec, { name: name.data, provider: provider.data, mail: mail.store, cwd });
    await mail.store.pending(name.data).catch((error: unknown) => fail(`mailbox (${mail.where}): ${errorMessage(error)}`, 1)); // creates the mailbox, so broadcasts reach this worker from now on
    // Its session can read this process's environment (/proc/PID/environ): say what should not be in
    // it, once the mailbox works (a mailbox that fails says so in its one line).
    for (const problem of secretsInEnv(ctx)) process.stderr.write(`worker ${name.data}: ${problem}\n`);
    const costOf = turnCost(config.prices);
    const spending = await workerSpending(ctx.stateDir, config, { name: name.data, provider: provider.data, ...definedFields({ model: spec.model }) }, costOf);
    // Each turn's receipt: its events, permission answers, and git in its cwd (private git data in the worker's folder).
    const { compilePhrases, Receipts, serverFolder } = await import("@subagent-mcp/receipts");
    const witness = new Receipts({
      phrases: compilePhrases(config.receipts),
      dir: serverFolder(join(files.dir, "receipts")),
      ...definedFields({ maxFiles: config.receipts?.max_files }),
    });
    const worker = new Worker({
      name: name.data,
      mail: mail.store,
      ...definedFields({ recoverEveryMs: mail.recoverEveryMs }),
      onTurn: (entry) => {
        mail.onTurn(entry);
        spending.record(entry);
      },
      driver,
      spec,
      files,
      turnTimeoutMs: seconds(args["turn-timeout"], "--turn-timeout", WORKER_DEFAULTS.turnTimeoutMs),
      retryBaseMs,
      rules: permissionRules,
      ...(approver === undefined ? {} : { approver: approver.data }),
      permissionTimeoutMs: seconds(args["permission-timeout"], "--permission-timeout", DEFAULT_PERMISSION_TIMEOUT_MS),
      audit: auditLog,
      ...definedFields({ budget }),
      // The worker's turn cost when its CLI reports none: the built-in prices with the config's over them.
      costOf,
      say,
      // A spend cap or quota_percent over its provider: each message is answered with which, not with a turn.
      heldBy: spending.heldBy,
      witness,
    });
    const where = `${mail.where} (${provider.data})`;
    await runUntilStopped(worker, {
      name: name.data,
      where,
      log: files.logPath,
      once: args.once,
      close: () => Promise.all([closeMailbox(), mail.close(), spending.close(), witness.close()]).then(() => undefined),
      say,
    });
  },
});

// --max-attempts, --poll-ms and --retry-ms, each checked.
function retryFlags(args: { "max-attempts"?: string | undefined; "poll-ms"?: string | undefined; "retry-ms"?: string | undefined }): {
  maxAttempts: number;
  pollMs: number;
  retryBaseMs: number;
} {
  const maxAttempts = Number(args["max-attempts"] ?? 3);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) fail(`--max-attempts must be a whole number of at least 1 (got "${args["max-attempts"] ?? ""}")`);
  const pollMs = Number(args["poll-ms"] ?? 2_000);
  if (!Number.isFinite(pollMs) || pollMs < 10) fail(`--poll-ms must be a number of milliseconds, at least 10 (got "${args["poll-ms"] ?? ""}")`);
  const retryBaseMs = Number(args["retry-ms"] ?? WORKER_DEFAULTS.retryBaseMs);
  if (!Number.isFinite(retryBaseMs) || retryBaseMs < 0) fail(`--retry-ms must be a number of milliseconds (got "${args["retry-ms"] ?? ""}")`);
  return { maxAttempts, pollMs, retryBaseMs };
}

// One worker per mailbox and machine: the lock is held until the process exits.
async function holdLock(files: WorkerFiles, name: string): Promise<void> {
  const lock = await files.lock();
  if (!lock.ok)
    fail(
      `worker "${name}" is already running on this machine (${lock.holder === undefined ? "just starting" : `pid ${lock.holder}`}); one worker per mailbox and machine`,
    );
  process.once("exit", lock.release);
}

function findDefinition(agent: string, ctx: CliContext): NonNullable<ReturnType<ReturnType<typeof agentDefinitionSource>>["definitions"][number]> {
  const loaded = agentDefinitionSource(ctx)();
  const found = loaded.definitions.find((d) => d.name === agent);
  if (found === undefined) {
    const known = loaded.definitions.map((d) => d.name).join(", ") || "none";
    fail(`--agent: no agent definition named "${agent}" (found: ${known})${loaded.problems.length > 0 ? `; problems: ${loaded.problems.join("; ")}` : ""}`);
  }
  return found;
}

function printPlan(driver: CliDriver, spec: SessionSpec, files: WorkerFiles, mailbox: string): void {
  const saved = files.loadSession();
  const resume = saved?.provider === driver.provider ? saved.sessionId : undefined;
  const full = { ...spec, ...definedFields({ resume }) };
  // The driver says what it would run; a missing CLI still shows the arguments.
  let executable: string;
  try {
    executable = driver.executable();
  } catch (error) {
    executable = `not found (${errorMessage(error)})`;
  }
  const args = driver.argv(full);
  process.stdout.write(
    `${JSON.stringify({ provider: driver.provider, executable, args, session: full, resume: resume ?? null, mailbox, log: files.logPath }, null, 2)}\n`,
  );
}
