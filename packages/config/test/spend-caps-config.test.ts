import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/index.js";

// A temporary HOME and project with the given user and project config files.
function load(user: object | undefined, project?: object) {
  const root = mkdtempSync(join(tmpdir(), "spend-caps-"));
  const base = { HOME: root, XDG_CONFIG_HOME: join(root, "config"), XDG_STATE_HOME: join(root, "state") };
  const cwd = join(root, "project");
  mkdirSync(join(cwd, ".subagent-mcp"), { recursive: true });
  mkdirSync(join(base.XDG_CONFIG_HOME, "subagent-mcp"), { recursive: true });
  if (user !== undefined) writeFileSync(join(base.XDG_CONFIG_HOME, "subagent-mcp", "config.json"), JSON.stringify(user));
  if (project !== undefined) writeFileSync(join(cwd, ".subagent-mcp", "config.json"), JSON.stringify(project));
  return loadConfig({ cwd, env: base, warn: () => undefined });
}

describe("spend_caps", () => {
  it("are kept by provider and provider/model", () => {
    const caps = { claude: { day_usd: 5, week_usd: 20 }, "codex/gpt-5.5": { day_turns: 200 } };
    expect(load({ spend_caps: caps }).spend_caps).toEqual(caps);
    expect(load(undefined).spend_caps).toBeUndefined();
  });

  it("a project's only tighten the user's", () => {
    const config = load(
      { spend_caps: { claude: { day_usd: 5, week_turns: 10 } } },
      { spend_caps: { claude: { day_usd: 50, day_turns: 3 }, codex: { day_usd: 1 } } },
    );
    expect(config.spend_caps).toEqual({ claude: { day_usd: 5, week_turns: 10, day_turns: 3 }, codex: { day_usd: 1 } });
  });

  it("a negative amount, a fractional turn count or an unknown limit is a config error naming the field", () => {
    expect(() => load({ spend_caps: { claude: { day_usd: -1 } } })).toThrow(/spend_caps\.claude\.day_usd/);
    expect(() => load({ spend_caps: { claude: { week_turns: 1.5 } } })).toThrow(/spend_caps\.claude\.week_turns/);
    expect(() => load({ spend_caps: { claude: { month_usd: 1 } } })).toThrow(/spend_caps\.claude/);
  });

  it("an unknown provider is a config error naming the field", () => {
    expect(() => load({ spend_caps: { clade: { day_usd: 1 } } })).toThrow(/spend_caps\.clade: unknown provider "clade"/);
    expect(() => load(undefined, { spend_caps: { "nope/model-1": { day_turns: 1 } } })).toThrow(/spend_caps\.nope\/model-1: unknown provider "nope"/);
  });
});
