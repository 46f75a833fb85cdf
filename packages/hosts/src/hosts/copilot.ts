import { join } from "node:path";
import type { EditorAdapter } from "../adapter.js";

/** GitHub Copilot: its repository instructions, `init --copilot`'s file (plain Markdown, our managed block in it). */
export const copilot: EditorAdapter = {
  file: join(".github", "copilot-instructions.md"),
};
