// The sandbox a config asks for, made without loading the drivers (the MCP server makes it at start).
import { privateView, Sandbox } from "@subagent-mcp/sandbox";
import { stateDir, writePrivate } from "@subagent-mcp/state";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { userConfigPath, type EffectiveConfig } from "./config.js";
import { sha256 } from "./trust.js";

/**
 * The sandbox this process's CLIs run in (the config's `sandbox` setting), with the private view:
 * our config and state folders hidden, and in place of the user's config a copy without what lets
 * a launch run elsewhere (`mailbox`: its URL may hold the Redis password), so that a nested
 * server still holds its launches to the user's caps, routing and rules.
 */
export function createSandbox(config: EffectiveConfig, env: Record<string, string | undefined> = process.env): Sandbox {
  const ctx = { home: env.HOME ?? homedir(), env };
  return new Sandbox(config.sandbox, () => privateView(ctx, configCopy(ctx, env)), env);
}

// The user's config without its secrets, written once where the sandbox shows it from (our state
// folder, itself hidden there); none when there is no config or it is not an object.
function configCopy(ctx: { home: string; env: Record<string, string | undefined> }, env: Record<string, string | undefined>): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(userConfigPath(env), "utf8"));
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const { mailbox: _secret, ...rest } = parsed as Record<string, unknown>;
  const text = `${JSON.stringify(rest, null, 2)}\n`;
  // Named by its content: every server of the same config shares one file, and none is left per process.
  const path = join(stateDir(ctx), "sandbox", `config-${sha256(Buffer.from(text)).slice(0, 16)}.json`);
  if (!existsSync(path)) writePrivate(path, text);
  return path;
}
