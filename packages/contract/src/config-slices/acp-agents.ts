// The config's `providers` slice: ACP agents as providers, resolved over the presets. The config
// and the drivers share it, so it is the contract's; the drivers add each agent's native hooks.
import { z } from "zod";
import { AcpModeKeySchema, type AcpModeKey } from "../permissions/permission-modes.js";
import { BUILTIN_PROVIDERS, ProviderSchema, type Provider } from "../provider.js";

/**
 * One provider in the user's config (`providers.<name>`): any agent that speaks the Agent Client
 * Protocol over stdio. For a preset's name (qwen, opencode) every field is optional and overrides
 * the preset's; for any other name `command` is required.
 */
export const AcpAgentConfigSchema = z.strictObject({
  /** The program: a name looked up on PATH, or an absolute path. */
  command: z.string().min(1).optional(),
  /** Its arguments that start ACP on stdio (e.g. ["--acp"], ["acp"]). */
  args: z.array(z.string()).optional(),
  /** Variables every session of it gets. */
  env: z.record(z.string(), z.string()).optional(),
  /** Processing agents allowed at once (default 5). */
  cap: z.int().min(1).max(100).optional(),
  /** How to choose a model: arguments with `{model}` in them (e.g. ["--model", "{model}"]); else ACP's session/set_model. */
  model_args: z.array(z.string()).optional(),
  /** Our permission modes onto the agent's own session mode ids, where the guess by name is wrong. */
  modes: z.partialRecord(AcpModeKeySchema, z.string().min(1)).optional(),
  /** Its name for people (default: the provider name). */
  label: z.string().min(1).optional(),
});
export type AcpAgentConfig = z.infer<typeof AcpAgentConfigSchema>;

/** An ACP agent a config names, resolved over the presets: what runs it (the drivers add what no data can say). */
export interface AcpAgentSpec {
  provider: Provider;
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cap?: number;
  modelArgs?: string[];
  modes?: Partial<Record<AcpModeKey, string>>;
}

/**
 * Agents a user who has them on PATH needs no config for. Each line was checked against the
 * agent's own `initialize` answer and help: Qwen Code 0.24 takes `--acp` and `--model`; OpenCode
 * 1.18 takes `acp` and no model flag (its session's `model` config option, `provider/model`, is
 * set through ACP instead). OpenCode runs shell commands, edits and fetches without asking unless
 * its config says "ask": OPENCODE_PERMISSION, which it merges over its config files (a project's
 * "allow" included), makes it ask, so that the session's permission mode or our permission rules
 * decide each such tool call. Checked on 1.18.28 and 1.18.33.
 */
const ACP_PRESETS: Readonly<Record<string, AcpAgentSpec>> = {
  // Qwen Code 0.24 discovers a session's MCP servers in the background after session/new, so a first
  // turn sent at once goes without their tools: this variable makes session/new wait for them.
  qwen: {
    provider: "qwen",
    label: "Qwen Code",
    command: "qwen",
    args: ["--acp"],
    env: { QWEN_CODE_LEGACY_MCP_BLOCKING: "1" },
    modelArgs: ["--model", "{model}"],
  },
  opencode: {
    provider: "opencode",
    label: "OpenCode",
    command: "opencode",
    args: ["acp"],
    env: { OPENCODE_PERMISSION: JSON.stringify({ bash: "ask", edit: "ask", webfetch: "ask" }) },
  },
};

/** The ACP agents known without any config entry (Qwen Code, OpenCode). */
export const ACP_PRESET_PROVIDERS: readonly string[] = Object.keys(ACP_PRESETS);

/**
 * Every ACP provider: the presets, with the user's entries over them and beside them. A built-in
 * provider's name is refused (its driver is not ACP's), and so is a new name without a command:
 * then `error` says why.
 */
export function resolveAcpAgents(configured: Record<string, AcpAgentConfig> = {}): { agents: Map<Provider, AcpAgentSpec> } | { error: string } {
  const agents = new Map<Provider, AcpAgentSpec>(Object.entries(ACP_PRESETS));
  for (const [name, entry] of Object.entries(configured)) {
    const parsed = ProviderSchema.safeParse(name);
    if (!parsed.success) return { error: `providers.${name}: ${parsed.error.issues[0]?.message ?? "not a provider name"}` };
    if ((BUILTIN_PROVIDERS as readonly string[]).includes(name))
      return { error: `providers.${name}: ${name} is built in; set its executable under "executables" instead` };
    const base = agents.get(name);
    const command = entry.command ?? base?.command;
    if (command === undefined) return { error: `providers.${name}: "command" is required (the program that speaks ACP on stdio)` };
    agents.set(name, {
      provider: name,
      label: entry.label ?? base?.label ?? name,
      command,
      args: entry.args ?? base?.args ?? [],
      env: { ...base?.env, ...entry.env },
      ...((entry.cap ?? base?.cap) === undefined ? {} : { cap: entry.cap ?? base?.cap }),
      ...((entry.model_args ?? base?.modelArgs) === undefined ? {} : { modelArgs: entry.model_args ?? base?.modelArgs }),
      ...(entry.modes === undefined && base?.modes === undefined ? {} : { modes: { ...base?.modes, ...entry.modes } }),
    });
  }
  return { agents };
}
