import { describe, expect, it } from "vitest";
import { loopbackEnv, startOpenAIFake } from "../src/index.js";

describe("loopbackEnv", () => {
  it("refuses a model URL that is not loopback", async () => {
    await expect(loopbackEnv("claude", { url: "http://10.0.0.1:1234" })).rejects.toThrow(/non-loopback/);
    await expect(loopbackEnv("codex", { url: "https://api.openai.com" })).rejects.toThrow(/non-loopback/);
  });

  it("builds a fresh HOME with telemetry off and inherits no secrets", async () => {
    process.env.ANTHROPIC_API_KEY_LEAK_CHECK = "secret";
    const fake = await startOpenAIFake();
    const env = await loopbackEnv("codex", fake);
    try {
      expect(env.env.HOME).toBe(env.home);
      expect(env.env.ANTHROPIC_API_KEY_LEAK_CHECK).toBeUndefined();
      const { readFileSync } = await import("node:fs");
      const config = readFileSync(`${env.env.CODEX_HOME ?? ""}/config.toml`, "utf8");
      expect(config).toContain("plugins = false");
      expect(config).toContain(`base_url = "${fake.url}/v1"`);
    } finally {
      await env.cleanup();
      await fake.stop();
    }
  });
});
