import type { SessionSpec } from "./driver.js";

// Every field of SessionSpec, named once: `satisfies` refuses a missing one and one SessionSpec does
// not have, so a launch's own fields (LaunchOnly) cannot be listed here and never reach a driver.
const SESSION_SPEC_FIELDS = {
  cwd: true,
  model: true,
  effort: true,
  systemPromptAppend: true,
  allowedTools: true,
  builtinTools: true,
  disallowedTools: true,
  permissionMode: true,
  env: true,
  mcpEnv: true,
  traceparent: true,
  resume: true,
  sessionId: true,
  mailbox: true,
  mcpConfig: true,
  mcpServers: true,
  ownEntry: true,
  strictMcpConfig: true,
  settings: true,
  askPermissions: true,
  rules: true,
  precheck: true,
} as const satisfies Record<keyof SessionSpec, true>;

const FIELDS = Object.keys(SESSION_SPEC_FIELDS) as (keyof SessionSpec)[];

/** The session spec of a launch: its SessionSpec fields that are set, and nothing the supervisor alone reads. */
export function sessionSpecOf(request: SessionSpec): SessionSpec {
  const spec: SessionSpec = { cwd: request.cwd };
  for (const field of FIELDS) copy(spec, request, field);
  return spec;
}

function copy<K extends keyof SessionSpec>(to: Pick<SessionSpec, K>, from: Pick<SessionSpec, K>, field: K): void {
  const value = from[field];
  if (value !== undefined) to[field] = value;
}
