import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { processRef, selfRef } from "@subagent-mcp/state";
import { describe, expect, it } from "vitest";
import { serverFolder } from "../src/index.js";
import { tmp } from "./git-helpers.js";

// The prune runs in the background of serverFolder: wait for it to have removed what it removes.
async function pruned(path: string): Promise<void> {
  for (let i = 0; i < 500 && existsSync(path); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("serverFolder", () => {
  it("is named by this server's pid and start time, and removes the folders of gone servers, a reused pid's too", async () => {
    const root = tmp("rc-folders-");
    // A live process unrelated to receipts holds the pid of a server killed earlier.
    const other = spawn("sleep", ["1000"], { stdio: "ignore" });
    try {
      const live = processRef(other.pid ?? 0);
      expect(live?.start).toBeDefined();
      const gone = spawnSync(process.execPath, ["-e", ""]).pid;
      const folders = {
        reused: join(root, `${String(live?.pid)}@1`),
        goneOld: join(root, String(gone)),
        goneNew: join(root, `${String(gone)}@${String(live?.start)}`),
        liveOld: join(root, String(live?.pid)),
        liveNew: join(root, `${String(live?.pid)}@${String(live?.start)}`),
      };
      for (const path of Object.values(folders)) mkdirSync(path);
      const own = serverFolder(root);
      expect(own).toBe(join(root, `${String(process.pid)}@${String(selfRef().start)}`));
      await pruned(folders.reused);
      await pruned(folders.goneNew);
      await pruned(folders.goneOld);
      expect(readdirSync(root).sort()).toEqual([String(live?.pid), `${String(live?.pid)}@${String(live?.start)}`].sort());
    } finally {
      other.kill("SIGKILL");
    }
  });
});
