import type { SessionSpec } from "@subagent-mcp/core";
import type { AcpAgent } from "../acp/acp-agent.js";
import { geminiArgs } from "./gemini-args.js";
import { geminiServerName } from "./gemini-own-entry.js";
import { removeGeminiLoadLeftovers, untilGeminiCanLoad } from "./gemini-load.js";
import { geminiPolicy } from "./gemini-policy.js";
import { writePrivateFile } from "../process/private-file.js";
import { forcedAsking } from "../permissions/unasked.js";

/**
 * Gemini CLI as an ACP agent. What it needs beyond data is declared here and nowhere else: its
 * approval-mode flags, a policy file so that deny rules see every tool use (gemini-policy.ts), and
 * guards around `session/load` (gemini-load.ts).
 */
export const GEMINI_AGENT: AcpAgent = {
  provider: "gemini",
  label: "Gemini CLI",
  command: "gemini",
  // --debug: only then does a shell call's update state its exit code (acp/gemini-exit.ts).
  args: ["--acp", "--debug"],
  // Gemini CLI otherwise re-spawns itself once at start, costing ~0.6 s.
  env: { GEMINI_CLI_NO_RELAUNCH: "true" },
  native: {
    argv: (spec) => geminiArgs(spec),
    serverName: geminiServerName,
    prepare(spec: SessionSpec, env) {
      // Before the process starts: its start-up cleanup would take the whole session with a leftover.
      if (spec.resume !== undefined) removeGeminiLoadLeftovers(spec.resume, env);
      const text = spec.askPermissions === true || forcedAsking(spec) ? geminiPolicy(spec.rules) : undefined;
      const policy = text === undefined ? undefined : writePrivateFile("policy.toml", text);
      return {
        ...(policy === undefined
          ? {}
          : {
              args: geminiArgs(spec, policy.path),
              cleanup: () => {
                policy.remove();
              },
            }),
        loadGuard: {
          before: (id) => untilGeminiCanLoad(id, env),
          after: (id) => {
            removeGeminiLoadLeftovers(id, env);
          },
        },
      };
    },
  },
};
