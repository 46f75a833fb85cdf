import { join } from "node:path";
import { BudgetSchema, standing, type Budget } from "@subagent-mcp/core";
import { SafeName } from "@subagent-mcp/mailbox";
import { turnCost, type PriceTable } from "@subagent-mcp/usage";
import { effectiveBudget, readStatus, spentFrom, WorkerFiles, writeBudgetFile } from "@subagent-mcp/worker";
import { defineCommand } from "citty";
import { configOrFail } from "../config.js";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { stateLayout, workerLayout } from "@subagent-mcp/state";
import { errorMessage } from "@subagent-mcp/errors";

const LIMIT_FLAGS = [
  { key: "max_cost_usd", flag: "usd", whole: false },
  { key: "max_tokens", flag: "tokens", whole: true },
  { key: "max_turns", flag: "turns", whole: true },
  { key: "max_seconds", flag: "seconds", whole: false },
] as const;

/** Limits from flags (`prefix` "budget-" for the worker's own: --budget-usd ...); undefined when none is given. */
export function budgetFlags(args: Record<string, unknown>, prefix = ""): Budget | undefined {
  const budget: Record<string, number> = {};
  for (const { key, flag, whole } of LIMIT_FLAGS) {
    const raw = args[`${prefix}${flag}`];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n)))
      fail(`--${prefix}${flag} must be a positive ${whole ? "whole " : ""}number (got "${typeof raw === "string" ? raw : JSON.stringify(raw)}")`);
    budget[key] = n;
  }
  if (Object.keys(budget).length === 0) return undefined;
  return BudgetSchema.parse(budget);
}

function shown(budget: Budget | undefined): string {
  const entries = Object.entries(budget ?? {});
  return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k} ${String(v)}`).join(", ");
}

let ran = false;

/** True once the budget command ran: its parent, `worker`, then has nothing to do (citty runs both). */
export function budgetCommandRan(): boolean {
  return ran;
}

/** `subagent-mcp worker budget NAME [--usd N] [--tokens N] [--turns N] [--seconds N]`: raise (or show) a worker's budget. */
export const workerBudgetCommand = defineCommand({
  meta: {
    name: "budget",
    description: "Raise a worker's budget (written to its budget.json, which wins over its flags, definition and config); without limits, show it",
  },
  args: {
    name: { type: "positional", description: "The worker's mailbox name", required: true },
    usd: { type: "string", description: "Most USD it may spend over its life" },
    tokens: { type: "string", description: "Most tokens (input + output + cache writes) over its life" },
    turns: { type: "string", description: "Most turns over its life" },
    seconds: { type: "string", description: "Most seconds of turns over its life" },
    json: { type: "boolean", description: "Print JSON" },
  },
  run({ args }) {
    ran = true;
    const name = SafeName.safeParse(args.name);
    if (!name.success) fail(`worker name: ${name.error.issues[0]?.message ?? "invalid"} (got "${args.name}")`);
    const ctx = cliContext();
    const prices: PriceTable | undefined = configOrFail(ctx).prices;
    const files = new WorkerFiles(join(stateLayout(ctx.stateDir).workers, name.data));
    const raise = budgetFlags(args);
    const status = readStatus(files.dir);
    let file: Budget | undefined;
    if (raise !== undefined) {
      try {
        file = writeBudgetFile(files.dir, raise);
      } catch (error) {
        fail(`cannot write ${workerLayout(files.dir).budget}: ${errorMessage(error)}`);
      }
    }
    // The worker's budget as it last said, with the new limits over it.
    const budget = effectiveBudget(status?.budget, file);
    const turns = files.turns();
    const provider = turns.at(-1)?.provider ?? "claude";
    const spent = spentFrom(turns, turnCost(prices), { provider });
    const { warnings, exceeded } = standing(budget, spent);
    if (args.json === true) {
      const out = {
        name: name.data,
        budget: budget ?? null,
        spent,
        exceeded: exceeded ?? null,
        warnings,
        paused: status?.paused ?? null,
        file: raise === undefined ? null : file,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const lines = [
      `${name.data}: budget ${shown(budget)}${raise === undefined ? "" : ` (raised in ${workerLayout(files.dir).budget})`}`,
      `spent over its life: ${spent.turns} turns, ${spent.tokens} tokens, $${spent.costUsd.toFixed(4)}, ${Math.round(spent.seconds)} s`,
      ...(exceeded === undefined ? [] : [`still reached: ${exceeded}`]),
      ...warnings.map((w) => `near: ${w}`),
      ...(raise === undefined && status?.paused !== undefined ? [`paused since ${status.paused.at}: ${status.paused.reason}`] : []),
      ...(raise !== undefined && exceeded === undefined && status?.paused !== undefined ? ["a running worker takes its messages again"] : []),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  },
});
