import { BoardError } from "./errors.js";
import type { Board, Task, TaskInput } from "./schema.js";

// Adding tasks is all or nothing: every task of the operation is checked (keys, dependencies,
// the board's size, cycles over the whole graph) before any lands, so a refused add leaves the
// board as it was and the orchestrator fixes one list instead of untangling half of one.

/** The board with `tasks` added, or why none of them is. */
export function addTasks(board: Board, tasks: readonly TaskInput[]): Board | BoardError {
  const existing = new Map(board.tasks.map((t) => [t.key, t]));
  const added = new Map<string, TaskInput>();
  for (const t of tasks) {
    if (existing.has(t.key) || added.has(t.key)) {
      return new BoardError("DUPLICATE_KEY", `task "${t.key}" is ${existing.has(t.key) ? "already on the board" : "twice in this add"}: keys are unique`);
    }
    added.set(t.key, t);
  }
  const total = board.tasks.length + tasks.length;
  if (total > board.options.max_tasks) {
    return new BoardError(
      "TOO_MANY_TASKS",
      `the board holds at most ${board.options.max_tasks} tasks; it has ${board.tasks.length} and this add brings ${tasks.length}`,
    );
  }
  for (const t of tasks) {
    const unknown = (t.depends_on ?? []).filter((d) => !existing.has(d) && !added.has(d));
    if (unknown.length > 0) {
      return new BoardError("UNKNOWN_DEPENDENCY", `task "${t.key}" depends on ${quoted(unknown)}, which no task on the board or in this add has as its key`);
    }
  }
  // Tasks already on the board were checked when added and no operation changes an edge, so a
  // new cycle must pass through a new task: searching from the new tasks finds every one.
  const depsOf = (key: string): readonly string[] => (added.get(key) ?? existing.get(key))?.depends_on ?? [];
  const cycle = findCycle([...added.keys()], depsOf);
  if (cycle !== undefined) {
    return new BoardError("DEPENDENCY_CYCLE", `these tasks depend on each other in a circle: ${cycle.join(" -> ")}; remove one of the edges`);
  }
  const isDone = (key: string): boolean => existing.get(key)?.state.status === "done";
  const fresh: Task[] = tasks.map((t) => ({
    ...t,
    state: (t.depends_on ?? []).every(isDone) ? { status: "open" } : { status: "waiting" },
    tries: 0,
  }));
  return { ...board, tasks: [...board.tasks, ...fresh] };
}

/** A cycle reachable from `starts` as its keys with the first repeated at the end, or undefined. */
function findCycle(starts: readonly string[], depsOf: (key: string) => readonly string[]): string[] | undefined {
  // Iterative depth-first search (a 1000-task chain would overflow a recursive one's stack):
  // grey keys are on the current path, black ones are known to reach no cycle.
  const color = new Map<string, "grey" | "black">();
  for (const start of starts) {
    if (color.has(start)) continue;
    const path: string[] = [];
    const stack: { key: string; next: number }[] = [{ key: start, next: 0 }];
    color.set(start, "grey");
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const deps = depsOf(top.key);
      const dep = deps[top.next];
      if (dep === undefined) {
        color.set(top.key, "black");
        stack.pop();
        path.pop();
        continue;
      }
      top.next += 1;
      const c = color.get(dep);
      if (c === "grey") return [...path.slice(path.indexOf(dep)), dep];
      if (c === "black") continue;
      color.set(dep, "grey");
      path.push(dep);
      stack.push({ key: dep, next: 0 });
    }
  }
  return undefined;
}

const quoted = (keys: readonly string[]): string => keys.map((k) => `"${k}"`).join(", ");
