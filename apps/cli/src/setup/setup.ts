import { existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { resolveExecutable } from "@subagent-mcp/drivers";
import { stateDir } from "@subagent-mcp/state";
import { Drafts, hostAdapter, HOSTS, notInstalled, planHooks, planServer, type Host, type HostContext } from "@subagent-mcp/hosts";
import { defineCommand } from "citty";
import { applyPlanned, forceArg, refusing, type Planned } from "./apply.js";
import { lineDiff } from "./diff.js";
import { fail } from "../fail.js";
import { forgetRemoved, planRemovals, pluginCovers, removedLine, type HostPlan } from "./setup-plugin.js";

/** The command a host should run to start this very installation of the server. */
export function serverLaunch(): { command: string; args: string[] } {
  const main = realpathSync(fileURLToPath(new URL("./main.js", import.meta.url)));
  return { command: process.execPath, args: ["--max-semi-space-size=1", main] };
}

/** The shell command a host runs for our hooks (no Node flags: hooks are short-lived). */
export function hookCommandFor(launch: { command: string; args: string[] }): string {
  return [launch.command, ...launch.args.filter((a) => !a.startsWith("--"))].map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(" ");
}

function context(): HostContext {
  return { home: process.env.HOME ?? homedir(), env: process.env };
}

/** A host counts as present when its CLI is on PATH (or overridden) or its config folders exist (an app: only the latter). */
export function detectHosts(ctx: HostContext): Host[] {
  return HOSTS.filter((host) => {
    const adapter = hostAdapter(host);
    try {
      if (adapter.cli !== undefined) {
        resolveExecutable(adapter.cli, { env: ctx.env, command: adapter.cli });
        return true;
      }
    } catch {
      // not on PATH: its config folders tell
    }
    return adapter.configDirs(ctx).every((dir) => existsSync(dir));
  });
}

/** Parses --host claude,codex (repeatable via commas); unknown names are a usage error. */
export function hostsArg(value: string | undefined): Host[] | undefined {
  if (value === undefined) return undefined;
  const hosts = value
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const names = `${HOSTS.slice(0, -1).join(", ")} or ${HOSTS.at(-1) ?? ""}`;
  for (const h of hosts) if (!(HOSTS as readonly string[]).includes(h)) fail(`--host must be ${names} (got "${h}")`);
  return hosts as Host[];
}

/** `subagent-mcp setup`: registers the server in every host found (or those named). */
export const setupCommand = defineCommand({
  meta: {
    name: "setup",
    description: "Register the subagent-mcp server with Claude Code, Codex, Gemini CLI, Qwen Code, OpenCode and Claude Desktop (every host found, or --host).",
  },
  args: {
    host: { type: "string", description: "Only these hosts, comma-separated: claude,codex,gemini,qwen,opencode,claude-desktop" },
    "dry-run": { type: "boolean", description: "Show the exact changes and write nothing" },
    yes: { type: "boolean", description: "Do not ask (setup never asks when not on a terminal)" },
    force: forceArg,
  },
  run({ args }) {
    const ctx = context();
    const named = hostsArg(args.host);
    // An app (Claude Desktop) is there only when its config folder is: setup never creates that.
    for (const host of named ?? HOSTS) {
      const absent = notInstalled(host, ctx);
      if (absent === undefined) continue;
      if (named !== undefined) fail(`${host}: ${absent}; nothing was changed`, 1);
      process.stdout.write(`${host}: ${absent}; skipped\n`);
    }
    const hosts = named ?? detectHosts(ctx);
    if (hosts.length === 0) fail("no host found: install Claude Code, Codex, Gemini CLI, Qwen Code, OpenCode or Claude Desktop, or name one with --host");
    // Every file is planned (and a file that does not parse refused) before any is written.
    const { plans, notes } = planHosts(hosts, ctx);
    const planned: Planned[] = [];
    for (const plan of plans) {
      const { host, kind, change } = plan;
      if (change.before === change.after) {
        process.stdout.write(`${host}: ${change.path} already up to date\n`);
        continue;
      }
      if (args["dry-run"]) {
        process.stdout.write(`${host}:\n${lineDiff(change.path, change.before, change.after)}\n`);
        continue;
      }
      if (plan.removes === true) {
        planned.push({ change, done: (backup) => removedLine(plan, backup) });
        continue;
      }
      const what = kind === "mcp" ? "registered subagent-mcp" : "installed orchestration hooks";
      planned.push({
        change,
        record: { kind, host, ...change },
        done: (backup) => `${host}: ${what} in ${change.path}${backup === undefined ? "" : ` (backup: ${backup})`}`,
      });
    }
    applyPlanned(planned, stateDir(ctx), args.force === true);
    if (!args["dry-run"])
      forgetRemoved(
        stateDir(ctx),
        plans.filter((p) => p.removes === true),
      );
    for (const note of notes) process.stdout.write(`${note}\n`);
  },
});

/**
 * Plans each host's server entry and hooks (through one set of drafts: Codex and Gemini CLI keep
 * hooks in the file with the server entry); where the host's plugin provides them, the removal of
 * what an earlier setup wrote instead. Notes are printed after the changes.
 */
function planHosts(hosts: Host[], ctx: HostContext): { plans: HostPlan[]; notes: string[] } {
  const launch = serverLaunch();
  const hookCommand = hookCommandFor(launch);
  const plans: HostPlan[] = [];
  const notes: string[] = [];
  const drafts = new Drafts();
  for (const host of hosts) {
    const plugin = pluginCovers(host, ctx);
    if (plugin.note !== undefined) notes.push(plugin.note);
    plans.push(...planRemovals(host, ctx, plugin.covers, drafts));
    if (!plugin.covers.includes("mcp")) plans.push({ host, kind: "mcp", change: refusing(() => planServer(host, ctx, launch, drafts), `${host}: `) });
    if (plugin.covers.includes("hooks")) continue;
    // Orchestration-mode hooks: Claude Code's and Codex's UserPromptSubmit, PreToolUse, Stop and SessionStart; Gemini CLI's BeforeAgent, BeforeTool, AfterAgent and SessionStart.
    const hooks = refusing(() => planHooks(host, ctx, hookCommand, drafts), `${host}: `);
    if (hooks !== undefined) plans.push({ host, kind: "hooks", change: hooks });
    else notes.push(`${host}: no orchestration hooks (${hostAdapter(host).noHooks ?? `${hostAdapter(host).label} has no hook system`})`);
  }
  return { plans, notes };
}
