// Reads a Mermaid flowchart on standard input with Mermaid's own parser (mermaid on npm, in a
// DOM from jsdom, as a browser would have it) and prints what Mermaid understood, as JSON:
//   {"type", "config": the configuration the text sets (front matter and %%{init}%% directives),
//    "title", "vertices": {id: [label lines]}, "subgraphs": [{id, title, nodes}], "edges": [{start, end, text}]}
// Label lines are the text a reader sees: Mermaid's entity codes (#35;, #quot;) and HTML entities
// decoded, split at <br>. A text Mermaid refuses exits with status 1 and its message.
// With --many, standard input is a JSON list of texts, and the output a list of such objects
// (or {"error": ...} for a text Mermaid refuses): one Node start for many pictures.
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

function shown(label) {
  // Mermaid's encodeEntities turned "#35;" into a placeholder; decodeEntities makes it "&#35;".
  const html = String(label ?? "").replace(/ﬂ°°/g, "&#").replace(/ﬂ°/g, "&").replace(/¶ß/g, ";");
  return html.split(/<br\s*\/?>/i).map((part) => {
    const box = dom.window.document.createElement("textarea");
    box.innerHTML = part;
    return box.value;
  });
}

async function read(text) {
  const parsed = await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const vertices = {};
  for (const [id, vertex] of db.getVertices()) vertices[id] = shown(vertex.text);
  const subgraphs = db.getSubGraphs().map((s) => ({ id: s.id, title: shown(s.title).join("\n"), nodes: s.nodes }));
  const edges = db.getEdges().map((e) => ({ start: e.start, end: e.end, text: shown(e.text).join("\n") }));
  return { type: parsed.diagramType, config: parsed.config ?? {}, vertices, subgraphs, edges };
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
if (process.argv.includes("--many")) {
  // A JSON list of texts in, a JSON list out: each what Mermaid read, or {"error": its message}.
  const results = [];
  for (const text of JSON.parse(input)) {
    try {
      results.push(await read(text));
    } catch (error) {
      results.push({ error: String(error?.message ?? error) });
    }
  }
  process.stdout.write(JSON.stringify(results) + "\n");
} else {
  try {
    process.stdout.write(JSON.stringify(await read(input)) + "\n");
  } catch (error) {
    process.stderr.write(`mermaid: ${error?.message ?? error}\n`);
    process.exit(1);
  }
}
