import { describe, expect, it } from "vitest";
import { acpMcpServers, modelChoice, modelId, type SessionSetup } from "../src/acp/acp-wire.js";

// The model option as OpenCode and Qwen Code list it in session/new (trimmed to what is read).
const setup = (currentValue: string, options: { value: string; name: string }[]): SessionSetup => ({
  configOptions: [{ id: "model", name: "Model", category: "model", type: "select", currentValue, options }],
});
const opencode = setup("fake/fake-model", [
  { value: "fake/fake-model", name: "Fake/Fake Model" },
  { value: "fake/other", name: "Fake/Other" },
]);
const qwen = setup("$runtime|openai-responses|fake-qwen(openai)", [{ value: "$runtime|openai-responses|fake-qwen(openai)", name: "fake-qwen" }]);

describe("an ACP session's model option", () => {
  it("names the model by its id, or by its display name where the id is an internal composite", () => {
    expect(modelId(opencode)).toBe("fake/fake-model");
    expect(modelId(qwen)).toBe("fake-qwen");
    expect(modelId({})).toBeUndefined();
  });

  it("chooses by id or display name, and lists the models it offers otherwise", () => {
    expect(modelChoice(opencode, "fake/other")).toEqual({ configId: "model", value: "fake/other", name: "Fake/Other" });
    expect(modelChoice(qwen, "fake-qwen")).toMatchObject({ value: "$runtime|openai-responses|fake-qwen(openai)" });
    expect(modelChoice(opencode, "nosuch")).toEqual({ offered: ["fake/fake-model", "fake/other"] });
    expect(modelChoice({}, "x")).toEqual({ offered: [] });
  });
});

describe("an ACP session's MCP servers", () => {
  const servers = {
    cwd: "/tmp",
    mcpServers: [
      { name: "notes", command: "node", args: ["notes.cjs"], env: { NOTES_VALUE: "secret-xyz" } },
      { name: "remote", url: "http://127.0.0.1:9/mcp", headers: { Authorization: "Bearer tok" } },
    ],
  };
  const http = { agentCapabilities: { mcpCapabilities: { http: true } } };

  it("gives env and headers as name/value pairs to an agent that takes HTTP servers", () => {
    expect(acpMcpServers(servers, http, "qwen")).toEqual([
      { name: "notes", command: "node", args: ["notes.cjs"], env: [{ name: "NOTES_VALUE", value: "secret-xyz" }] },
      { type: "http", name: "remote", url: "http://127.0.0.1:9/mcp", headers: [{ name: "Authorization", value: "Bearer tok" }] },
    ]);
  });

  it("refuses, naming it, an HTTP server to an agent whose initialize answer does not take them", () => {
    for (const init of [{}, { agentCapabilities: {} }, { agentCapabilities: { mcpCapabilities: { http: false, sse: true } } }])
      expect(() => acpMcpServers(servers, init, "opencode")).toThrow("opencode takes only stdio MCP servers: remote is HTTP");
    expect(acpMcpServers({ cwd: "/tmp", mcpServers: [servers.mcpServers[0] as never] }, {}, "opencode")).toHaveLength(1);
  });
});
