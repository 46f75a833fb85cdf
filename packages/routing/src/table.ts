import { z } from "zod";
import { TaskCategorySchema, type TaskCategory } from "./categories.js";
import { launchOptionRules, LaunchOptionsSchema } from "@subagent-mcp/contract";

/**
 * One routing choice: which CLI, which model (absent: the agent's own default, for an ACP agent the
 * table does not list), which reasoning effort, and which machine of the fleet (absent: where the
 * server runs); launch options each, as launch_agent takes them.
 */
export const CandidateSchema = z.object({
  provider: LaunchOptionsSchema.shape.provider.unwrap(),
  ...LaunchOptionsSchema.pick({ model: true, effort: true, machine: true }).shape,
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const BranchSchema = z.enum(["cost_efficiency", "performance"]);
export type Branch = z.infer<typeof BranchSchema>;

/** What a routing entry sets for the launches of its category unless they say otherwise: launch options, held to their rules. */
export const RoutedOptions = LaunchOptionsSchema.pick({ escalate: true, review: true, mcp_servers: true });

/** Ranked candidates per category and branch. */
export const RoutingTableSchema = z.record(
  TaskCategorySchema,
  z
    .object({
      cost_efficiency: z.array(CandidateSchema).min(1),
      performance: z.array(CandidateSchema).min(1),
      ...RoutedOptions.shape,
    })
    .superRefine(launchOptionRules),
);
export type RoutingTable = z.infer<typeof RoutingTableSchema>;

// Model ids and efforts the pinned CLIs accept: Claude Code's aliases (opus, sonnet, haiku) with
// --effort low..max; the models bundled with Codex 0.169 (gpt-6-astra "frontier", gpt-6.1-sol
// "workhorse", gpt-6.1-terra, gpt-6-luna "fast and affordable") with low..max; Gemini CLI's models
// (no effort flag).
const opus = (effort: string): Candidate => ({ provider: "claude", model: "opus", effort });
const sonnet = (effort: string): Candidate => ({ provider: "claude", model: "sonnet", effort });
const haiku: Candidate = { provider: "claude", model: "haiku", effort: "low" };
const gpt = (effort: string): Candidate => ({ provider: "codex", model: "gpt-6.1-sol", effort });
const gptTop = (effort: string): Candidate => ({ provider: "codex", model: "gpt-6-astra", effort });
const gptCode = (effort: string): Candidate => ({ provider: "codex", model: "gpt-6.1-terra", effort });
const gptSmall: Candidate = { provider: "codex", model: "gpt-6-luna", effort: "low" };
const gemPro: Candidate = { provider: "gemini", model: "gemini-3.1-pro-preview" };
const gemFlash: Candidate = { provider: "gemini", model: "gemini-3.8-flash" };
const gemLite: Candidate = { provider: "gemini", model: "gemini-3.5-flash-lite" };

// How the table was derived: deep-reasoning work (proofs, security, architecture, research) puts
// the strongest reasoning models first at high effort; execution-heavy work puts the agentic coding
// models first; mechanical work puts the smallest fast models first. `cost_efficiency` prefers the
// cheaper tier of each family at moderate effort; `performance` the strongest at high effort. Every
// list spans all three CLIs so that failover can always change provider.
const reasoning = { cost_efficiency: [sonnet("high"), gpt("high"), gemPro], performance: [opus("xhigh"), gptTop("xhigh"), gemPro] };
const execution = { cost_efficiency: [gptCode("medium"), sonnet("medium"), gemFlash], performance: [opus("high"), gptTop("high"), gemPro] };
const review = { cost_efficiency: [sonnet("medium"), gpt("medium"), gemFlash], performance: [opus("high"), gptTop("high"), gemPro] };
const reading = { cost_efficiency: [gemFlash, sonnet("medium"), gptCode("low")], performance: [gemPro, opus("high"), gptTop("high")] };
const cheap = { cost_efficiency: [haiku, gemLite, gptSmall], performance: [sonnet("low"), gemFlash, gptCode("low")] };

/** The default routing table (data, validated on load). */
export const DEFAULT_TABLE: RoutingTable = RoutingTableSchema.parse({
  math_proof: reasoning,
  security_review: review,
  debugging: execution,
  quality_review: review,
  architecture: reasoning,
  agentic_execution: execution,
  data_analysis: reading,
  coding: execution,
  knowledge_synthesis: reading,
  mechanical: cheap,
  prompt_engineering: review,
  vulnerability_research: reasoning,
  molecular_biology: reasoning,
  ml_accelerator_design: reasoning,
  fallback_default: review,
} satisfies Record<TaskCategory, unknown>);
