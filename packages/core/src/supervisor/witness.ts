import type { PermissionEvent } from "../lifecycle/agent.js";
import type { AgentEvent, TurnFiles } from "../driver/events.js";
import type { TurnOutcome } from "../lifecycle/state.js";
import type { Receipt } from "@subagent-mcp/contract";

/**
 * How a turn ended, as the supervisor knows it beyond the CLI's turn_end: a turn with no turn_end
 * was lost (killed, or its process exited), and a budget may have stopped it.
 */
export interface TurnClose {
  outcome: TurnOutcome & { stop?: { reason: string; maxTurns?: boolean } };
  /** The turn ended without a turn_end: killed (kill_agent, a shutdown) or its process exited. */
  lost?: "killed" | "exited";
  /** The budget limit that stopped it, when one did. */
  budget?: string;
  /** Its files as read on the machine of the fleet it ran on (git there), when that machine said. */
  files?: TurnFiles;
}

/**
 * Who builds each turn's receipt from what the supervisor sees (the server's: @subagent-mcp/receipts).
 * Core only tells it when turns start and end and what happens in them; the receipt's facts, its
 * git reading and its judgement of claims are the witness's. Every method is cheap and never throws.
 */
export interface TurnWitness {
  /**
   * Turn `turn` of an agent starts in `cwd` (before its CLI can act): a witness reads the tree now.
   * `machine`: it runs on that machine of the fleet, where its files are.
   */
  begin(agent: { id: string; cwd: string; turn: number; prompt: string | undefined; machine?: string }): void;
  /** One event of the agent's running turn (tool calls and results are counted). */
  see(agentId: string, event: AgentEvent): void;
  /** A permission request of the agent was answered (or left to ask). */
  permission(event: PermissionEvent): void;
  /** The turn is over: its receipt. Bounded in time, never rejects. */
  end(agentId: string, close: TurnClose): Promise<Receipt>;
  /** A turn that ended with no turn_end (killed, exited): its receipt at once, from what was counted. */
  endNow(agentId: string, close: TurnClose): Receipt;
  /** The last turn's changes as a unified diff, at most `maxChars` (a review reads it); undefined when they cannot be read. */
  diff?(agentId: string, maxChars: number): Promise<string | undefined>;
  /** The agent's session is over for good: what the witness keeps for it goes. */
  drop(agentId: string): void;
}
