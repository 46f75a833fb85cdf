import type { z } from "zod";
import type { ListAgentsOutput, PollAgentOutput } from "./agents.js";
import type { KillAgentOutput, LaunchAgentOutput, WaitOutput } from "../lifecycle.js";
import type { InvokeOutput, ListPoolOutput } from "./pool.js";
import type { TranscriptOutput } from "./transcript.js";

// Each tool's structured result as a type: what a client reads from `structuredContent`.

type Result<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;

export type ListAgentsResult = Result<typeof ListAgentsOutput>;
export type PollAgentResult = Result<typeof PollAgentOutput>;
export type LaunchAgentResult = Result<typeof LaunchAgentOutput>;
export type WaitResult = Result<typeof WaitOutput>;
export type KillAgentResult = Result<typeof KillAgentOutput>;
export type ListPoolResult = Result<typeof ListPoolOutput>;
export type InvokeResult = Result<typeof InvokeOutput>;
export type TranscriptResult = Result<typeof TranscriptOutput>;
