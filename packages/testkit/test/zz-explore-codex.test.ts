import { appendFileSync, writeFileSync } from "node:fs";
import { execa } from "execa";
import { it } from "vitest";
import { locateCli, loopbackEnv, startOpenAIFake } from "../src/index.js";

it("explore", async () => {
  const fake = await startOpenAIFake();
  const env = await loopbackEnv("codex", fake);
  appendFileSync(`${env.env.CODEX_HOME}/config.toml`, `\n[mcp_servers.t]\ncommand = "node"\nargs = ["/tmp/mcp.cjs"]\n`);
  let n = 0;
  fake.script((r) => {
    n++;
    if (n === 1) return { kind: "tool", name: "tool_search", input: { query: "ping" } };
    if (n === 2) return { kind: "tool", name: r.tools.find((t) => t.includes("ping")) ?? "mcp__t__ping", input: { word: "hi" } };
    return undefined;
  });
  const { command } = locateCli("codex");
  const r = await execa(command, ["exec", "--json", "--skip-git-repo-check", "call ping"], { cwd: env.cwd, env: env.env, extendEnv: false, stdin: "ignore", reject: false, timeout: 60_000 });
  writeFileSync("/tmp/explore4.json", JSON.stringify({ exit: r.exitCode, stdout: r.stdout, stderr: r.stderr, requests: fake.requests.map((q) => ({ reply: q.reply, tools: q.tools, tail: (q.body as {input: unknown[]}).input.slice(-2), toolsTail: (q.body as { tools: unknown[] }).tools.slice(-3) })) }, null, 2));
  await env.cleanup();
  await fake.stop();
}, 200_000);
