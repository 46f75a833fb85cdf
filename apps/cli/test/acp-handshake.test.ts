import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "@subagent-mcp/state";
import { afterEach, expect, it } from "vitest";
import { startE2E, waitFor, type E2E } from "./e2e.js";

// An ACP agent that starts, reads its stdin and never answers stands for a CLI hung in its
// handshake: the agent must end errored within the handshake limit, its process killed, not
// stay "processing" for ever. The limit comes from SUBAGENT_MCP_HANDSHAKE_TIMEOUT_S.
let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

// Reads every byte it is sent and writes nothing; the timer keeps it alive after its stdin closes.
const SILENT = `require("node:fs").writeFileSync(process.argv[2], String(process.pid));
process.stdin.on("data", () => undefined);
setInterval(() => undefined, 60_000);
`;

it("ends an ACP agent that never answers initialize as errored, naming the step and the limit, with its process gone", { timeout: 120_000 }, async () => {
  let pidFile = "";
  const s = (e = await startE2E({ SUBAGENT_MCP_HANDSHAKE_TIMEOUT_S: "2" }, (env) => {
    const script = join(env.home, "silent-agent.cjs");
    pidFile = join(env.home, "silent-agent.pid");
    writeFileSync(script, SILENT);
    const config = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json");
    mkdirSync(join(config, ".."), { recursive: true });
    writeFileSync(config, JSON.stringify({ providers: { silent: { command: process.execPath, args: [script, pidFile] } } }));
  }));
  const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "silent", prompt: "hello" });
  const turn = await waitFor(s, agent_id, (out) => out.finished[0]);
  expect(turn.is_error).toBe(true);
  expect(turn.result).toContain("silent did not answer initialize within 2 s");
  const polled = await s.call<{ status: string; error?: string }>("poll_agent", { agent_id });
  expect(polled.status).toBe("errored");
  expect(processAlive({ pid: Number(readFileSync(pidFile, "utf8")) })).toBe(false);
});
