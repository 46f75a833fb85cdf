// The part of @ericcornelissen/bash-parser's AST that shell.ts reads (the package ships no types).
declare module "@ericcornelissen/bash-parser" {
  interface BashExpansion {
    type: string;
    commandAST?: BashNode;
  }
  /** Where a node stands in the source (with `insertLOC`): `char` offsets, `end` inclusive. */
  interface BashLoc {
    start: { char: number };
    end: { char: number };
  }
  interface BashWord {
    type: string;
    loc?: BashLoc;
    text?: string;
    expansion?: BashExpansion[];
    op?: { text?: string; type?: string };
    file?: BashWord;
  }
  interface BashNode {
    type: string;
    loc?: BashLoc;
    /** Run in the background (`&`). */
    async?: boolean;
    /** Its status inverted (`!`). */
    bang?: boolean;
    name?: BashWord;
    prefix?: BashWord[];
    suffix?: BashWord[];
    commands?: BashNode[];
    left?: BashNode;
    right?: BashNode;
    list?: BashNode;
    clause?: BashNode | BashWord;
    then?: BashNode;
    else?: BashNode;
    do?: BashNode;
    body?: BashNode;
    cases?: BashNode[];
    wordlist?: BashWord[];
    redirections?: BashWord[];
  }
  /** Parses a POSIX/bash script; throws on what it cannot parse. */
  export default function parse(source: string, options?: { mode?: "posix" | "bash"; insertLOC?: boolean }): BashNode;
  export type { BashExpansion, BashLoc, BashNode, BashWord };
}
