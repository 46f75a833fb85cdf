import { addTasks } from "./add.js";
import { BoardError } from "./errors.js";
import { BoardOpSchema, type Board, type BoardOp, type Task, type TeamMember } from "./schema.js";

// The board's one reducer: pure, so the same journal folds to the same board in every process,
// and a refused operation is an answer (with a stable code and what to do) rather than a throw.
// An operation that changes nothing returns the same board object, which tells a store it has
// nothing to write.

type OpOf<T extends BoardOp["type"]> = Extract<BoardOp, { type: T }>;
export type Applied = { board: Board } | { error: BoardError };

/** The board after `op` at time `now` (epoch ms), or why `op` is refused (the board unchanged). */
export function applyOp(board: Board, op: unknown, now: number): Applied {
  const parsed = BoardOpSchema.safeParse(op);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: new BoardError("BAD_INPUT", `the operation is not one the board knows: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim()) };
  }
  const next = reduce(board, parsed.data, now);
  return next instanceof BoardError ? { error: next } : { board: next };
}

function reduce(board: Board, op: BoardOp, now: number): Board | BoardError {
  switch (op.type) {
    case "add":
      return addTasks(board, op.tasks);
    case "claim":
      return claim(board, op, now);
    case "heartbeat":
      return notMember(board, op.member) ?? heartbeat(board, op.member, now);
    case "join":
      return join(board, op.members);
    case "done":
      return finish(board, op, now);
    case "fail":
      return fail(board, op, now);
    case "review":
      return review(board, op, now);
    case "release":
      return releaseWhere(board, now, (t) => t.state.status === "claimed" && now - t.state.seen_at > board.options.claim_timeout_ms, "stopped answering");
    case "release_member":
      return releaseWhere(board, now, (t) => t.state.status === "claimed" && t.state.by === op.member, op.why ?? "ended", op.member);
    case "cancel":
      return cancel(board, op.keys);
  }
}

/** Why `member` may not take `task` now, or undefined when it may: claim and `claimable` share it. */
export function whyNotClaimable(board: Board, task: Task, member: string): string | undefined {
  const s = task.state;
  switch (s.status) {
    case "open": {
      if (task.assignee !== undefined && task.assignee !== member) return `it is assigned to ${task.assignee}`;
      return whyNotCategory(board, task, member);
    }
    case "waiting": {
      const done = new Set(board.tasks.filter((t) => t.state.status === "done").map((t) => t.key));
      return `it is waiting on ${(task.depends_on ?? []).filter((d) => !done.has(d)).join(", ")}`;
    }
    case "claimed":
      return `it is claimed by ${s.by}`;
    case "in_review":
      if (s.by === member) return "it is in review and its author cannot review it";
      if (s.reviewer !== undefined) return `it is in review by ${s.reviewer}`;
      return whyNotReviewer(board, task, s.by, member);
    default:
      return `it is ${s.status}`;
  }
}

/**
 * Review across vendors: a task names its reviewer (a member or a vendor), or else goes to a
 * member of another vendor than its author's whenever the team has one.
 */
function whyNotReviewer(board: Board, task: Task, author: string, member: string): string | undefined {
  const vendorOf = (name: string): string | undefined => board.team?.find((m) => m.name === name)?.vendor;
  const mine = vendorOf(member);
  if (task.reviewer !== undefined) {
    return task.reviewer === member || (mine !== undefined && task.reviewer === mine) ? undefined : `its review is for ${task.reviewer}`;
  }
  const theirs = vendorOf(author);
  if (theirs === undefined || mine !== theirs) return undefined;
  const other = board.team?.some((m) => m.vendor !== undefined && m.vendor !== theirs) ?? false;
  return other ? `its author runs on ${theirs}: a member of another vendor reviews it` : undefined;
}

/** A task with a category goes to the members that take it; one with none, or a category nobody names, to anyone. */
function whyNotCategory(board: Board, task: Task, member: string): string | undefined {
  const category = task.category;
  if (category === undefined) return undefined;
  const takers = (board.team ?? []).filter((m) => m.categories?.includes(category) === true);
  if (takers.length === 0 || takers.some((m) => m.name === member)) return undefined;
  return `it is a ${category} task, for ${takers.map((m) => m.name).join(", ")}`;
}

function join(board: Board, members: readonly TeamMember[]): Board {
  const team = [...(board.team ?? [])];
  let changed = false;
  for (const m of members) {
    const at = team.findIndex((t) => t.name === m.name);
    if (at >= 0 && JSON.stringify(team[at]) === JSON.stringify(m)) continue;
    const member = { ...m };
    if (at >= 0) team[at] = member;
    else team.push(member);
    changed = true;
  }
  return changed ? { ...board, team } : board;
}

function claim(board: Board, op: OpOf<"claim">, now: number): Board | BoardError {
  const found = taskOf(board, op.key);
  if (found instanceof BoardError) return found;
  const refused = notMember(board, op.member);
  if (refused !== undefined) return refused;
  const why = whyNotClaimable(board, found, op.member);
  if (why !== undefined) return new BoardError("NOT_CLAIMABLE", `task "${op.key}" cannot be claimed: ${why}`);
  // An in-review task is taken for its review; any other claimable task is open.
  if (found.state.status === "in_review") return replace(board, { ...found, state: { ...found.state, reviewer: op.member } });
  return replace(board, { ...found, state: { status: "claimed", by: op.member, at: now, seen_at: now } });
}

function heartbeat(board: Board, member: string, now: number): Board {
  const tasks = board.tasks.map((t) => {
    if (t.state.status !== "claimed" || t.state.by !== member || t.state.seen_at === now) return t;
    return { ...t, state: { ...t.state, seen_at: now } };
  });
  return withTasks(board, tasks);
}

function finish(board: Board, op: OpOf<"done">, now: number): Board | BoardError {
  const task = claimedBy(board, op.key, op.member);
  if (task instanceof BoardError) return task;
  const limit = board.options.max_result_chars;
  const receiptChars = op.receipt === undefined ? 0 : ((JSON.stringify(op.receipt) as string | undefined)?.length ?? 0);
  if (op.result.length > limit || receiptChars > limit) {
    return new BoardError(
      "RESULT_TOO_LARGE",
      `a result (and a receipt) may hold ${limit} characters; this one has ${Math.max(op.result.length, receiptChars)}: keep it short and point at files for the rest`,
    );
  }
  if (op.suspect !== undefined && op.suspect.length > 0) return sendBack(board, task, op.suspect, "receipt", now);
  const finished = { by: op.member, result: op.result, ...(op.receipt === undefined ? {} : { receipt: op.receipt }), at: now };
  if (task.review ?? board.options.review_default ?? false) return replace(board, { ...task, state: { status: "in_review", ...finished } });
  return completed(replace(board, { ...task, state: { status: "done", ...finished } }));
}

function fail(board: Board, op: OpOf<"fail">, now: number): Board | BoardError {
  const task = claimedBy(board, op.key, op.member);
  if (task instanceof BoardError) return task;
  return replace(board, { ...task, state: { status: "failed", reason: op.reason, at: now } });
}

function review(board: Board, op: OpOf<"review">, now: number): Board | BoardError {
  const task = taskOf(board, op.key);
  if (task instanceof BoardError) return task;
  const refused = notMember(board, op.reviewer);
  if (refused !== undefined) return refused;
  const s = task.state;
  if (s.status !== "in_review") return new BoardError("NOT_IN_REVIEW", `task "${op.key}" is ${s.status}, not in review: there is nothing to give a verdict on`);
  if (s.by === op.reviewer) return new BoardError("SELF_REVIEW", `task "${op.key}" was finished by ${op.reviewer}: another member reviews it`);
  if (s.reviewer !== undefined && s.reviewer !== op.reviewer) return new BoardError("NOT_CLAIMER", `task "${op.key}" is in review by ${s.reviewer}`);
  const why = s.reviewer === undefined ? whyNotReviewer(board, task, s.by, op.reviewer) : undefined;
  if (why !== undefined) return new BoardError("NOT_CLAIMER", `${op.reviewer} may not review task "${op.key}": ${why}`);
  if (op.verdict === "approve") {
    const { status: _, reviewer: _r, ...finished } = s;
    return completed(replace(board, { ...task, state: { status: "done", ...finished, at: now } }));
  }
  if (op.reasons.length === 0) return new BoardError("BAD_INPUT", "changes_requested needs at least one reason: the next claimer reads them first");
  return sendBack(board, task, op.reasons, op.reviewer, now);
}

/** Tasks matching `which` go back to open, each attempt counted: a claimer gone is an attempt lost. */
function releaseWhere(board: Board, now: number, which: (t: Task) => boolean, what: string, member?: string): Board {
  let next = board;
  for (const t of board.tasks) {
    if (which(t) && t.state.status === "claimed") {
      const by = t.state.by;
      next = sendBack(next, t, [`the claimer ${by} ${what} before finishing it`], by, now);
    }
  }
  // A member that ended leaves its reviews to be taken again; that costs the author nothing.
  if (member !== undefined) {
    for (const t of next.tasks) {
      if (t.state.status === "in_review" && t.state.reviewer === member) {
        const { reviewer: _, ...state } = t.state;
        next = replace(next, { ...t, state });
      }
    }
  }
  return next;
}

function cancel(board: Board, keys: readonly string[] | undefined): Board | BoardError {
  if (keys !== undefined) {
    const known = new Set(board.tasks.map((t) => t.key));
    const unknown = keys.filter((k) => !known.has(k));
    if (unknown.length > 0) return new BoardError("UNKNOWN_KEY", `no task has the key ${unknown.join(", ")}: nothing was cancelled`);
  }
  const chosen = keys === undefined ? undefined : new Set(keys);
  const tasks = board.tasks.map((t): Task => {
    if (t.state.status === "done" || t.state.status === "cancelled" || (chosen !== undefined && !chosen.has(t.key))) return t;
    return { ...t, state: { status: "cancelled" } };
  });
  return withTasks(board, tasks);
}

/** The attempt is over without the task done: open again with the reasons, or failed once out of tries. */
function sendBack(board: Board, task: Task, reasons: readonly string[], by: string, now: number): Board {
  const tries = task.tries + 1;
  const sent_back = { reasons: [...reasons], by };
  if (tries >= board.options.max_tries) {
    const reason = `sent back ${tries} times (the most allowed); the last time by ${by}: ${reasons.join("; ")}`;
    return replace(board, { ...task, tries, sent_back, state: { status: "failed", reason, at: now } });
  }
  return replace(board, { ...task, tries, sent_back, state: { status: "open" } });
}

/** Waiting tasks whose dependencies are now all done open. */
function completed(board: Board): Board {
  const done = new Set(board.tasks.filter((t) => t.state.status === "done").map((t) => t.key));
  const tasks = board.tasks.map((t): Task => {
    if (t.state.status !== "waiting" || !(t.depends_on ?? []).every((d) => done.has(d))) return t;
    return { ...t, state: { status: "open" } };
  });
  return withTasks(board, tasks);
}

function claimedBy(board: Board, key: string, member: string): Task | BoardError {
  const task = taskOf(board, key);
  if (task instanceof BoardError) return task;
  const refused = notMember(board, member);
  if (refused !== undefined) return refused;
  const s = task.state;
  if (s.status === "claimed" && s.by === member) return task;
  const holder = s.status === "claimed" ? `claimed by ${s.by}` : s.status;
  return new BoardError("NOT_CLAIMER", `task "${key}" is ${holder}: only its claimer finishes or fails it, and only while it holds the claim`);
}

function taskOf(board: Board, key: string): Task | BoardError {
  return board.tasks.find((t) => t.key === key) ?? new BoardError("UNKNOWN_KEY", `no task has the key "${key}"`);
}

function notMember(board: Board, member: string): BoardError | undefined {
  const members = teamOf(board);
  if (members === undefined || members.includes(member)) return undefined;
  return new BoardError("NOT_MEMBER", `${member} is not on this board's team (${members.join(", ")})`);
}

/** The board with `tasks`, or the same board object when no task changed (nothing to write). */
function withTasks(board: Board, tasks: readonly Task[]): Board {
  return tasks.every((t, i) => t === board.tasks[i]) ? board : { ...board, tasks };
}

function replace(board: Board, task: Task): Board {
  return { ...board, tasks: board.tasks.map((t) => (t.key === task.key ? task : t)) };
}

/** Who may work the board: the options' members and those who joined; undefined while neither names any (anyone may). */
export function teamOf(board: Board): string[] | undefined {
  const names = [...(board.options.members ?? []), ...(board.team ?? []).map((m) => m.name)];
  return board.options.members === undefined && board.team === undefined ? undefined : names;
}
