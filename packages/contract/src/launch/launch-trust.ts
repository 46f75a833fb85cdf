import { LEVEL, levelRank, permissionLevelOf, PermissionModeSchema } from "../permissions/permission-modes.js";

// The launch options a project's file (an agent definition, a routing entry of its config) sets
// only once the user trusts it. A cloned repository is not the user: its files may tune how agents
// work, but never choose a program to run, send work elsewhere, or grant an agent more than the
// user would.

/**
 * Permission modes a project may ask for without trust: every name of a level up to acceptEdits
 * (each still asks, or headless refuses, before anything but reading and editing in the project);
 * auto and bypassPermissions need trust.
 */
const UNTRUSTED_PERMISSION_MODES: ReadonlySet<string> = new Set(
  PermissionModeSchema.options.filter((mode) => levelRank(permissionLevelOf(mode) ?? LEVEL.bypassPermissions) <= levelRank(LEVEL.acceptEdits)),
);

/** Tools a project may pre-approve without trust: reading, searching, a to-do list. */
const UNTRUSTED_TOOLS: ReadonlySet<string> = new Set([
  // Claude Code
  "Read",
  "Grep",
  "Glob",
  "LS",
  "NotebookRead",
  "TodoWrite",
  // Gemini CLI
  "read_file",
  "read_many_files",
  "list_directory",
  "glob",
  "grep_search",
  "search_file_content",
  "write_todos",
]);

// "Read(src/**)" is the Read tool with a path rule.
function toolName(tool: string): string {
  const paren = tool.indexOf("(");
  return (paren === -1 ? tool : tool.slice(0, paren)).trim();
}

/** The trust-needing options as a project's file sets them (a definition's permission mode is any name until it is granted). */
export interface TrustedOptions {
  mcp_servers?: readonly unknown[] | undefined;
  machine?: string | undefined;
  permission_mode?: string | undefined;
  allowed_tools?: readonly string[] | undefined;
  permissions?: { allow?: readonly string[] | undefined; deny?: readonly string[] | undefined; ask?: readonly string[] | undefined } | undefined;
  escalate?: { check?: string | undefined } | undefined;
}
type TrustedOption = keyof TrustedOptions;

const serverName = (s: unknown): string => (typeof s === "string" ? s : ((s as { name?: string }).name ?? "?"));

// Per option, what of its value needs trust, as [what it is called, what it sets]; undefined: nothing.
const NEEDS_TRUST: { [K in TrustedOption]-?: (value: NonNullable<TrustedOptions[K]>) => [string, string] | undefined } = {
  // Each names a program to run (or a URL to send to) with the user's rights and secrets.
  mcp_servers: (servers) => (servers.length === 0 ? undefined : ["mcp_servers", servers.map(serverName).join(", ")]),
  // Its tasks (and the repository they name) would go to another machine of the fleet.
  machine: (machine) => ["machine", machine],
  permission_mode: (mode) => (UNTRUSTED_PERMISSION_MODES.has(mode) ? undefined : ["permission_mode", mode]),
  allowed_tools: (tools) => {
    const wide = tools.filter((t) => !UNTRUSTED_TOOLS.has(toolName(t)));
    return wide.length === 0 ? undefined : ["allowed_tools", wide.join(", ")];
  },
  // An allow rule answers a request without anyone seeing it, whatever its tool; deny and ask rules only narrow.
  permissions: (rules) => (rules.allow === undefined || rules.allow.length === 0 ? undefined : ["permissions.allow", rules.allow.join(", ")]),
  // An escalation's check is a shell command run after an agent's turn, with the user's rights.
  escalate: (escalate) => (escalate.check === undefined ? undefined : ["escalate.check", `(${escalate.check})`]),
};

/** The launch options that may need trust, in the order `trustNeeded` lists them. */
export const TRUST_NEEDING_OPTIONS = Object.keys(NEEDS_TRUST) as TrustedOption[];

function grantOf<K extends TrustedOption>(option: K, value: TrustedOptions[K]): [string, string] | undefined {
  const check = NEEDS_TRUST[option] as (value: NonNullable<TrustedOptions[K]>) => [string, string] | undefined;
  return value === undefined ? undefined : check(value);
}

/** Whether `option` set to `value` in a project's file needs the user's trust. */
export function needsTrust<K extends TrustedOption>(option: K, value: TrustedOptions[K]): boolean {
  return grantOf(option, value) !== undefined;
}

/** What of `o` a project's file sets only with the user's trust, as "option value" (e.g. "permission_mode bypassPermissions"); empty when nothing. */
export function trustNeeded(o: TrustedOptions): string[] {
  return TRUST_NEEDING_OPTIONS.flatMap((option) => {
    const grant = grantOf(option, o[option]);
    return grant === undefined ? [] : [grant.join(" ")];
  });
}
