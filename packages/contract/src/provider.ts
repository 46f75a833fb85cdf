// Provider names: the built-in CLIs with a driver of their own, and the shape of any name (an ACP
// agent's comes from the user's config).
import { z } from "zod";

/** The providers with a driver of their own; every other one is an ACP agent named in config or a preset. */
export const BUILTIN_PROVIDERS = ["claude", "codex", "gemini"] as const;
export type BuiltinProvider = (typeof BUILTIN_PROVIDERS)[number];

/**
 * The name of a provider a session can run on: a built-in one or any configured ACP agent. Which
 * names exist is known only at run time (the user's config), so a name is checked where a driver
 * is looked up, with an error that lists the configured ones.
 */
export const ProviderSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, "a provider name is lowercase letters, digits and '-' (at most 32), e.g. claude, qwen, my-agent");
export type Provider = z.infer<typeof ProviderSchema>;
