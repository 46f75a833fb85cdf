import { CLI_PACKAGES, CLI_VERSION_NAMES, installedCliVersion, locateCli, loopbackEnv, startFakeFor } from "@subagent-mcp/testkit";
import { describe, expect, it } from "vitest";
import { checkCompat, compareReleases, compatTable, describeCompat, acpAgents, driverFor, handshakeFindings, parseRelease } from "../src/index.js";
import { BUILTIN_PROVIDERS } from "@subagent-mcp/contract";

describe("release comparison", () => {
  it("compares numerically, part by part", () => {
    expect(compareReleases("2.1.330", "2.1.310")).toBeGreaterThan(0);
    expect(compareReleases("0.9.0", "0.10.0")).toBeLessThan(0);
    expect(compareReleases("1.0.0", "1.0.0")).toBe(0);
    expect(compareReleases("1.2.3", "1.10.0")).toBeLessThan(0);
  });

  it("finds the release in each CLI's --version line", () => {
    expect(parseRelease("2.1.330 (Claude Code)")).toBe("2.1.330");
    expect(parseRelease("codex-cli 0.169.0")).toBe("0.169.0");
    expect(parseRelease("0.61.0")).toBe("0.61.0");
    expect(parseRelease("?")).toBeUndefined();
  });
});

describe("the compatibility table", () => {
  it("lists as tested exactly the releases the testkit installs, for every CLI", () => {
    for (const provider of [...BUILTIN_PROVIDERS, "qwen", "opencode"] as const) {
      const installed = CLI_VERSION_NAMES.map((name) => installedCliVersion(provider, name)).sort(compareReleases);
      expect(compatTable(provider)?.tested).toEqual(installed);
      expect(CLI_PACKAGES[provider].pinned).toBe(compatTable(provider)?.package);
    }
  });

  it("says tested, newer, older or incompatible, with a reason and a fix where something is wrong", () => {
    expect(checkCompat("claude", "2.1.330 (Claude Code)")).toEqual({ status: "tested", version: "2.1.330" });
    expect(checkCompat("claude", "2.1.320")).toEqual({ status: "tested", version: "2.1.320" });
    expect(checkCompat("codex", "codex-cli 0.170.0").status).toBe("newer");
    expect(checkCompat("gemini", "0.45.0").status).toBe("older");
    const old = checkCompat("codex", "codex-cli 0.50.0");
    expect(old.status).toBe("incompatible");
    expect(old.reason).toContain("thread/start");
    expect(old.fix).toContain("@openai/codex@latest");
    expect(checkCompat("gemini", "0.30.0").status).toBe("incompatible");
    expect(checkCompat("claude", "1.0.100").status).toBe("incompatible");
    expect(checkCompat("claude", "garbled").status).toBe("unknown");
  });

  it("names the features an older release lacks while the rest works", () => {
    const result = checkCompat("codex", "0.90.0");
    expect(result).toMatchObject({ status: "older", features: ["deny-reason"] });
    expect(describeCompat("codex", result)).toContain("unsupported here: deny-reason");
    expect(checkCompat("claude", "2.0.0")).toMatchObject({ status: "older", features: ["effort", "builtin-tools"] });
  });

  // One case per CLI, each with its own time: a busy machine starts each CLI twice (two releases) twice.
  it.each([...BUILTIN_PROVIDERS, "qwen", "opencode"] as const)(
    "reads the release and capabilities from %s's real handshake answers",
    { timeout: 300_000 },
    async (provider) => {
      const fake = await startFakeFor(provider);
      const env = await loopbackEnv(provider, fake);
      try {
        for (const name of CLI_VERSION_NAMES) {
          const found = locateCli(provider, name);
          const driver = driverFor(provider, { executable: found.command, executableArgs: found.args, env: env.env, extendEnv: false }, acpAgents());
          const described = await driver.describe();
          expect(checkCompat(provider, described.version).status, `${provider} ${name}`).toBe("tested");
          // A guard, not a target: a busy machine slows OpenCode's start several times over.
          const { answer } = await driver.handshakeAnswer(75_000);
          const findings = handshakeFindings(provider, answer);
          expect(findings.missing).toEqual([]);
          if (provider !== "claude") expect(findings.version).toBe(installedCliVersion(provider, name));
        }
      } finally {
        await fake.stop();
        await env.cleanup();
      }
    },
  );
});
