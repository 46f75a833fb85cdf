// The page's files (ui/: index.html, app.js and the modules it imports, the stylesheets), served as
// they are but for the token that index.html's references to them, and the modules' imports of each
// other, need.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { SECURITY_HEADERS, sendText } from "./guard.js";

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
};

/** A file name the page may load: one level, no dots but the extension's, a known type. */
const FILE = /^[a-z0-9][a-z0-9_-]*\.(html|js|css|svg|png|ico)$/i;

/**
 * The package's ui/ directory, next to src/ and dist/. A bundle that inlines this module (the CLI)
 * passes its own copy's place instead (the `uiDir` option).
 */
export function defaultUiDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "..", "ui"), join(here, "ui")];
  return candidates.find((dir) => existsSync(join(dir, "index.html"))) ?? candidates[0] ?? here;
}

// index.html refers to its script and stylesheet with a placeholder for the token every route needs
// (`?token=__TOKEN__`), or with none: either way they get it (hex digits only, nothing to escape).
function withToken(html: string, token: string): string {
  return html
    .replaceAll("__TOKEN__", token)
    .replace(/\b(src|href)="((?:\.?\/)?ui\/[a-z0-9_-]+\.[a-z]+)"/gi, (_m, attr: string, path: string) => `${attr}="${path}?token=${token}"`);
}

// A module's import of a sibling ("./dom.js") is fetched without the query of the importing
// module's URL, hence without the token: each such import names it.
function importsWithToken(js: string, token: string): string {
  return js.replace(
    /(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.\/[a-z0-9_-]+\.js)\2/gi,
    (_m, before: string, quote: string, path: string) => `${before}${quote}${path}?token=${token}${quote}`,
  );
}

/** Answers with ui/`file` (404 for a name it may not serve or that is missing). */
export function serveFile(res: ServerResponse, uiDir: string, file: string, token: string, head: boolean, gzip = false): void {
  const match = FILE.exec(file);
  const type = match === null ? undefined : TYPES[(match[1] ?? "").toLowerCase()];
  let body: Buffer;
  try {
    if (type === undefined) throw new Error("unknown file");
    body = readFileSync(join(uiDir, file));
  } catch {
    sendText(res, 404, "not found");
    return;
  }
  if (file === "index.html") body = Buffer.from(withToken(body.toString("utf8"), token));
  else if (type === TYPES.js) body = Buffer.from(importsWithToken(body.toString("utf8"), token));
  // Text files shrink to about a quarter; compressing ~50 KB once per load costs well under a millisecond.
  const packed = gzip && type.startsWith("text/") ? gzipSync(body) : undefined;
  if (packed !== undefined) body = packed;
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    "Content-Type": type,
    "Content-Length": body.length,
    Vary: "Accept-Encoding",
    ...(packed === undefined ? {} : { "Content-Encoding": "gzip" }),
  });
  res.end(head ? undefined : body);
}
