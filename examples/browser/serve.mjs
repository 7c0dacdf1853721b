// A static server for the browser example: node examples/browser/serve.mjs [port]
//
// SharedArrayBuffer exists only on cross-origin isolated pages, so every response (the page AND
// the worker scripts) carries these two headers. Any server works the same way.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
const types = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript", ".map": "application/json" };

const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  // /dist/… is the built package; everything else is this folder.
  const [base, rel] = path.startsWith("/dist/") ? [dist, path.slice(6)] : [here, path === "/" ? "index.html" : path.slice(1)];
  const file = resolve(base, rel);
  if (!file.startsWith(base.endsWith(sep) ? base : base + sep)) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      "Content-Type": types[extname(file)] ?? "application/octet-stream",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
    });
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
});

server.listen(Number(process.argv[2] ?? 8080), "127.0.0.1", () => {
  console.log(`serving http://127.0.0.1:${server.address().port}/ (Ctrl-C to stop)`);
});
