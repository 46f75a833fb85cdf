// The sandbox a config asks for, made without loading the drivers (the MCP server makes it at start).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { configDir, configLayout, stateDir, writePrivate } from "@subagent-mcp/state";
import type { SandboxMode } from "@subagent-mcp/contract";
import { Sandbox } from "./sandbox.js";
import { privateView } from "./view.js";

type Env = Record<string, string | undefined>;

/**
 * The sandbox this process's CLIs run in (the config's `sandbox` setting), with the private view:
 * our config and state folders hidden, and in place of the user's config a copy without what lets
 * a launch run elsewhere (`mailbox`: its URL may hold the Redis password), so that a nested
 * server still holds its launches to the user's caps, routing and rules.
 */
export function createSandbox(config: { sandbox: SandboxMode }, env: Env = process.env): Sandbox {
  const ctx = { home: env.HOME ?? homedir(), env };
  return new Sandbox(config.sandbox, () => privateView(ctx, configCopy(ctx)), env);
}

// The user's config without its secrets, written once where the sandbox shows it from (our state
// folder, itself hidden there); none when there is no config or it is not an object.
function configCopy(ctx: { home: string; env: Env }): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(configLayout(configDir(ctx)).config, "utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { mailbox: _secret, ...rest } = parsed as Record<string, unknown>;
  const text = `${JSON.stringify(rest, null, 2)}\n`;
  // Named by its content: every server of the same config shares one file, and none is left per process.
  const path = join(stateDir(ctx), "sandbox", `config-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.json`);
  if (!existsSync(path)) writePrivate(path, text);
  return path;
}
