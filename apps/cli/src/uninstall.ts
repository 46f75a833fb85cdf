import { homedir } from "node:os";
import { readRecord, removeHooks, removeManagedBlock, revertChange, stateDir, withoutServer, writeRecord, type Host } from "@subagent-mcp/hooks";
import { defineCommand } from "citty";

/** `subagent-mcp uninstall`: reverses exactly what setup and init wrote. */
export const uninstallCommand = defineCommand({
  meta: { name: "uninstall", description: "Remove exactly what setup and init added (files the user has not touched since come back byte for byte)." },
  run() {
    const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
    const dir = stateDir(ctx);
    const changes = readRecord(dir);
    if (changes.length === 0) {
      process.stdout.write("nothing to uninstall\n");
      return;
    }
    for (const change of changes.reverse()) {
      const how = revertChange(change, (text) => {
        if (change.kind === "mcp") return withoutServer(change.host as Host, text);
        if (change.kind === "hooks") return removeHooks(change.host as Host | undefined, text);
        return removeManagedBlock(text);
      });
      process.stdout.write(`${change.path}: ${how}\n`);
    }
    writeRecord(dir, []);
  },
});
