import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { spawnCli } from "../src/index.js";

// Whatever this process holds or a spec passes, a CLI we start never gets the fleet key or the mailbox settings.
describe("a CLI's environment", () => {
  afterEach(() => {
    delete process.env.SUBAGENT_MCP_FLEET_KEY;
  });

  for (const extendEnv of [true, false])
    it(`holds no fleet key or mailbox setting (extendEnv ${String(extendEnv)})`, async () => {
      process.env.SUBAGENT_MCP_FLEET_KEY = "inherited-fleet-key-0123456789";
      const proc = spawnCli({
        command: "sh",
        args: ["-c", "env"],
        cwd: tmpdir(),
        env: { PATH: process.env.PATH ?? "", KEPT: "yes", SUBAGENT_MCP_MAILBOX_URL: "redis://:pw@h", SUBAGENT_MCP_FLEET_KEY: "given-fleet-key-0123456789" },
        extendEnv,
      });
      let out = "";
      proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      await proc.exited;
      expect(out).toContain("KEPT=yes");
      expect(out).not.toContain("SUBAGENT_MCP_FLEET_KEY");
      expect(out).not.toContain("SUBAGENT_MCP_MAILBOX_URL");
    });
});
