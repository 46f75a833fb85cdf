import { stringify } from "smol-toml";

// Gemini CLI runs some tool uses without asking (reads, searches, shell commands it deems
// read-only), so a deny rule that waited for `session/request_permission` would never see them.
// With deny or ask rules, a policy file of the user tier (`--policy`, the highest priority)
// makes every built-in tool that touches files, the shell or the network ask: each use reaches
// our rules (which answer routine ones at once), is judged with the shell parser and real paths,
// and is audited. Gemini's own deny rules are not used: it refuses those before announcing the
// call, so nothing could audit them, and its command matching is weaker than ours.

/** Built-in tools that act on files, the shell or the network (Gemini CLI 0.61 names). */
const ACTING_TOOLS = [
  "run_shell_command",
  "read_file",
  "read_many_files",
  "glob",
  "grep_search",
  "search_file_content",
  "list_directory",
  "write_file",
  "replace",
  "web_fetch",
  "google_web_search",
  "read_mcp_resource",
];

interface PolicyRule {
  toolName: string | string[];
  argsPattern?: string;
  decision: "ask_user";
  priority: number;
}

/** The policy file's text for an agent's rules; undefined when it has no deny or ask rule. */
export function geminiPolicy(rules: { deny?: string[]; ask?: string[] } | undefined): string | undefined {
  if ((rules?.deny?.length ?? 0) + (rules?.ask?.length ?? 0) === 0) return undefined;
  // Gemini turns "ask" into "allow" for shell commands it deems safe unless the rule has an
  // argsPattern: one that every shell call matches keeps them asking.
  const shell: PolicyRule = { toolName: "run_shell_command", argsPattern: '"command"', decision: "ask_user", priority: 999 };
  const others: PolicyRule = { toolName: ACTING_TOOLS.filter((t) => t !== "run_shell_command"), decision: "ask_user", priority: 999 };
  return stringify({ rule: [shell, others] });
}
