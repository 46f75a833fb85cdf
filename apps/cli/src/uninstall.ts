import { homedir } from "node:os";
import { applyRevert, inFile, planRevert, readRecord, removeHooks, removeManagedBlock, stateDir, withoutServer, writeRecord, writeTarget, type Host, type RecordedChange, type Revert } from "@subagent-mcp/hooks";
import { defineCommand } from "citty";
import { forceArg, refuseReadOnly, refusing } from "./apply.js";
import { fail } from "./fail.js";

// Takes our part out of a file the user has edited since setup or init wrote it.
function removeOurs(change: RecordedChange): (text: string) => string {
  return (text) => {
    if (change.kind === "mcp") return withoutServer(change.host as Host, text);
    if (change.kind === "hooks") return removeHooks(change.host as Host | undefined, text);
    return removeManagedBlock(text);
  };
}

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
      return;
    }
    // Every file is planned (one that no longer parses refused) and checked before any is written.
    const texts = new Map<string, string | null>();
    const reverts: Revert[] = changes.map((change) => {
      const target = refusing(() => writeTarget(change.path));
      const revert = refusing(() => inFile(change.path, () => planRevert(change, removeOurs(change), texts.get(target))));
      if (revert.next !== undefined) texts.set(target, revert.next);
      return revert;
    });
    refuseReadOnly(reverts.filter((r) => r.next !== undefined).map((r) => r.path), args.force === true);
    for (const [i, revert] of reverts.entries()) {
      try {
        applyRevert(revert, { force: args.force === true });
      } catch (error) {
        // What is not undone yet stays recorded, for the next uninstall.
        writeRecord(dir, changes.slice(i).reverse());
        fail((error as Error).message);
      }
      process.stdout.write(`${revert.path}: ${revert.how}\n`);
    }
    writeRecord(dir, []);
  },
});
