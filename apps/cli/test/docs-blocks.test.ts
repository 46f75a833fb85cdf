import { execa } from "execa";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliExecutable, loopbackEnv, startAllFakes, type CliName, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

// The docs' shell blocks marked `sh runnable` are run as a reader would paste them: bash with
// `set -euo pipefail`, in a fresh empty folder, a HOME of their own, `subagent-mcp` on PATH as the
// built binary, and every agent CLI pointed at fake models on 127.0.0.1. And the static check
// (scripts/docs-check.mjs) reports exactly the problems planted in a fixture tree.

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const fixture = fileURLToPath(new URL("./docs-fixture/", import.meta.url));
const BLOCK_TIMEOUT = 120_000;
const AT_ONCE = 3;

interface Block {
  file: string;
  line: number;
  code: string;
}

/** The `sh runnable` (or `bash runnable`) fenced blocks of a Markdown text; a fence inside a longer fence is content. */
function runnableBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  let open: { marker: string; runnable: boolean; line: number; body: string[] } | undefined;
  text.split("\n").forEach((line, i) => {
    if (open === undefined) {
      const fence = /^[ \t]*(`{3,}|~{3,})\s*(.*)$/.exec(line);
      if (fence === null) return;
      const words = (fence[2] ?? "").trim().split(/\s+/);
      open = { marker: fence[1] ?? "```", runnable: ["sh", "bash"].includes(words[0] ?? "") && words.includes("runnable"), line: i + 1, body: [] };
      return;
    }
    const close = new RegExp(`^[ \\t]*${open.marker[0] ?? "`"}{${open.marker.length},}\\s*$`);
    if (!close.test(line)) {
      open.body.push(line);
      return;
    }
    if (open.runnable) blocks.push({ file, line: open.line, code: open.body.join("\n") });
    open = undefined;
  });
  return blocks;
}

function docPages(root: string): string[] {
  const docs = join(root, "docs");
  const under = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".md"))
        .map((f) => join(docs, f))
    : [];
  return [join(root, "README.md"), ...under].filter((f) => existsSync(f)).sort();
}

function blocksUnder(root: string): Block[] {
  return docPages(root).flatMap((f) => runnableBlocks(relative(repo, f), readFileSync(f, "utf8")));
}

const realBlocks = blocksUnder(repo);
const fixtureBlocks = blocksUnder(fixture);

let fakes: Record<CliName, FakeModelServer> | undefined;
let scratch: string;
let shims: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "docs-blocks-"));
  // `subagent-mcp` on PATH is the built binary, run by this very node.
  shims = join(scratch, "bin");
  mkdirSync(shims);
  writeFileSync(join(shims, "subagent-mcp"), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(shims, "subagent-mcp"), 0o755);
  fakes = await startAllFakes();
});

afterAll(async () => {
  await Promise.all(Object.values(fakes ?? {}).map((f) => f.stop()));
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs one block in its own loopback environment; resolves to a failure text, or undefined when it exits 0. */
async function runBlock(block: Block): Promise<string | undefined> {
  if (fakes === undefined) throw new Error("the fake model servers did not start");
  const env = await loopbackEnv(fakes);
  try {
    const pinned = Object.fromEntries(
      (["claude", "codex", "gemini", "qwen", "opencode"] as const).map((cli) => [`SUBAGENT_MCP_${cli.toUpperCase()}_PATH`, cliExecutable(cli)]),
    );
    const run = await execa("bash", ["-c", `set -euo pipefail\n${block.code}`], {
      cwd: env.cwd,
      env: { ...env.env, ...pinned, PATH: `${shims}:${env.env.PATH ?? ""}` },
      extendEnv: false,
      reject: false,
      all: true,
      stdin: "ignore",
      timeout: BLOCK_TIMEOUT,
      forceKillAfterDelay: 2_000,
    });
    if (run.exitCode === 0) return undefined;
    const why = run.timedOut ? `timed out after ${BLOCK_TIMEOUT / 1000}s` : `exit ${run.exitCode ?? run.signal ?? "?"}`;
    return `${block.file}:${block.line}: ${why}\n${run.all}`;
  } finally {
    await env.cleanup();
  }
}

/** Runs the blocks a few at a time; the failures, each naming its block. */
async function runAll(blocks: Block[]): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < blocks.length) {
      const block = blocks[next++] as Block;
      const failure = await runBlock(block);
      if (failure !== undefined) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, lane));
  return failures;
}

const budget = (count: number): number => Math.ceil(Math.max(count, 1) / AT_ONCE) * (BLOCK_TIMEOUT + 30_000) + 30_000;

describe("runnable shell blocks of the docs", () => {
  it("finds the marked blocks of a page, and not the unmarked ones nor one shown inside a longer fence", () => {
    expect(fixtureBlocks.map((b) => `${b.file}:${b.line}`)).toEqual(["apps/cli/test/docs-fixture/README.md:38", "apps/cli/test/docs-fixture/README.md:43"]);
    expect(fixtureBlocks[0]?.code).toBe('subagent-mcp --version\ntest -z "$(ls -A)"');
  });

  it("finds every marked block of README.md and docs/", () => {
    // Counted a second, simpler way, so a parser that finds nothing cannot pass over real blocks.
    const marked = docPages(repo).reduce(
      (n, f) => n + (readFileSync(f, "utf8").match(/^[ \t]*(`{3,}|~{3,})[ \t]*(sh|bash)[ \t]+([^\n]*[ \t])?runnable\b/gm) ?? []).length,
      0,
    );
    expect(realBlocks).toHaveLength(marked);
  });

  it("runs the fixture's blocks against the built CLI and loopback fakes", { timeout: budget(fixtureBlocks.length) }, async () => {
    expect(await runAll(fixtureBlocks)).toEqual([]);
  });

  it.runIf(realBlocks.length > 0)(`runs each of the docs' ${realBlocks.length} blocks to exit 0`, { timeout: budget(realBlocks.length) }, async () => {
    const failures = await runAll(realBlocks);
    expect(failures, failures.join("\n\n")).toEqual([]);
  });
});

describe("scripts/docs-check.mjs", () => {
  it("reports each broken link and unknown name of the fixture tree as file:line, and exits 1", async () => {
    const run = await execa(process.execPath, [join(repo, "scripts", "docs-check.mjs"), "--root", fixture], { reject: false });
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split("\n")).toEqual([
      "README.md:8: broken link: docs/missing.png (no file docs/missing.png)",
      "README.md:13: unknown flag --dry-runn of subagent-mcp setup",
      "README.md:13: unknown command: subagent-mcp workr",
      'README.md:18: unknown tool invok (called in `invok {agent: "x"}`)',
      "README.md:18: unknown tool send_mesage (a misspelt tool?)",
      "README.md:19: unknown tool lunch_agent (in mcp__subagent-mcp__lunch_agent)",
      "README.md:21: unknown config key spend_caps.weekly_usd",
      "README.md:23: unknown environment variable SUBAGENT_MCP_NOPE",
      "README.md:26: unknown config key max_lives (JSON block)",
      "README.md:34: unknown flag --since of subagent-mcp usage",
      "README.md:35: unknown flag --nope of subagent-mcp worker budget",
      'docs/guide.md:6: broken anchor: ../README.md#nowhere (no heading or <a id> "nowhere" in README.md)',
      "docs/guide.md:6: broken link: missing.md (no file docs/missing.md)",
      "docs/guide.md:8: tool launch_agent has no parameter colour",
    ]);
  });
});
