import { execa } from "execa";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";
import { git, snapshot, write } from "./git-e2e.js";

// isolation: "worktree" end to end: the built server on stdio, the real CLIs editing in worktrees of a real repository.

interface Worktree {
  path: string;
  branch: string;
  base: string;
  state: "active" | "releasing" | "kept" | "removed";
  head?: string;
  changed_files?: number;
  uncommitted?: number;
  ahead?: number;
}
interface Launched {
  agent_id: string;
  worktree?: Worktree;
}
interface Finished {
  agent_id: string;
  is_error: boolean;
  result: string;
  worktree?: Worktree;
}
interface Listed {
  record: { branch: string; path: string; repo: string; kind: string };
  live: boolean;
  unmerged: boolean;
}
interface Pruned {
  removed: { branch: string; path: string }[];
  kept: { record: { branch: string }; reason: string }[];
}

// Each new worktree gets a marker (ignored by git); a base holding `fail-setup` makes the command fail.
const SETUP = `test ! -f fail-setup || { echo "setup broke: toolchain-missing-42"; exit 3; }; echo "setup ran in $SUBAGENT_MCP_SANDBOXED" > .setup-done`;

/** A committed repository: a tracked file both agents change, an ignored .env listed in .worktreeinclude, a `broken` branch. */
async function makeRepo(dir: string): Promise<void> {
  write(join(dir, "shared.txt"), "original\n");
  write(join(dir, "src", "index.ts"), "export {};\n");
  write(join(dir, ".gitignore"), ".env\n.setup-done\n");
  write(join(dir, ".worktreeinclude"), ".env\n");
  write(join(dir, ".env"), "SECRET=plum-77\n");
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "add", "-A");
  await git(dir, "commit", "-qm", "initial");
  await git(dir, "branch", "broken");
  const broken = mkdtempSync(join(tmpdir(), "e2e-wt-broken-"));
  try {
    await git(dir, "worktree", "add", "-q", broken, "broken");
    write(join(broken, "fail-setup"), "x\n");
    await git(broken, "add", "fail-setup");
    await git(broken, "commit", "-qm", "breaks the setup");
  } finally {
    await git(dir, "worktree", "remove", "--force", broken);
  }
}

let s: E2E;
let configHome: string;
let repo: string;
let before: Record<string, string>;
const kept: Record<string, Worktree> = {};

async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await s.client.callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  return JSON.stringify(result.content);
}

/** Waits until every agent in `ids` has a finished turn; returns them by id. */
async function finishAll(ids: string[]): Promise<Record<string, Finished>> {
  const done: Record<string, Finished> = {};
  while (ids.some((id) => done[id] === undefined)) {
    const out = await s.call<{ finished: Finished[]; still_running: string[] }>("wait", {
      agent_ids: ids.filter((id) => done[id] === undefined),
      mode: "all",
      timeout_s: 60,
    });
    for (const f of out.finished) done[f.agent_id] = f;
    if (out.finished.length === 0 && out.still_running.length === 0) throw new Error(`nothing more to wait for: ${JSON.stringify(out)}`);
  }
  return done;
}

async function branches(dir: string): Promise<string[]> {
  return (await git(dir, "branch", "--list", "subagent/*", "--format=%(refname:short)")).split("\n").filter(Boolean).sort();
}

async function expectUntouched(): Promise<void> {
  expect(snapshot(repo)).toEqual(before);
  expect(await git(repo, "status", "--porcelain")).toBe("");
}

beforeAll(async () => {
  configHome = mkdtempSync(join(tmpdir(), "e2e-wt-config-"));
  write(join(configHome, "subagent-mcp", "config.json"), JSON.stringify({ worktree: { setup: SETUP, setup_timeout_s: 60 } }));
  s = await startE2E({ XDG_CONFIG_HOME: configHome });
  repo = s.env.cwd;
  await makeRepo(repo);
  before = snapshot(repo);
}, 60_000);

afterAll(async () => {
  await s.close();
  rmSync(configHome, { recursive: true, force: true });
});

describe("isolation: worktree through the built CLI", () => {
  it(
    "two agents (Claude and Codex) write the same file at once, each in its own worktree; killed, both are kept with their work",
    { timeout: 240_000 },
    async () => {
      const common = { isolation: "worktree", permission_mode: "acceptEdits" };
      const [claude, codex] = await Promise.all([
        s.call<Launched>("launch_agent", { ...common, provider: "claude", label: "alpha", prompt: "[[edit:shared.txt|from claude\n]]" }),
        // A model Codex knows offers its apply_patch tool (the routing table's names are not in its list).
        s.call<Launched>("launch_agent", { ...common, provider: "codex", model: "gpt-5.5", label: "beta", prompt: "[[edit:shared.txt|from codex\n]]" }),
      ]);
      expect(claude.worktree).toMatchObject({ branch: "subagent/alpha", base: "HEAD", state: "active" });
      expect(codex.worktree).toMatchObject({ branch: "subagent/beta", base: "HEAD", state: "active" });
      const a = claude.worktree as Worktree;
      const b = codex.worktree as Worktree;
      expect(a.path).not.toBe(b.path);
      for (const w of [a, b]) expect(relative(repo, w.path).startsWith("..")).toBe(true);

      const done = await finishAll([claude.agent_id, codex.agent_id]);
      for (const id of [claude.agent_id, codex.agent_id]) {
        expect(done[id]?.is_error, done[id]?.result).toBe(false);
        expect(done[id]?.worktree, done[id]?.result).toMatchObject({ state: "active", changed_files: 1, uncommitted: 1, ahead: 0 });
      }
      expect(readFileSync(join(a.path, "shared.txt"), "utf8")).toBe("from claude\n");
      expect(readFileSync(join(b.path, "shared.txt"), "utf8")).toBe("from codex\n");
      // The .worktreeinclude file and the setup's marker are in each worktree; neither counts as work.
      for (const w of [a, b]) {
        expect(readFileSync(join(w.path, ".env"), "utf8")).toBe("SECRET=plum-77\n");
        // In the agents' OS sandbox: it sees no more of our files than they do.
        expect(readFileSync(join(w.path, ".setup-done"), "utf8")).toBe("setup ran in bwrap\n");
      }
      await expectUntouched();

      for (const [id, w] of [
        [claude.agent_id, a],
        [codex.agent_id, b],
      ] as const) {
        const killed = await s.call<{ worktree?: Worktree }>("kill_agent", { agent_id: id });
        expect(killed.worktree).toMatchObject({ path: w.path, branch: w.branch, state: "kept", changed_files: 1 });
        expect(existsSync(w.path)).toBe(true);
        kept[w.branch] = w;
      }
      const rows = (await s.call<{ agents: { agent_id: string; worktree?: Worktree }[] }>("list_agents")).agents;
      expect(rows.find((r) => r.agent_id === claude.agent_id)?.worktree).toMatchObject({ state: "kept", changed_files: 1 });
      expect(await branches(repo)).toEqual(["subagent/alpha", "subagent/beta"]);
      await expectUntouched();
    },
  );

  it(
    "an agent that changes nothing sees the included .env and the setup's marker in its first turn; killed, its worktree and branch are gone",
    { timeout: 180_000 },
    async () => {
      const launched = await s.call<Launched>("launch_agent", {
        provider: "claude",
        isolation: "worktree",
        label: "reader",
        cwd: join(repo, "src"),
        prompt: "[[shell:cat ../.setup-done ../.env]]",
        permissions: { allow: ["Bash(cat:*)"] },
      });
      const w = launched.worktree as Worktree;
      expect(w.branch).toBe("subagent/reader");
      const done = await finishAll([launched.agent_id]);
      const turn = done[launched.agent_id] as Finished;
      expect(turn.is_error, turn.result).toBe(false);
      // The shell ran in the worktree's copy of src/, after the setup and the copy.
      expect(turn.result).toContain("setup ran");
      expect(turn.result).toContain("SECRET=plum-77");
      expect(turn.worktree).toMatchObject({ changed_files: 0, uncommitted: 0, ahead: 0 });

      const killed = await s.call<{ worktree?: Worktree }>("kill_agent", { agent_id: launched.agent_id });
      expect(killed.worktree).toMatchObject({ branch: "subagent/reader", state: "removed" });
      expect(existsSync(w.path)).toBe(false);
      expect(await branches(repo)).toEqual(["subagent/alpha", "subagent/beta"]);
      await expectUntouched();
    },
  );

  it("a failing setup command ends the agent errored with the command's output in wait and poll_agent", { timeout: 180_000 }, async () => {
    const launched = await s.call<Launched>("launch_agent", { provider: "claude", isolation: "worktree", base: "broken", label: "doomed", prompt: "hello" });
    expect(launched.worktree).toMatchObject({ branch: "subagent/doomed", base: "broken" });
    const turn = (await finishAll([launched.agent_id]))[launched.agent_id] as Finished;
    expect(turn.is_error).toBe(true);
    expect(turn.result).toContain("setup broke: toolchain-missing-42");
    expect(turn.result).toContain("exited with code 3");
    const polled = await s.call<{ status: string; hint?: string; worktree?: Worktree }>("poll_agent", { agent_id: launched.agent_id });
    expect(polled.status).toBe("errored");
    expect(polled.hint).toContain("setup broke: toolchain-missing-42");
    // No CLI ever ran in it: nothing to keep.
    expect(polled.worktree?.state).toBe("removed");
    expect(existsSync(launched.worktree?.path ?? "")).toBe(false);
    expect(await branches(repo)).toEqual(["subagent/alpha", "subagent/beta"]);
    await expectUntouched();
  });

  it("refuses isolation outside a git repository, base without isolation, and a base that does not exist", async () => {
    const outside = mkdtempSync(join(tmpdir(), "e2e-wt-norepo-"));
    try {
      const notRepo = await callError("launch_agent", { provider: "claude", isolation: "worktree", cwd: outside, prompt: "hello" });
      expect(notRepo).toContain("is not inside a git repository");
      expect(notRepo).toContain(outside);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    expect(await callError("launch_agent", { provider: "claude", base: "main", prompt: "hello" })).toContain('base needs isolation: \\"worktree\\"');
    expect(await callError("launch_agent", { provider: "claude", isolation: "worktree", base: "no-such-ref", prompt: "hello" })).toContain(
      'base \\"no-such-ref\\" is not a commit',
    );
    expect(await branches(repo)).toEqual(["subagent/alpha", "subagent/beta"]);
  });

  it(
    "a repository with a local submodule and an LFS pointer (git-lfs not installed): the worktree has both, and goes once clean",
    { timeout: 180_000 },
    async () => {
      const root = mkdtempSync(join(tmpdir(), "e2e-wt-special-"));
      try {
        const lib = join(root, "lib");
        write(join(lib, "lib.txt"), "library\n");
        await git(lib, "init", "-q", "-b", "main");
        await git(lib, "add", "-A");
        await git(lib, "commit", "-qm", "lib");
        const app = join(root, "app");
        const pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
        write(join(app, ".gitignore"), ".setup-done\n");
        write(join(app, ".gitattributes"), "*.bin filter=lfs diff=lfs merge=lfs -text\n");
        write(join(app, "big.bin"), pointer);
        await git(app, "init", "-q", "-b", "main");
        await git(app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "lib");
        await git(app, "add", "-A");
        await git(app, "commit", "-qm", "app");
        const appBefore = snapshot(app);

        const launched = await s.call<Launched>("launch_agent", { provider: "claude", isolation: "worktree", cwd: app, label: "special", prompt: "hello" });
        const w = launched.worktree as Worktree;
        // The files come before the agent's first turn (launch_agent itself returns at once).
        const turn = (await finishAll([launched.agent_id]))[launched.agent_id] as Finished;
        expect(readFileSync(join(w.path, "lib", "lib.txt"), "utf8")).toBe("library\n");
        expect(readFileSync(join(w.path, "big.bin"), "utf8")).toBe(pointer);
        expect(turn.is_error, turn.result).toBe(false);
        expect(turn.worktree).toMatchObject({ changed_files: 0, uncommitted: 0 });
        const killed = await s.call<{ worktree?: Worktree }>("kill_agent", { agent_id: launched.agent_id });
        expect(killed.worktree?.state).toBe("removed");
        expect(existsSync(w.path)).toBe(false);
        expect(await branches(app)).toEqual([]);
        expect(snapshot(app)).toEqual(appBefore);
        expect(await git(app, "status", "--porcelain")).toBe("");
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );

  it(
    "subagent-mcp worktrees lists the kept ones; once the server is gone (releasing a live agent's), prune keeps unmerged work until --force",
    { timeout: 240_000 },
    async () => {
      // A third agent commits its work; the user then takes that commit onto a branch of their own.
      const gammaLaunch = await s.call<Launched>("launch_agent", {
        provider: "claude",
        isolation: "worktree",
        label: "gamma",
        prompt: `[[shell:echo gamma > gamma.txt && git add gamma.txt && git -c user.name=gamma -c user.email=gamma@example.com commit -qm gamma-work]]`,
        permissions: { allow: ["Bash"] },
      });
      // A fourth one is still alive when the server ends, with a new file not committed.
      const deltaLaunch = await s.call<Launched>("launch_agent", {
        provider: "claude",
        isolation: "worktree",
        label: "delta",
        permission_mode: "acceptEdits",
        prompt: "[[edit:delta.txt|delta\n]]",
      });
      const done = await finishAll([gammaLaunch.agent_id, deltaLaunch.agent_id]);
      expect(done[gammaLaunch.agent_id]?.worktree, done[gammaLaunch.agent_id]?.result).toMatchObject({ changed_files: 1, uncommitted: 0, ahead: 1 });
      expect(done[deltaLaunch.agent_id]?.worktree, done[deltaLaunch.agent_id]?.result).toMatchObject({ changed_files: 1, uncommitted: 1, ahead: 0 });
      const killed = await s.call<{ worktree?: Worktree }>("kill_agent", { agent_id: gammaLaunch.agent_id });
      expect(killed.worktree).toMatchObject({ branch: "subagent/gamma", state: "kept", ahead: 1 });
      const gamma = killed.worktree as Worktree;
      const delta = deltaLaunch.worktree as Worktree;
      await git(repo, "branch", "reviewed", "subagent/gamma");

      const cli = (...args: string[]) => execa(process.execPath, [bin, "worktrees", ...args], { cwd: repo, env: s.serverEnv, extendEnv: false });
      const listed = JSON.parse((await cli("--json")).stdout) as Listed[];
      const byBranch = (all: Listed[], branch: string) => all.find((l) => l.record.branch === branch);
      expect(listed.map((l) => l.record.branch).sort()).toEqual(["subagent/alpha", "subagent/beta", "subagent/delta", "subagent/gamma"]);
      expect(byBranch(listed, "subagent/alpha")).toMatchObject({ live: false, unmerged: true, record: { kind: "agent", path: kept["subagent/alpha"]?.path } });
      expect(byBranch(listed, "subagent/gamma")).toMatchObject({ live: false, unmerged: false });
      expect(byBranch(listed, "subagent/delta")).toMatchObject({ live: true, unmerged: true });
      const text = (await cli()).stdout;
      expect(text).toContain("subagent/delta  [in use]");
      expect(text).toContain("subagent/alpha  [holds unmerged work]");
      // While delta's agent lives, prune leaves it alone.
      const early = JSON.parse((await cli("prune", "--dry-run", "--json")).stdout) as Pruned;
      expect(early.kept.find((k) => k.record.branch === "subagent/delta")?.reason).toBe("agent still running");
      expect(existsSync(gamma.path)).toBe(true);

      const serverPid = s.transport.pid as number;
      await s.client.close();
      expect(() => process.kill(serverPid, 0)).toThrow();
      // The server's end released delta's worktree: kept, with its work, and no longer in use.
      expect(readFileSync(join(delta.path, "delta.txt"), "utf8")).toBe("delta\n");
      expect(byBranch(JSON.parse((await cli("--json")).stdout) as Listed[], "subagent/delta")).toMatchObject({ live: false, unmerged: true });

      const pruned = JSON.parse((await cli("prune", "--json")).stdout) as Pruned;
      expect(pruned.removed.map((r) => r.branch)).toEqual(["subagent/gamma"]);
      expect(pruned.kept.map((k) => k.record.branch).sort()).toEqual(["subagent/alpha", "subagent/beta", "subagent/delta"]);
      for (const k of pruned.kept) expect(k.reason).toMatch(/^1 uncommitted change: use --force$/);
      expect(existsSync(gamma.path)).toBe(false);
      expect(await branches(repo)).toEqual(["subagent/alpha", "subagent/beta", "subagent/delta"]);
      expect(await git(repo, "log", "-1", "--format=%s", "reviewed")).toBe("gamma-work");

      const forced = JSON.parse((await cli("prune", "--force", "--json")).stdout) as Pruned;
      expect(forced.removed.map((r) => r.branch).sort()).toEqual(["subagent/alpha", "subagent/beta", "subagent/delta"]);
      expect(forced.kept).toEqual([]);
      for (const w of [...Object.values(kept), delta]) expect(existsSync(w.path)).toBe(false);
      expect(await branches(repo)).toEqual([]);
      expect(JSON.parse((await cli("--json")).stdout)).toEqual([]);
      await expectUntouched();
    },
  );
});
