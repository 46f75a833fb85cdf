import { definedFields, type ReceiptsConfig } from "@subagent-mcp/contract";

// Receipt patterns: the project's lists add to the user's; its own settings win (an untrusted
// `defaults: false` is already dropped by the gate).
export function receiptsOf(user: ReceiptsConfig | undefined, project: ReceiptsConfig | undefined): ReceiptsConfig | undefined {
  if (user === undefined || project === undefined) return project ?? user;
  const both = (key: "test_commands" | "claims" | "change_requests") =>
    user[key] === undefined && project[key] === undefined ? {} : { [key]: [...(user[key] ?? []), ...(project[key] ?? [])] };
  return {
    ...both("test_commands"),
    ...both("claims"),
    ...both("change_requests"),
    ...definedFields({ defaults: project.defaults ?? user.defaults, max_files: project.max_files ?? user.max_files }),
  };
}
