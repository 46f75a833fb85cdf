import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { bin, connectServer } from "./e2e.js";
import { cli, deadPort, freshPrefix, machine, maildirNames, ONE_LINE, useRedisBed, type Machine } from "./redis-machines.js";

const PASSWORD = "s3cret-Pa55word";
const bed = useRedisBed({ password: PASSWORD });
const { started } = bed;

const withPassword = (password: string): string => bed.redis.url.replace("redis://", `redis://:${password}@`);

// Every command that opens the mailboxes, as a user types it.
const COMMANDS: [string, string[]][] = [
  ["send", ["send", "someone", "hello"]],
  ["send --wait", ["send", "someone", "hello", "--wait", "--timeout", "5"]],
  ["mail", ["mail"]],
  ["mail NAME", ["mail", "someone", "--json"]],
  ["workers", ["workers", "--json"]],
  ["worker", ["worker", "--name", "someone"]],
];

interface Run {
  what: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/**
 * Checks that every run ended with `code` (the MCP server: any but 0) and one line on stderr that
 * `expected` matches, no stack trace, nothing on stdout, no `secret`; one assertion for all, so a
 * failure shows every command that got it wrong, with what each printed.
 */
function allFail(runs: Run[], code: number, expected: RegExp, secret?: string): void {
  const summary = (r: Run, exit: number | string | undefined) => ({
    what: r.what,
    exit,
    oneClearLine: ONE_LINE.test(r.stderr) && expected.test(r.stderr) && !/\n\s+at /.test(r.stderr),
    stdout: r.stdout,
    secretShown: secret !== undefined && (r.stderr + r.stdout).includes(secret),
  });
  const server = (r: Run): boolean => r.what === "MCP server";
  const got = runs.map((r) => summary(r, server(r) && r.exitCode !== 0 ? "not 0" : r.exitCode));
  const wanted = runs.map((r) => ({ ...summary(r, server(r) ? "not 0" : code), oneClearLine: true, stdout: "", secretShown: false }));
  expect(got, runs.map((r) => `${r.what}: ${r.stderr}`).join("\n")).toEqual(wanted);
}

async function runAll(m: Machine): Promise<Run[]> {
  const runs: Run[] = [];
  for (const [what, args] of COMMANDS) {
    const r = await cli(m, args);
    runs.push({ what, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr });
  }
  // Nothing fell back to a Maildir.
  expect(maildirNames(m)).toEqual([]);
  return runs;
}

describe("a mailbox URL that does not work", { timeout: 300_000 }, () => {
  it("not a Redis URL: one line naming the variable, from every command", async () => {
    const m = await machine(started, bed.fake, "http://x", freshPrefix());
    // The MCP server too, its stdin closed at once: a config it cannot use is one line, not a trace.
    const served = await execa(process.execPath, [bin], { cwd: m.e.cwd, env: m.vars, extendEnv: false, reject: false, input: "" });
    const server = { what: "MCP server", exitCode: served.exitCode, stdout: served.stdout, stderr: served.stderr };
    allFail(
      [...(await runAll(m)), server],
      2,
      /^subagent-mcp: SUBAGENT_MCP_MAILBOX_URL: expected redis:\/\/\[user:password@\]host\[:port\]\[\/db\] or rediss:\/\/…$/,
    );
  });

  it("a wrong password (or none): one line saying the credentials were refused, the password never shown", async () => {
    const wrong = await machine(started, bed.fake, withPassword("wrongpass"), freshPrefix());
    allFail(
      await runAll(wrong),
      1,
      new RegExp(
        `^subagent-mcp: (mailbox|presence|workers) \\(Redis at 127\\.0\\.0\\.1:${bed.redis.port} \\(prefix t-[0-9a-f]+\\)\\): Redis at 127\\.0\\.0\\.1:${bed.redis.port} refused the credentials`,
      ),
      "wrongpass",
    );
    const none = await machine(started, bed.fake, bed.redis.url, freshPrefix());
    allFail(await runAll(none), 1, /refused the credentials/);
    // The right one works: the failures above were the password's.
    const right = await machine(started, bed.fake, withPassword(PASSWORD), freshPrefix());
    const sent = await cli(right, ["send", "someone", "hello"]);
    expect(sent.exitCode, sent.stderr).toBe(0);
    expect(sent.stderr).not.toContain(PASSWORD);
    const shown = await cli(right, ["mail", "someone"]);
    expect(shown.stdout).toContain("someone: 1 waiting");
  });

  it("nobody listening: one line saying Redis is unreachable at that address, from every command", async () => {
    const port = await deadPort();
    const m = await machine(started, bed.fake, `redis://127.0.0.1:${port}`, freshPrefix());
    allFail(await runAll(m), 1, new RegExp(`^subagent-mcp: .*Redis at 127\\.0\\.0\\.1:${port} is unreachable \\(is redis-server running there\\?\\)`));
  });

  it("an MCP server starts with Redis down or refusing it, and its messaging tools say why", async () => {
    const port = await deadPort();
    for (const [url, expected, secret] of [
      [`redis://127.0.0.1:${port}`, `Redis at 127.0.0.1:${port} is unreachable`, undefined],
      [withPassword("wrongpass"), `Redis at 127.0.0.1:${bed.redis.port} refused the credentials`, "wrongpass"],
    ] as const) {
      const m = await machine(started, bed.fake, url, freshPrefix());
      const served = await connectServer(m.vars, m.e.cwd, "down-host");
      try {
        const tools = await served.client.listTools();
        expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["send_to", "inbox", "wait_inbox", "reply", "launch_agent"]));
        for (const [tool, args] of [
          ["inbox", {}],
          ["send_to", { to: "someone", message: "hello" }],
        ] as const) {
          const got = await served.client.callTool({ name: tool, arguments: args });
          expect(got.isError, `${tool}: ${JSON.stringify(got.content)}`).toBe(true);
          expect(JSON.stringify(got.content)).toContain(expected);
          if (secret !== undefined) expect(JSON.stringify(got.content)).not.toContain(secret);
        }
        // Still serving: another tool answers.
        expect(await served.call<{ agents: unknown[] }>("list_agents")).toMatchObject({ agents: [] });
        if (secret !== undefined) expect(served.stderr()).not.toContain(secret);
      } finally {
        await served.close();
      }
    }
  });
});
