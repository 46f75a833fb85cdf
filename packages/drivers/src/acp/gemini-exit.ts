// Why a parser of text: Gemini CLI (0.57–0.61) sends a shell call's result over ACP only as the
// call's display text, and that text states the exit code only in debug mode (`--debug`, which
// the preset passes): the display is then the model's own text, built by run_shell_command as
//   Output: <output, or "(empty)">
//   [Error: <message>]
//   [Exit Code: <N>]                only when N is not 0
//   [Signal: <S>]
//   [Background PIDs: <pids>]
//   Process Group PGID: <pid>
// Without debug mode the display is the terminal's (not text), and the update's content is empty.
// The lines after the output are read from the end, so an output line never counts as the trailer;
// "Exit Code" is left out only for 0, so a trailer without it or a signal is an exit of 0. Its one
// blind spot: an output whose last line is itself "Exit Code: N" (or "Signal: S") reads as that.

const PGID = /^Process Group PGID: \d+$/;
const PIDS = /^Background PIDs: [\d, ]*$/;
const SIGNAL = /^Signal: \S+$/;
const EXIT = /^Exit Code: (-?\d+)$/;

/**
 * The exit code Gemini CLI states in a shell call's completed update: N, 0 when its trailer has
 * no "Exit Code" line, null for a command ended by a signal; undefined when the text is not that
 * format (no debug mode, a cancelled or backgrounded command, a failed call's error).
 */
export function geminiExitCode(status: string | null | undefined, text: string): number | null | undefined {
  if (status !== "completed" || !text.startsWith("Output: ")) return undefined;
  const lines = text.split("\n");
  if (lines.length < 2 || !PGID.test(lines.at(-1) ?? "")) return undefined;
  let end = lines.length - 1;
  if (PIDS.test(lines[end - 1] ?? "")) end--;
  const signalled = end > 1 && SIGNAL.test(lines[end - 1] ?? "");
  if (signalled) end--;
  const exit = end > 1 ? EXIT.exec(lines[end - 1] ?? "") : null;
  if (exit !== null) return Number(exit[1]);
  return signalled ? null : 0;
}
