/** A short line diff of one file (common head and tail skipped), for --dry-run. */
export function lineDiff(path: string, before: string | null, after: string): string {
  const a = before === null ? [] : before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const removed = a.slice(head, a.length - tail).map((l) => `-${l}`);
  const added = b.slice(head, b.length - tail).map((l) => `+${l}`);
  return [`--- ${before === null ? "/dev/null" : path}`, `+++ ${path}`, `@@ line ${head + 1} @@`, ...removed, ...added].join("\n");
}
