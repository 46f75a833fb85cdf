import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import {
  CLI_VERSION_NAMES,
  cliExecutable,
  cliVersionName,
  installedCliVersion,
  locateCli,
  loopbackEnv,
  startFakeFor,
  testPathVar,
  type CliName,
} from "../src/index.js";

const CLIS: CliName[] = ["claude", "codex", "gemini", "opencode"];

afterEach(() => {
  delete process.env.SUBAGENT_MCP_TEST_CODEX_PATH;
});

describe("locating a CLI by version", () => {
  it("finds every installed version of every CLI, each reporting its own release", async () => {
    for (const cli of CLIS) {
      const fake = await startFakeFor(cli);
      const env = await loopbackEnv(cli, fake);
      const releases = new Set<string>();
      for (const name of CLI_VERSION_NAMES) {
        const found = locateCli(cli, name);
        const release = installedCliVersion(cli, name);
        releases.add(release);
        const out = await execa(found.command, [...found.args, "--version"], { env: env.env, extendEnv: false, reject: false });
        expect(out.stdout, `${cli} ${name}`).toContain(release);
      }
      expect(releases.size, `${cli}: the versions of the matrix differ`).toBe(CLI_VERSION_NAMES.length);
      await fake.stop();
      await env.cleanup();
    }
  });

  it("takes the version from SUBAGENT_MCP_TEST_CLI_VERSION and refuses an unknown one", () => {
    expect(cliVersionName({})).toBe("pinned");
    expect(cliVersionName({ SUBAGENT_MCP_TEST_CLI_VERSION: "prev" })).toBe("prev");
    expect(() => cliVersionName({ SUBAGENT_MCP_TEST_CLI_VERSION: "ancient" })).toThrow('must be pinned or prev (got "ancient")');
  });

  it("an executable named by SUBAGENT_MCP_TEST_<CLI>_PATH wins, a script running under this Node", () => {
    const other = cliExecutable("codex", "prev");
    process.env[testPathVar("codex")] = other;
    expect(locateCli("codex")).toEqual({ command: other, args: [] });
    const script = cliExecutable("gemini");
    process.env[testPathVar("codex")] = script;
    expect(locateCli("codex")).toEqual({ command: process.execPath, args: [script] });
    process.env[testPathVar("codex")] = "/nonexistent/codex";
    expect(() => locateCli("codex")).toThrow("codex: pinned binary not found at /nonexistent/codex");
  });
});
