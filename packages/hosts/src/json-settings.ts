import { handlerCommand, handlerMark, HOOK_EVENTS, type HookHost } from "@subagent-mcp/hooks";
import type { HostAdapter } from "./adapter.js";
import { SERVER_NAME, type HostContext, type ServerLaunch } from "./host.js";
import { appendJsonc, hasJsoncPath, readJsonc, removeFromJsoncArrays, removeIfEmpty, removeJsonc, setJsonc } from "./jsonc.js";

// Claude Code and Gemini CLI keep MCP servers and hooks in JSONC settings files of the same shape:
// `mcpServers.<name>` and `hooks.<event>: [{ matcher?, hooks: [handler] }]`. Qwen Code's settings and
// OpenCode's config (`mcp.<name>`) hold their MCP servers the same way.

/**
 * Our entry in a settings file's `key` object (`mcpServers` unless the host names it otherwise), as
 * `entry` shapes it for the host. `seed` is the text a file setup creates starts from, for a host
 * that writes its own first key into every new config.
 */
export function jsonServer(
  path: (ctx: HostContext) => string,
  entry: (launch: ServerLaunch) => Record<string, unknown>,
  options: { key?: string; seed?: string } = {},
): HostAdapter["server"] {
  const key = options.key ?? "mcpServers";
  const server = [key, SERVER_NAME];
  return {
    path,
    add: (text, launch) => setJsonc(text.trim() === "" && options.seed !== undefined ? options.seed : text, server, entry(launch)),
    remove(text) {
      if (!hasJsoncPath(text, server)) return text;
      // A servers object left empty was ours alone (setup created it): it goes too.
      return removeIfEmpty(removeJsonc(text, server), [key]);
    },
    read: (text) => readJsonc(text, server),
  };
}

/**
 * Our hooks in a settings file, each a group of its own beside the user's (never replacing their
 * arrays): the prompt event for the orchestration directive, the tool event on the native sub-agent
 * tools (`matcher`), the stop event that keeps an orchestrator going while its sub-agents need it,
 * and the session-start event that tells what waits. `handler` shapes the host's hook entry around the command; ours are
 * told apart from the user's by that command's `hook <host>` suffix.
 */
export function jsonHooks(
  host: HookHost,
  path: (ctx: HostContext) => string,
  spec: { matcher: string; handler: (command: string) => Record<string, unknown> },
): NonNullable<HostAdapter["hooks"]> {
  const { prompt, tool, stop, start } = HOOK_EVENTS[host];
  const events = [prompt, tool, stop, start];
  // The guarded command and the bare one of earlier setups alike: an upgrade replaces either, uninstall takes out both.
  const mark = handlerMark(host);
  const ours = (element: unknown) => JSON.stringify(element).includes(mark);
  // Takes out exactly our entries (and the arrays or `hooks` object that only they filled).
  const remove = (text: string) => removeFromJsoncArrays(text, ["hooks"], events, ours);
  return {
    path,
    add(text, command) {
      const hook = spec.handler(handlerCommand(command, host));
      let out = appendJsonc(remove(text), ["hooks", prompt], { hooks: [hook] });
      out = appendJsonc(out, ["hooks", tool], { matcher: spec.matcher, hooks: [hook] });
      out = appendJsonc(out, ["hooks", stop], { hooks: [hook] });
      return appendJsonc(out, ["hooks", start], { hooks: [hook] });
    },
    remove,
    read: (text) =>
      events.filter((event) => {
        const groups = readJsonc(text, ["hooks", event]);
        return Array.isArray(groups) && groups.some(ours);
      }),
  };
}
