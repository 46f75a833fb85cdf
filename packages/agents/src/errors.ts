import { CodedError } from "@subagent-mcp/errors";

/** Stable codes of {@link AgentsError}. */
export type AgentsErrorCode = "UNSAFE_NAME" | "SKILL_NOT_FOUND" | "EXPERTISE_NOT_FOUND" | "INVALID_DEFINITION";

/** The one error class of `@subagent-mcp/agents`; `message` names the file and what to fix. */
export class AgentsError extends CodedError<AgentsErrorCode> {
  override readonly name = "AgentsError";
}

/** A problem with one definition file: parse, don't throw, so one bad file can't hide the others. */
export interface LoadIssue {
  file: string;
  /** The agent the file defines, when its frontmatter got as far as a name. */
  agent?: string;
  line?: number;
  message: string;
}

/** "file:line: message", the way editors and terminals link to it. */
export function formatIssue(issue: LoadIssue): string {
  return `${issue.file}${issue.line === undefined ? "" : `:${issue.line}`}: ${issue.message}`;
}
