import { homedir } from "node:os";
import { stateDir } from "@subagent-mcp/state";
import { applyRevert, Drafts, HOSTS, planRevert, readRecord, removeOurs, writeRecord, type HostContext, type Revert } from "@subagent-mcp/hosts";
import { defineCommand } from "citty";
import { forceArg, refuseReadOnly, refusing } from "./apply.js";
import { pluginOrWhy } from "./install-state.js";

import { fail } from "../fail.js";
import { errorMessage } from "@subagent-mcp/errors";

/** `subagent-mcp uninstall`: reverses exactly what setup and init wrote. */
export const uninstallCommand = defineCommand({
  meta: { name: "uninstall", description: "Remove exactly what setup and init added (files the user has not touched since come back byte for byte)." },
  args: { force: forceArg },
  run({ args }) {
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    const dir = stateDir(ctx);
    const changes = refusing(() => readRecord(dir)).reverse();
    if (changes.length === 0) {
      process.stdout.write("nothing to uninstall\n");
      pluginsStay(ctx);
      return;
    }
    // Every file is planned (one that no longer parses refused) and checked before any is written.
    const drafts = new Drafts();
    const reverts: Revert[] = changes.map((change) => refusing(() => planRevert(change, removeOurs(change), drafts)));
    refuseReadOnly(
      reverts.filter((r) => r.next !== undefined).map((r) => r.path),
      args.force === true,
    );
    for (const [i, revert] of reverts.entries()) {
      try {
        applyRevert(revert, { force: args.force === true });
      } catch (error) {
        // What is not undone yet stays recorded, for the next uninstall.
        writeRecord(dir, changes.slice(i).reverse());
        fail(errorMessage(error));
      }
      process.stdout.write(`${revert.path}: ${revert.how}\n`);
    }
    writeRecord(dir, []);
    pluginsStay(ctx);
  },
});

// Uninstall takes out only what setup and init wrote: a host's own plugin install is the host's to
// remove, so each is named with the host's command for it.
function pluginsStay(ctx: HostContext): void {
  for (const host of HOSTS) {
    const plugin = pluginOrWhy(host, ctx);
    if (typeof plugin === "object")
      process.stdout.write(`${host}: the ${plugin.id.includes("@") ? "plugin" : "extension"} ${plugin.id} stays; remove it with: ${plugin.remove}\n`);
  }
}
