import type { FakeReply, FakeRequest } from "@subagent-mcp/testkit";

// A fake model that works a team board as a member would: each turn it reads the board, claims the
// first task it may take, and finishes it (board_done), or reviews it (board_review). What it does
// is decided by the tool results of the turn so far, so every CLI's conversation drives it alike.

export interface MemberPolicy {
  /** The verdict on a review of `key` (default: approve). */
  verdict?: (key: string, reviewer: string) => { verdict: "approve" | "changes_requested"; reasons?: string[] };
  /** Called when a member claims `key` (for a test to act mid-task); a reply returned is given instead of finishing it. */
  onClaim?: (key: string, request: FakeRequest) => FakeReply | undefined;
}

const MEMBER = /You are a member of the team working the task board|There is work for you on the task board/;

/** The scripter of one fake: undefined for a request that is not a member's turn (the default directives answer it). */
export function memberScript(who: string, policy: MemberPolicy = {}): (request: FakeRequest, nonce: string) => FakeReply | undefined {
  return (request, nonce) => {
    if (request.wantsJson || !MEMBER.test(request.lastUserText)) return undefined;
    const call = (tool: string, input: Record<string, unknown>): FakeReply => ({ kind: "tool", name: toolName(request, tool), input });
    const lastUser = request.messages.map((m) => m.role).lastIndexOf("user");
    const results = request.messages.slice(lastUser + 1).filter((m) => m.role === "tool");
    const last = results.at(-1)?.text;
    if (last === undefined) return call("board", {});
    const got = parsed(last);
    if (got?.may_take !== undefined) {
      const first = got.may_take[0];
      return first === undefined ? { kind: "text", text: `${nonce} nothing for ${who}` } : call("board_claim", { key: first.key });
    }
    if (got?.claimed !== undefined) {
      const { key, kind } = got.claimed;
      if (kind === "review") return call("board_review", { key, ...(policy.verdict?.(key, who) ?? { verdict: "approve" }) });
      return policy.onClaim?.(key, request) ?? call("board_done", { key, result: `${key} done by ${who}` });
    }
    if (got?.next !== undefined) return { kind: "text", text: `${nonce} ${who} finished its task` };
    // Refused (a claim another member won): look again.
    if (results.length < 6) return call("board", {});
    return { kind: "text", text: `${nonce} ${who} gave up: ${last.slice(0, 200)}` };
  };
}

// The tool's name as this CLI offers it; Codex defers MCP tools (the fake searches for them first).
function toolName(request: FakeRequest, tool: string): string {
  return request.tools.find((t) => t === `mcp__mailbox__${tool}` || t === `mcp_mailbox_${tool}`) ?? `mcp__mailbox__${tool}`;
}

interface ToolAnswer {
  may_take?: { key: string; kind: string }[];
  claimed?: { key: string; kind: string };
  next?: string;
}

// A board tool's answer as the model reads it: its structured content as JSON (Claude Code), or its
// text, bare or wrapped (Gemini CLI's {"output": ...}, Codex's).
function parsed(text: string): ToolAnswer | undefined {
  // Codex puts "Wall time: ... Output:" before an MCP tool's answer.
  const output = text.indexOf("Output:\n");
  let body = output >= 0 ? text.slice(output + "Output:\n".length) : text;
  try {
    const json = JSON.parse(body) as ToolAnswer & { output?: unknown };
    if (typeof json.output !== "string") return json;
    body = json.output;
  } catch {
    // Text it is.
  }
  if (body.includes("Nothing you may take now")) return { may_take: [] };
  const listed = /You may take:\n- ([A-Za-z0-9._-]+) \((task|review)\)/.exec(body);
  if (listed !== null) return { may_take: [{ key: listed[1] as string, kind: listed[2] as string }] };
  const claimed = /Claimed:\n- ([A-Za-z0-9._-]+) \((task|review)\)/.exec(body);
  if (claimed !== null) return { claimed: { key: claimed[1] as string, kind: claimed[2] as string } };
  if (/Recorded: "|is now |is marked failed/.test(body)) return { next: body };
  return undefined;
}
