import { afterEach, describe, expect, it } from "vitest";
import { AcpDriver, startsMcpServers } from "../src/index.js";
import { pinnedCliOptions } from "@subagent-mcp/testkit";
import { harness, type Harness } from "./harness.js";

// Whether an ACP agent starts the MCP servers handed over in session/new (its sub-agents' messaging
// depends on it), with the real agents; `doctor` says what this finds.
describe("startsMcpServers", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  for (const cli of ["qwen", "gemini", "opencode"] as const) {
    it(`${cli} starts them`, { timeout: 120_000 }, async () => {
      h = await harness(cli);
      // The marker file's event ends the wait; the bound counts from the session's set-up, which
      // OpenCode alone can take over 20 s to reach on a busy machine.
      expect(await startsMcpServers(acp(h))).toBe(true);
    });
  }

  it("an agent that ignores them is told apart: false, within the timeout", { timeout: 60_000 }, async () => {
    h = await harness("qwen");
    // The same agent told to load no MCP server at all (Qwen Code's own switch) stands for one that ignores them.
    const agent = { ...acp(h).agent, args: ["--acp", "--allowed-mcp-server-names", "none"] };
    const driver = new AcpDriver({ ...pinnedCliOptions(h.env), agent });
    expect(await startsMcpServers(driver, 8_000)).toBe(false);
  });
});

function acp(h: Harness): AcpDriver {
  if (!(h.driver instanceof AcpDriver)) throw new Error(`${h.provider} is not driven over ACP`);
  return h.driver;
}
