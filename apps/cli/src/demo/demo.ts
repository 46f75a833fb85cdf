import { defineCommand } from "citty";
import type { CliName } from "@subagent-mcp/testkit";
import { CLI_INFO, findClis } from "./demo-clis.js";
import { cliLines, stepLine, summaryLines, type DemoReport, type StepOutcome } from "./demo-report.js";
import { openSession, type DemoSession } from "./demo-session.js";
import { demoSteps, type DemoStep } from "./demo-steps.js";
import { errorMessage } from "@subagent-mcp/errors";

// Runs one step and times it; a failed step is recorded, not thrown.
async function timed(name: string, run: () => Promise<string>, print: (step: StepOutcome) => void): Promise<StepOutcome> {
  const started = performance.now();
  let outcome: StepOutcome;
  try {
    outcome = { name, ok: true, ms: performance.now() - started, detail: await run() };
    outcome.ms = performance.now() - started;
  } catch (error) {
    outcome = { name, ok: false, ms: performance.now() - started, detail: errorMessage(error) };
  }
  print(outcome);
  return outcome;
}

// Kills the agents still alive and stops the server, the fakes and the temporary folders.
async function cleanUp(session: DemoSession | undefined, launched: string[]): Promise<void> {
  if (session === undefined) return;
  if (session.client !== undefined) await Promise.all(launched.map((id) => session.call("kill_agent", { agent_id: id }).catch(() => undefined)));
  await session.close();
}

/**
 * `subagent-mcp demo [--json]`: the real Claude Code, Codex and Gemini CLI against local fake
 * models on 127.0.0.1, driven through this MCP server as an orchestrator would, in a temporary HOME.
 */
export const demoCommand = defineCommand({
  meta: {
    name: "demo",
    description: "Show what subagent-mcp does, with no login and no network: real CLIs against local fake models on 127.0.0.1",
  },
  args: { json: { type: "boolean", description: "Print the steps as JSON" } },
  async run({ args }) {
    const json = args.json === true;
    const out = (line: string): void => {
      if (!json) process.stdout.write(`${line}\n`);
    };
    const clis = findClis();
    const present = clis.filter((c): c is Extract<typeof c, { path: string }> => c.source !== "missing");
    out("subagent-mcp demo: real agent CLIs against local fake models on 127.0.0.1, in a temporary HOME (your own config is not touched).");
    for (const line of cliLines(clis)) out(line);
    if (present.length === 0) {
      const hint = `no agent CLI found. Install one, then run the demo again:\n${(Object.keys(CLI_INFO) as CliName[]).map((c) => `  ${CLI_INFO[c].install}`).join("\n")}`;
      if (json) process.stdout.write(`${JSON.stringify({ ok: false, clis, steps: [], total_ms: 0, failed: ["find an agent CLI"], error: hint }, null, 2)}\n`);
      else process.stderr.write(`subagent-mcp: ${hint}\n`);
      process.exit(1);
    }
    out("");
    const started = performance.now();
    const launched: string[] = [];
    const steps: StepOutcome[] = [];
    let session: DemoSession | undefined;
    const state = { stopping: false };
    const print = (step: StepOutcome): void => {
      if (!state.stopping) out(stepLine(step));
    };
    // Ctrl-C (or a kill) still removes everything the demo started.
    const onSignal = (signal: NodeJS.Signals): void => {
      if (state.stopping) return;
      state.stopping = true;
      process.stderr.write(`\nsubagent-mcp demo: ${signal}, cleaning up\n`);
      void cleanUp(session, launched).finally(() => process.exit(130));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      steps.push(
        await timed(
          "start local model servers",
          async () => {
            session = await openSession(present);
            return Object.entries(session.fakes)
              .map(([cli, fake]) => `${cli} ${fake.url.replace("http://", "")}`)
              .join(", ");
          },
          print,
        ),
      );
      if (session !== undefined) {
        const s: DemoSession = session;
        steps.push(
          await timed(
            "start the MCP server",
            async () => {
              await s.connect();
              return `subagent-mcp on stdio, project ${s.env.cwd}`;
            },
            print,
          ),
        );
        const after: DemoStep[] = s.client === undefined ? [] : demoSteps(launched);
        for (const step of after) {
          if (state.stopping) break;
          steps.push(await timed(step.name, () => step.run(s), print));
        }
      }
    } finally {
      if (!state.stopping) await cleanUp(session, launched);
    }
    if (state.stopping) return;
    const failed = steps.filter((s) => !s.ok).map((s) => s.name);
    const report: DemoReport = { ok: failed.length === 0, clis, steps, total_ms: Math.round(performance.now() - started), failed };
    for (const step of report.steps) step.ms = Math.round(step.ms);
    if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    for (const line of summaryLines(report)) out(line);
    process.exit(report.ok ? 0 : 1);
  },
});
