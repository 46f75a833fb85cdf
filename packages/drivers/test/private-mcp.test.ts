import { readFileSync } from "node:fs";
import { NOTES_TOOL, startNotesHttpServer } from "@subagent-mcp/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { mcpToolName } from "../src/index.js";
import { harness, type Harness } from "./harness.js";

// A Claude session's MCP config holds its servers' secrets (an HTTP server's bearer token, a stdio
// server's env, the signed address of its messaging server): another agent of the same user, with a
// shell, must find nothing where the CLI was told to read it.

const argAfter = (pid: number, flag: string): string => {
  const args = readFileSync(`/proc/${String(pid)}/cmdline`, "utf8").split("\0");
  return args[args.indexOf(flag) + 1] ?? "";
};

describe("a Claude session's MCP config", () => {
  let h: Harness | undefined;
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await stop?.();
    stop = undefined;
  });

  it("is read by its CLI and by no other agent: a second CLI with a shell that cats its path gets nothing", { timeout: 180_000 }, async () => {
    const token = "tok-private-7781";
    const notes = await startNotesHttpServer("value-for-a", token);
    stop = () => notes.stop();
    h = await harness("claude");
    const tool = mcpToolName("claude", "notes", NOTES_TOOL);
    const first = h.start({ mcpServers: [notes.spec], allowedTools: [tool], systemPromptAppend: "You are agent A." });
    first.send(`[[tool:ToolSearch|${JSON.stringify({ query: `select:${tool}` })}]][[tool:${tool}|{}]]`);
    expect(await h.turnEnd("the first agent's notes turn", 0, 150_000)).toMatchObject({ isError: false });
    // Its CLI read the config (the token reached the server) and the appended prompt.
    expect(notes.calls).toBe(1);
    expect(h.fake.requests.some((r) => JSON.stringify(r.body).includes("You are agent A."))).toBe(true);
    const path = argAfter(first.pid ?? 0, "--mcp-config");
    expect(path).not.toBe("");

    // The first agent is still running; the second, allowed a shell, reads the path it was given.
    const from = h.events.length;
    const second = h.start({ allowedTools: ["Bash"] });
    second.send(`[[shell:cat '${path}'; echo "read-done"]]`);
    expect(await h.turnEnd("the second agent's cat", from, 120_000)).toMatchObject({ isError: false });
    const bodies = h.fake.requests.map((r) => JSON.stringify(r.body));
    expect(bodies.some((b) => b.includes("read-done"))).toBe(true);
    expect(bodies.filter((b) => b.includes(token)).length).toBe(0);
  });
});
