import { claudeSettingsPath, removeClaudeHooks, withClaudeHooks } from "./claude-hooks.js";
import { removeCodexHooks, withCodexHooks } from "./codex-hooks.js";
import { inFile } from "./errors.js";
import { readOrNull, type FileChange } from "./files.js";
import { geminiSettingsPath, removeGeminiHooks, withGeminiHooks } from "./gemini-hooks.js";
import { mcpConfigPath, type Host, type HostContext } from "./hosts.js";

/** The file where `host` keeps its hooks (for Codex and Gemini CLI, the one with its MCP servers). */
export function hooksPath(host: Host, ctx: HostContext): string {
  if (host === "claude") return claudeSettingsPath(ctx);
  return host === "codex" ? mcpConfigPath("codex", ctx) : geminiSettingsPath(ctx);
}

/** A host config's text with our orchestration hooks added (or refreshed); `path` is that file. */
export function withHooks(host: Host, text: string, command: string, path: string): string {
  switch (host) {
    case "claude":
      return withClaudeHooks(text, command);
    case "codex":
      return withCodexHooks(text, command, path);
    case "gemini":
      return withGeminiHooks(text, command);
  }
}

/**
 * What setup changes to install one host's orchestration hooks (`command` starts our CLI).
 * `before` is the file's text when an earlier change of the same run already rewrote it. Refuses
 * (naming the file) what {@link planServer} refuses.
 */
export function planHooks(host: Host, ctx: HostContext, command: string, before?: string | null): FileChange {
  const path = hooksPath(host, ctx);
  const current = before === undefined ? readOrNull(path) : before;
  return { path, before: current, after: inFile(path, () => withHooks(host, current ?? "", command, path)), private: true };
}

/** One host's config text without our hooks (records from before hooks had a host mean Claude Code). */
export function removeHooks(host: Host | undefined, text: string): string {
  switch (host ?? "claude") {
    case "claude":
      return removeClaudeHooks(text);
    case "codex":
      return removeCodexHooks(text);
    case "gemini":
      return removeGeminiHooks(text);
  }
}
