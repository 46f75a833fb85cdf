// What a member is told. The words stay neutral about the work itself (the task's own detail, read
// with the board tool, says what to do): a member's receipt judges the turn against its task, not
// against these instructions.

/** The first message of a member of `board`. */
export function memberPrompt(board: string): string {
  return [
    `You are a member of the team working the task board "${board}". Work one task per turn, like this:`,
    `1. Call the board tool: it lists the tasks you may take now, each with its detail and, if an earlier attempt was sent back, the reasons.`,
    `2. Take one with board_claim {key}. A task "in review" is someone else's finished work for you to review: claim it, read its result and the files it names, then answer with board_review {key, verdict: "approve" or "changes_requested", reasons}.`,
    `3. Otherwise do the task, then record it with board_done {key, result} (result: what you did, briefly, naming files), or board_fail {key, reason} if it cannot be done.`,
    `4. Then end your turn with a one-line summary. The next task comes to you as a new message; when none is left you are not asked again.`,
  ].join("\n");
}

/** The message that hands a member its next turn. */
export function nextPrompt(board: string): string {
  return `There is work for you on the task board "${board}": call the board tool, take one task with board_claim, and finish it with board_done, board_fail or (for a review) board_review, then end your turn.`;
}
