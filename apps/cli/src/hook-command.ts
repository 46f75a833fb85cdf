import { defineCommand } from "citty";
import { HOOK_HOSTS } from "@subagent-mcp/hooks/hook";
import { runHook } from "./hook.js";

/**
 * `hook` as citty knows it, for `--help` and the reference. The hosts' hooks never come through
 * here: main.ts runs `subagent-mcp hook <host>` before citty loads, since it runs on every prompt.
 */
export const hookCommand = defineCommand({
  meta: {
    name: "hook",
    description: "Answer one host hook (what setup's orchestration hooks run): reads the host's event on stdin, prints its decision on stdout.",
  },
  args: {
    host: { type: "positional", required: true, description: `The host whose hook this is: ${HOOK_HOSTS.join(", ")}.` },
  },
  async run({ args }) {
    await runHook(args.host);
  },
});
