import { homedir } from "node:os";
import { AcpDriver, checkCompat, createDrivers, describeCompat, handshakeFindings, startsMcpServers, type CliDriver } from "@subagent-mcp/drivers";
import { HOSTS, type Host } from "@subagent-mcp/hosts";
import type { EffectiveConfig } from "@subagent-mcp/config";
import { createSandbox } from "@subagent-mcp/sandbox";
import { configOrFail, providerOrFail } from "../config.js";
import { defineCommand } from "citty";
import { appHostLines } from "./app-hosts.js";
import { installedLine } from "./install-state.js";
import { runOneTurn, turnLine } from "./doctor-run.js";
import { printMcpCatalog } from "./doctor-mcp.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { Provider } from "@subagent-mcp/contract";

/**
 * `subagent-mcp doctor`: per host, whether it is found, its version against the compatibility
 * table, our entries, and a live handshake; `--run` adds one real turn with the user's own login.
 */
export const doctorCommand = defineCommand({
  meta: { name: "doctor", description: "Check each agent CLI: found, version, subagent-mcp registered, and a real protocol handshake (no model call)." },
  args: {
    run: { type: "boolean", description: "Also run one real turn per CLI with its own login (a tiny prompt; costs one request)" },
    host: { type: "string", description: "Only this provider: claude, codex, gemini, or a configured ACP agent (qwen, opencode, ...)" },
    mcp: {
      type: "boolean",
      description: "Instead, list your own MCP servers that sub-agents can be handed, per host, and the entries left out (secrets hidden)",
    },
  },
  async run({ args }) {
    if (args.mcp === true) return printMcpCatalog();
    const config = configOrFail({ cwd: process.cwd(), env: process.env });
    const hosts = args.host === undefined ? config.providerNames : [providerOrFail(config, args.host, "--host")];
    let problems = sandboxLine(config);
    for (const host of hosts) problems += await checkHost(host, args.run === true, config);
    // Apps (Claude Desktop) have no CLI to check: whether they are there and register us.
    if (args.host === undefined) for (const line of appHostLines({ home: process.env.HOME ?? homedir(), env: process.env })) process.stdout.write(`${line}\n`);
    if (problems > 0) process.exitCode = 1;
  },
});

// What keeps our secrets from the agents' CLIs (their handshakes below run inside it); a problem
// only when the setting requires a sandbox and there is none.
function sandboxLine(config: EffectiveConfig): number {
  const status = createSandbox(config).status();
  const held =
    status.kind === "none"
      ? `sandbox: NONE (${status.reason ?? "unknown"}): the fleet key, your config's secrets and our state are kept from sub-agents by permission rules only`
      : `sandbox: ${status.kind}${status.executable === undefined ? "" : ` (${status.executable})`}: sub-agents' CLIs run where the fleet key, your config's secrets and our private state do not exist`;
  process.stdout.write(`${held}\n`);
  return config.sandbox === "required" && status.kind === "none" ? 1 : 0;
}

// One host's lines; resolves with how many problems it found (a missing CLI is none: not everyone has all three).
async function checkHost(host: Provider, run: boolean, config: EffectiveConfig): Promise<number> {
  const ctx = { home: process.env.HOME ?? homedir(), env: process.env };
  // The driver knows its CLI: where it is, how to start it, and which exchange proves it answers.
  const driver = createDrivers(config, createSandbox(config))[host] as CliDriver;
  const found = await driver.describe().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  if (found instanceof Error) {
    process.stdout.write(`${host}: not found (${found.message})\n`);
    return 0;
  }
  let problems = 0;
  // How we are installed there (setup, plugin, both); an ACP agent that is also a host (Qwen Code, OpenCode) too.
  const installed = isHost(host) ? installedLine(host, ctx) : undefined;
  const compat = checkCompat(host, found.version);
  if (compat.status === "incompatible") problems += 1;
  let shake: string;
  let missing: string[] = [];
  let takesServers = true;
  try {
    const { ms, answer } = await driver.handshakeAnswer();
    shake = `handshake ok in ${ms} ms`;
    missing = handshakeFindings(host, answer).missing;
    const acp = acpCapabilities(answer);
    if (acp !== undefined) shake += `; ${acp}`;
    // An ACP agent may ignore the MCP servers session/new hands it: then its sub-agents cannot message.
    // A probe that failed (the agent errored before the probe's server started) tells nothing either way.
    if (driver instanceof AcpDriver) {
      const probed = await startsMcpServers(driver).catch((error: unknown) => errorMessage(error));
      takesServers = probed !== false;
      if (typeof probed === "string") shake += `; could not tell whether it starts the MCP servers given in session/new (${probed})`;
      else
        shake += probed
          ? "; starts the MCP servers given in session/new"
          : "; IGNORES the MCP servers given in session/new: its sub-agents get no messaging tools";
    }
  } catch (error) {
    problems += 1;
    shake = `handshake FAILED: ${errorMessage(error)}`;
  }
  const lines = [
    `${host}: ${found.executable}`,
    `  version: ${found.version}`,
    ...(installed === undefined ? [] : [`  ${installed}`]),
    `  ${shake}`,
    `  nesting: ${nestingLine(driver, takesServers)}`,
    `  compatibility: ${describeCompat(host, compat)}`,
    ...(missing.length === 0 ? [] : [`  handshake says unsupported: ${missing.join(", ")}`]),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (run && compat.status !== "incompatible") {
    const turn = await runOneTurn(driver);
    if (!turn.ok) problems += 1;
    process.stdout.write(`  ${turnLine(turn)}\n`);
  }
  return problems;
}

// How a sub-agent on this CLI reaches the server that launched it: each CLI's own way of replacing,
// for one session, the user's entry of ours (which would start a server process of its own).
function nestingLine(driver: CliDriver, takesServers: boolean): string {
  const reach = "its sub-agents reach the server that launched them over loopback (a token per agent), no server process of their own";
  if (driver.provider === "claude") return `${reach}: each session is handed our entry by name (--mcp-config), in place of yours`;
  if (driver.provider === "codex") return `${reach}: each thread switches your entry off and is handed ours (thread config)`;
  if (takesServers) return `${reach}: each session is handed our entry by name (ACP session/new), in place of yours`;
  return "its sub-agents cannot be handed our tools (it ignores session/new's MCP servers): one that loads your entry of ours starts a subagent-mcp server of its own";
}

function isHost(name: string): name is Host {
  return (HOSTS as string[]).includes(name);
}

// What an ACP agent's initialize answer says it can do, in one phrase (undefined for other protocols).
function acpCapabilities(answer: unknown): string | undefined {
  const result = (answer as { result?: { agentInfo?: { name?: string }; agentCapabilities?: Record<string, unknown> } } | undefined)?.result;
  const caps = result?.agentCapabilities;
  if (caps === undefined) return undefined;
  const mcp = (caps.mcpCapabilities ?? {}) as { http?: boolean; sse?: boolean };
  const transports = ["stdio", ...(mcp.http === true ? ["http"] : []), ...(mcp.sse === true ? ["sse"] : [])].join("/");
  return `ACP agent ${result?.agentInfo?.name ?? "?"}: session/load ${caps.loadSession === true ? "yes" : "no (no resume)"}, MCP servers over ${transports}`;
}
