/** The entries of an XREAD / XREADGROUP answer for one stream: [id, fields] pairs (none on a timeout). */
export function streamEntries(read: unknown): [string, string[]][] {
  if (!Array.isArray(read)) return [];
  const first = read[0] as [string, [string, string[]][]] | undefined;
  return first?.[1] ?? [];
}
