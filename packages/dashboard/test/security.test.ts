import { writeFileSync } from "node:fs";
import { get } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawStatus, setup, type Setup } from "./helpers.js";

let s: Setup;
beforeAll(async () => {
  s = await setup();
});
afterAll(async () => {
  await s.close();
});

describe("who may talk to the dashboard", () => {
  it("listens on 127.0.0.1 and prints a URL with a 32-hex-digit token", () => {
    expect(s.dashboard.url).toBe(`http://127.0.0.1:${s.dashboard.port}/?token=${s.dashboard.token}`);
    expect(s.dashboard.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it("refuses a request without the token, or with a wrong one", async () => {
    const base = `http://127.0.0.1:${s.dashboard.port}`;
    for (const path of ["/", "/api/state", "/api/events", "/api/timeline", "/ui/app.js"]) expect((await fetch(`${base}${path}`)).status).toBe(401);
    expect((await fetch(`${base}/api/state?token=${"0".repeat(32)}`)).status).toBe(401);
    expect((await fetch(`${base}/api/state?token=${s.dashboard.token.slice(0, 31)}`)).status).toBe(401);
    expect((await fetch(`${base}/api/state?token=${s.dashboard.token}x`)).status).toBe(401);
    expect((await fetch(s.at("/api/state"))).status).toBe(200);
  });

  it("refuses another site's page (Origin) and a rebound DNS name (Host)", async () => {
    const port = s.dashboard.port;
    const path = `/api/state?token=${s.dashboard.token}`;
    expect(await rawStatus(port, path, { origin: "http://evil.example" })).toBe(403);
    expect(await rawStatus(port, path, { origin: `http://evil.example:${port}` })).toBe(403);
    expect(await rawStatus(port, path, { origin: "null" })).toBe(403);
    expect(await rawStatus(port, path, { host: `evil.example:${port}` })).toBe(403);
    expect(await rawStatus(port, path, { host: "127.0.0.1" })).toBe(403);
    // Its own page, under either name.
    expect(await rawStatus(port, path, { origin: `http://127.0.0.1:${port}` })).toBe(200);
    expect(await rawStatus(port, path, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(200);
  });

  it("takes a POST only as JSON, and checks what it says", async () => {
    const url = s.at("/api/action");
    const plain = await fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, body: '{"action":"kill"}' });
    expect(plain.status).toBe(415);
    const form = await fetch(url, { method: "POST", body: new URLSearchParams({ action: "kill" }) });
    expect(form.status).toBe(415);
    const bad = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: '{"action":"explode"}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: "BAD_REQUEST" } });
    const notJson = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
    expect((await fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(405);
  });

  it("serves the page and its files with the headers a page holding a secret needs", async () => {
    const page = await fetch(s.at("/"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toBe(
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    );
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("cache-control")).toBe("no-store");
    // Its own references carry the token, whichever way the page wrote them.
    const html = await page.text();
    expect(html).toContain(`href="ui/style.css?token=${s.dashboard.token}"`);
    expect(html).toContain(`src="/ui/app.js?token=${s.dashboard.token}"`);
    const js = await fetch(s.at("/ui/app.js"));
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("no-store");
    // Compressed for a browser that accepts it (fetch does, and unpacks it), plain for one that does not.
    expect(js.headers.get("content-encoding")).toBe("gzip");
    expect(await js.text()).toBe("export {};\n");
    const plain = await new Promise<{ encoding: string | undefined; body: string }>((resolve, reject) => {
      get(s.at("/ui/app.js"), (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => {
          resolve({ encoding: res.headers["content-encoding"], body });
        });
      }).on("error", reject);
    });
    expect(plain).toEqual({ encoding: undefined, body: "export {};\n" });
    expect((await fetch(s.at("/ui/style.css"))).headers.get("content-type")).toBe("text/css; charset=utf-8");
    for (const path of ["/ui/missing.js", "/ui/notes.txt", "/ui/..%2Fpackage.json", "/ui/sub/app.js", "/nowhere"])
      expect((await fetch(s.at(path))).status).toBe(404);
  });

  it("gives a module's imports of its sibling modules the token, since the browser fetches them without it", async () => {
    writeFileSync(
      join(s.uiDir, "entry.js"),
      'import { a } from "./part.js";\nimport "./side.js";\nexport { b } from \'./more.js\';\nconst c = import("./lazy.js");\nconst d = "./part.js";\n',
    );
    const t = s.dashboard.token;
    expect(await (await fetch(s.at("/ui/entry.js"))).text()).toBe(
      `import { a } from "./part.js?token=${t}";\nimport "./side.js?token=${t}";\nexport { b } from './more.js?token=${t}';\nconst c = import("./lazy.js?token=${t}");\nconst d = "./part.js";\n`,
    );
    // Without it, as the bare import would ask.
    expect((await fetch(`http://127.0.0.1:${s.dashboard.port}/ui/entry.js`)).status).toBe(401);
  });
});
