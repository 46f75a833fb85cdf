import { Supervisor } from "@subagent-mcp/core";
import { mkdtempSync } from "node:fs";
import { request, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { ChangeFeed } from "../src/endpoints/change-feed.js";
import { startControlEndpoint } from "../src/endpoints/control-endpoint.js";
import { scripted } from "./control-rig.js";

describe("the control endpoint's change events", () => {
  it("drop a reader that stops reading instead of buffering for it; others connect and read on", async () => {
    const { driver, emit } = scripted();
    const supervisor = new Supervisor({ drivers: { claude: driver }, caps: { claude: 300 }, maxLive: 300 });
    const feed = new ChangeFeed();
    feed.attach(supervisor);
    const cwd = mkdtempSync(join(tmpdir(), "feed-"));
    // Many agents changing in one turn make each event long, so that few turns fill the buffers.
    for (let i = 0; i < 200; i += 1) supervisor.launch({ provider: "claude", cwd, id: `agent${String(i).padStart(3, "0")}` });
    const endpoint = await startControlEndpoint(() => {
      throw new Error("no MCP here");
    }, feed);
    const open = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        request(`${endpoint.url}/events`, resolve).on("error", reject).end();
      });
    try {
      const slow = await open();
      slow.pause();
      expect(feed.readers).toBe(1);
      // Events until the reader is dropped; the kernel's and Node's buffers hold a few MB at most.
      let turns = 0;
      while (feed.readers > 0) {
        for (let i = 0; i < 200; i += 1) emit(i, { type: "tool", name: "Read", input: {} });
        await tick();
        turns += 1;
        if (turns > 100_000) throw new Error("the slow reader was never dropped");
      }
      // Its stream ends once it reads what was sent.
      const ended = new Promise<void>((resolve) => slow.on("close", resolve));
      slow.resume();
      await ended;

      const next = await open();
      next.setEncoding("utf8");
      const got = new Promise<string>((resolve) => {
        let text = "";
        next.on("data", (chunk: string) => {
          text += chunk;
          if (text.includes("agent007")) resolve(text);
        });
      });
      emit(7, { type: "tool", name: "Read", input: {} });
      expect(await got).toMatch(/event: change\ndata: \{"agent_ids":\["agent007"\]\}/);
      next.destroy();
    } finally {
      await endpoint.close();
      await supervisor.shutdown();
    }
  });
});
