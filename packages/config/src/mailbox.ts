import { MAILBOX_ENV, MailboxConfigSchema, type MailboxConfig } from "@subagent-mcp/contract";
import { ConfigError } from "./errors.js";

type Env = Record<string, string | undefined>;

/** The user's settings, then the project's, then the environment's, checked like a config file. */
export function effectiveMailbox(user: MailboxConfig | undefined, project: MailboxConfig | undefined, env: Env): MailboxConfig {
  const fromEnv: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(MAILBOX_ENV)) {
    const raw = env[name];
    if (raw !== undefined && raw !== "") fromEnv[key] = key === "claim_idle_s" ? Number(raw) : raw;
  }
  const parsed = MailboxConfigSchema.safeParse(fromEnv);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? "url") as keyof typeof MAILBOX_ENV;
    throw new ConfigError("CONFIG_INVALID", `${MAILBOX_ENV[key]}: ${issue?.message ?? "invalid"}`);
  }
  return { ...user, ...project, ...parsed.data };
}
