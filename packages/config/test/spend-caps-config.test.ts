import { describe, expect, it } from "vitest";
import { loadWith } from "./config-files.js";

describe("spend_caps", () => {
  it("are kept by provider and provider/model", () => {
    const caps = { claude: { day_usd: 5, week_usd: 20 }, "codex/gpt-5.5": { day_turns: 200 } };
    expect(loadWith({ spend_caps: caps }).spend_caps).toEqual(caps);
    expect(loadWith(undefined).spend_caps).toBeUndefined();
  });

  it("a project's only tighten the user's", () => {
    const config = loadWith(
      { spend_caps: { claude: { day_usd: 5, week_turns: 10 } } },
      { spend_caps: { claude: { day_usd: 50, day_turns: 3 }, codex: { day_usd: 1 } } },
    );
    expect(config.spend_caps).toEqual({ claude: { day_usd: 5, week_turns: 10, day_turns: 3 }, codex: { day_usd: 1 } });
  });

  it("a negative amount, a fractional turn count or an unknown limit is a config error naming the field", () => {
    expect(() => loadWith({ spend_caps: { claude: { day_usd: -1 } } })).toThrow(/spend_caps\.claude\.day_usd/);
    expect(() => loadWith({ spend_caps: { claude: { week_turns: 1.5 } } })).toThrow(/spend_caps\.claude\.week_turns/);
    expect(() => loadWith({ spend_caps: { claude: { month_usd: 1 } } })).toThrow(/spend_caps\.claude/);
  });

  it("an unknown provider is a config error naming the field", () => {
    expect(() => loadWith({ spend_caps: { clade: { day_usd: 1 } } })).toThrow(/config\.json: spend_caps\.clade: unknown provider "clade"/);
    expect(() => loadWith(undefined, { spend_caps: { "nope/model-1": { day_turns: 1 } } })).toThrow(
      /\.subagent-mcp\/config\.json: spend_caps\.nope\/model-1: unknown provider "nope"/,
    );
  });
});
