import type { AgentEvent } from "@subagent-mcp/core";
import type { RemoteWorktree } from "@subagent-mcp/contract";
import type { WorktreeAsk } from "../protocol/protocol.js";

/** An agent a FleetClient launched on a node, as the client keeps it. */
export interface Remote {
  /** Its node; undefined while a placement made at start is still being chosen. */
  node: string | undefined;
  onEvent: (event: AgentEvent) => void;
  ended: boolean;
  exited: Promise<void>;
  exit: () => void;
  /** Resets sent and not yet confirmed by the node, oldest first. */
  resets: { resolve: () => void; reject: (error: Error) => void }[];
  /** Its worktree on the node, as last reported. */
  worktree?: RemoteWorktree;
  /** Launched to outlive us: our end does not end it. */
  outlive: boolean;
  /** Its launch waits in its node's queue (no slot was free there). */
  queued?: boolean;
  /** Our own id of it (the supervisor's, else its launch's lineage), which the user's stop on its node names to us. */
  id?: string;
}

/** What a launch on another machine may ask beyond its session: to outlive us, a worktree of its own there. */
export interface RemoteLaunchOptions {
  outlive?: boolean;
  worktree?: WorktreeAsk;
}

/** A launch as the client makes it: the caller's asks, and our id of the agent when the supervisor gave one. */
export type Launching = RemoteLaunchOptions & { ours?: string | undefined };
