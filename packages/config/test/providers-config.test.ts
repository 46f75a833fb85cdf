import { describe, expect, it } from "vitest";
import { loadSaying as load } from "./config-files.js";

describe("providers in the config", () => {
  it("has the built-in providers and the presets with no config at all", () => {
    const { config } = load(undefined, undefined);
    expect(config.providerNames).toEqual(["claude", "codex", "gemini", "qwen", "opencode"]);
    expect(config.agents.get("qwen")).toMatchObject({ command: "qwen", args: ["--acp"] });
  });

  it("takes a new ACP agent in three lines, and its cap", () => {
    const { config } = load({ providers: { goose: { command: "goose", args: ["acp"], cap: 2 } } }, undefined);
    expect(config.providerNames).toContain("goose");
    expect(config.agents.get("goose")).toMatchObject({ command: "goose", args: ["acp"], env: {} });
    expect(config.caps?.goose).toBe(2);
  });

  it("lets an entry for a preset give only args and env", () => {
    const { config } = load({ providers: { qwen: { env: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" } } } }, undefined);
    expect(config.agents.get("qwen")).toMatchObject({ command: "qwen", args: ["--acp"], env: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" } });
  });

  it("caps: the caps section over a provider's own cap, the environment over both", () => {
    expect(load({ providers: { goose: { command: "goose", cap: 2 } }, caps: { goose: 3 } }, undefined).config.caps?.goose).toBe(3);
    expect(load({ providers: { "my-agent": { command: "x" } } }, undefined, { SUBAGENT_MCP_CAP_MY_AGENT: "4" }).config.caps?.["my-agent"]).toBe(4);
  });

  it("refuses a new name without a command, a built-in name, and a bad name, naming the key", () => {
    expect(() => load({ providers: { goose: { args: ["acp"] } } }, undefined)).toThrow(/providers\.goose: "command" is required/);
    expect(() => load({ providers: { gemini: { command: "gemini" } } }, undefined)).toThrow(/providers\.gemini: gemini is built in/);
    expect(() => load({ providers: { "Bad Name": { command: "x" } } }, undefined)).toThrow(/providers\.Bad Name/);
    expect(() => load({ providers: { goose: { command: "goose", unknown: 1 } } }, undefined)).toThrow(/providers\.goose/);
  });

  it("an unknown provider in caps, executables or the routing table is an error that names the configured ones", () => {
    expect(() => load({ caps: { nosuch: 2 } }, undefined)).toThrow(
      /unknown provider "nosuch"; the configured providers are claude, codex, gemini, qwen, opencode/,
    );
    expect(() => load({ routing: { table: { coding: { performance: [{ provider: "goose", model: "m" }] } } } }, undefined)).toThrow(/unknown provider "goose"/);
    const routed = load(
      { providers: { goose: { command: "goose" } }, routing: { table: { coding: { performance: [{ provider: "goose", model: "m" }] } } } },
      undefined,
    );
    expect(routed.config.routingTable.coding.performance[0]).toEqual({ provider: "goose", model: "m" });
  });

  it("a project's provider entry waits for trust: it chooses what runs", () => {
    const { config, said } = load(undefined, { providers: { evil: { command: "/tmp/evil", args: ["acp"] } } });
    expect(config.providerNames).not.toContain("evil");
    expect(config.ignored).toEqual(["providers.evil"]);
    expect(said.join("\n")).toContain("providers.evil (/tmp/evil acp)");
  });
});
