import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, parse } from "node:path";
import type { McpServerSpec, McpServersRequest } from "@subagent-mcp/contract";
import { sha256, TrustStore } from "@subagent-mcp/config";
import { judgeServerCommand, type Ceiling, type PermissionRules } from "@subagent-mcp/permissions";
import { ServerError } from "../errors.js";

// The user's own MCP servers a sub-agent is handed (launch_agent's, a definition's or a routing
// entry's `mcp_servers`): named from a host's config, written inline, or "inherit" (all of the
// host's that started us). A server read from a project file runs only in a trusted project: the
// repository chose its command. One written inline with a `command` is a command the request makes
// us run: judged as a check is (the config's rules, then a nested server's ceiling). Their tools
// are allowed by an `mcp__NAME` rule that the agent's deny and ask rules beat.

/** The servers to hand a sub-agent, their allow rules, and how they may be shown (secrets redacted). */
export interface PassedServers {
  specs: McpServerSpec[];
  /** `mcp__NAME` per server: its tools are allowed unless the agent's deny or ask rules say otherwise. */
  allow: string[];
  shown: { name: string; from: string; spec: McpServerSpec }[];
}

const NONE: PassedServers = { specs: [], allow: [], shown: [] };

/** What an inline server's command is judged by: who asks (`launch_agent mcp_servers`), the config's rules and this server's ceiling (none: top-level). */
export interface ServersJudge {
  what: string;
  rules: PermissionRules;
  ceiling: Ceiling | undefined;
}

/**
 * Resolves `requests` for an agent working in `cwd` (read only when there are requests), started by `host` (the MCP client's name, when
 * known). Throws ServerError for a name our own messaging server uses and for a project file's
 * server in a project not trusted; HostsError for an unknown name (listing the user's);
 * PermissionsError for an inline server whose command `judge` refuses.
 */
export async function passedServers(
  requests: McpServersRequest | undefined,
  cwdOf: string | (() => string),
  reserved: string,
  host: string | undefined,
  judge: ServersJudge,
): Promise<PassedServers> {
  if (requests === undefined || requests.length === 0) return NONE;
  const cwd = typeof cwdOf === "string" ? cwdOf : cwdOf();
  const env = process.env;
  // Loaded on the first launch that passes servers: the hosts' config readers (a JSONC parser, a
  // TOML one) are not what a fresh server needs to answer `initialize` (apps/bench, "serve").
  const { redactSpec, resolveMcpServers } = await import("@subagent-mcp/hosts");
  const resolved = await resolveMcpServers(requests, {
    home: env.HOME ?? homedir(),
    cwd,
    env,
    ...(host === undefined ? {} : { host }),
  });
  const trust = TrustStore.fromEnv(env);
  for (const r of resolved) {
    if (r.spec.name === reserved)
      throw new ServerError("INVALID_ARGUMENT", `the MCP server name "${reserved}" is the sub-agent's messaging server's: rename yours`);
    if (r.fromProject && r.from !== "inline") checkTrusted(trust, r.spec.name, r.from.file);
    // Before anything starts: the CLI would run it as soon as it is launched.
    if (r.from === "inline" && "command" in r.spec) judgeServerCommand(judge.what, r.spec, { rules: judge.rules, ceiling: judge.ceiling, cwd });
  }
  return {
    specs: resolved.map((r) => r.spec),
    allow: resolved.map((r) => `mcp__${r.spec.name}`),
    shown: resolved.map((r) => ({
      name: r.spec.name,
      from: r.from === "inline" ? "inline" : `${r.from.host} ${r.from.scope} (${r.from.file})`,
      spec: redactSpec(r.spec),
    })),
  };
}

/** The servers as a journal keeps them: name, origin, and the command (without its arguments) or URL (redacted); never env or headers. */
export function journaledServers(passed: PassedServers): { name: string; from: string; command?: string; url?: string }[] {
  return passed.shown.map(({ name, from, spec }) => ({ name, from, ...("url" in spec ? { url: spec.url } : { command: spec.command }) }));
}

/** The host whose MCP servers "inherit" hands over, from the name its MCP client gives (undefined: one we do not read). */
export function hostOfClient(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const n = name.toLowerCase();
  if (n.includes("claude-code") || n === "claude") return "claude";
  for (const host of ["codex", "gemini", "qwen", "opencode"]) if (n.includes(host)) return host;
  return undefined;
}

// A project file's server: its bytes must be the ones `subagent-mcp trust` recorded for the project holding it.
function checkTrusted(trust: TrustStore, name: string, file: string): void {
  let digest: string;
  try {
    digest = sha256(readFileSync(file));
  } catch {
    throw new ServerError("INVALID_ARGUMENT", `the MCP server "${name}" comes from ${file}, which cannot be read now`);
  }
  const statuses = ancestors(dirname(file)).map((dir) => trust.status(dir, file, digest));
  if (statuses.includes("trusted")) return;
  const how = statuses.includes("changed") ? "changed since you trusted the project" : "in a project you have not trusted";
  throw new ServerError(
    "INVALID_ARGUMENT",
    `the MCP server "${name}" comes from ${file}, ${how}: a project's file chooses what runs. Review it, then run \`subagent-mcp trust\` in the project's root`,
  );
}

// The file's folder and each one above it: the project's root is one of them.
function ancestors(dir: string): string[] {
  const out = [dir];
  const root = parse(dir).root;
  for (let d = dir; d !== root;) {
    d = dirname(d);
    out.push(d);
  }
  return out;
}
