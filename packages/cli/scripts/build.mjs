// Builds dist/ from src/: the `kaizen` command bundled with esbuild into ES modules (one entry
// chunk, plus the chunks the library loads on demand: the engine, the Node server), tree-shaken.
// Node 20 has no compile cache: loading one bundle instead of ~500 modules of effect,
// @effect/* and the library is what brings the start under half a second (BENCHMARKS.md,
// "Cold start"). The library and the engine come in by package name, built (their dist/);
// gpt-tokenizer stays outside, loaded from node_modules when token counts are asked for.
import { build } from "esbuild"
import { rmSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
rmSync(join(root, "dist"), { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: { main: "src/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // The library's published form, not its sources (tsconfig.json's `paths` are for type-checking).
  tsconfig: "tsconfig.build.json",
  external: ["gpt-tokenizer", "gpt-tokenizer/*"],
  // CommonJS code inside the bundle calls `require` for Node's modules.
  banner: { js: "import { createRequire as __kaizenRequire } from \"node:module\"\nconst require = __kaizenRequire(import.meta.url)" },
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  logLevel: "warning"
})
