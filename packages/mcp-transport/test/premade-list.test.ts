import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { listedSchemas } from "../src/index.js";
import { listFromPremade } from "../src/premade-list.js";

// Two tools as ours are registered: schemas from module constants, a description that may vary.
const Input = { agent_id: z.string().min(1).describe("The agent."), limit: z.number().int().max(5).optional() };
const Output = { status: z.enum(["running", "idle"]), turns: z.number() };

function serverWith(options: { description?: string; withOutput?: boolean; extra?: boolean } = {}): McpServer {
  const server = new McpServer({ name: "t", version: "1" });
  server.registerTool(
    "poll",
    {
      title: "Poll",
      description: options.description ?? "Polls.",
      inputSchema: Input,
      ...(options.withOutput === false ? {} : { outputSchema: Output }),
      annotations: { readOnlyHint: true },
    },
    () => ({ content: [] }),
  );
  server.registerTool("kill", { title: "Kill", description: "Kills.", inputSchema: { agent_id: z.string() } }, () => ({ content: [] }));
  if (options.extra === true) server.registerTool("later", { title: "Later", inputSchema: { x: z.boolean() } }, () => ({ content: [] }));
  return server;
}

// tools/list as a client receives it, byte for byte.
async function listed(server: McpServer): Promise<string> {
  const [a, b] = InMemoryTransport.createLinkedPair();
  let raw = "";
  const send = a.send.bind(a);
  a.send = async (message, options) => {
    if ("result" in message && Array.isArray((message.result as { tools?: unknown }).tools)) raw = JSON.stringify(message.result);
    await send(message, options);
  };
  await server.connect(a);
  const client = new Client({ name: "c", version: "1" });
  await client.connect(b);
  await client.listTools();
  await client.close();
  return raw;
}

describe("tools/list from the build's JSON Schemas", () => {
  it("answers byte for byte as the SDK does, descriptions as registered now", async () => {
    const made = JSON.stringify(await listedSchemas(serverWith()));
    const sdk = await listed(serverWith({ description: "Polls agent-1234." }));
    const premade = serverWith({ description: "Polls agent-1234." });
    listFromPremade(premade, made);
    expect(await listed(premade)).toBe(sdk);
    expect(sdk).toContain("Polls agent-1234.");
  });

  it("takes the schemas from the build, converting nothing", async () => {
    const made = await listedSchemas(serverWith());
    const poll = made["poll\nPoll"] as { inputSchema: Record<string, unknown> };
    poll.inputSchema["x-made"] = true;
    const premade = serverWith();
    listFromPremade(premade, JSON.stringify(made));
    expect(await listed(premade)).toContain('"x-made":true');
  });

  it("leaves the output schema out for a tool registered without one", async () => {
    const made = JSON.stringify(await listedSchemas(serverWith()));
    const premade = serverWith({ withOutput: false });
    listFromPremade(premade, made);
    expect(await listed(premade)).toBe(await listed(serverWith({ withOutput: false })));
  });

  it("lets the SDK convert when a tool was not in the build", async () => {
    const made = JSON.stringify(await listedSchemas(serverWith()));
    const premade = serverWith({ extra: true });
    listFromPremade(premade, made);
    const answer = await listed(premade);
    expect(answer).toBe(await listed(serverWith({ extra: true })));
    expect(answer).toContain('"later"');
  });
});
