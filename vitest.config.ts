import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const engine = (path: string) => fileURLToPath(new URL(`./packages/engine/src/${path}`, import.meta.url))
const library = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

export default defineConfig({
  // Tests run against the sources of the packages they import by name (the CLI's in-process
  // runs import the library, the library imports the engine), as the tsconfigs' `paths`
  // type-check them; the built bin (what the CLI tests spawn) is rebuilt from them when stale.
  resolve: {
    alias: [
      { find: /^@kaizen-effect\/engine$/, replacement: engine("index.ts") },
      { find: /^@kaizen-effect\/engine\/json$/, replacement: engine("json/index.ts") },
      { find: /^@kaizen-effect\/engine\/defaults$/, replacement: engine("defaults.ts") },
      { find: /^kaizen-effect$/, replacement: library("index.ts") },
      { find: /^kaizen-effect\/node$/, replacement: library("KaizenNode.ts") }
    ]
  },
  test: {
    // The Effect 3 packages' tests: the library's, the engine's and the CLI's. (packages/effect4
    // needs Effect 4 and Node 22: scripts/effect4.sh runs its tests with its own config.)
    include: ["test/**/*.test.ts", "packages/engine/test/**/*.test.ts", "packages/cli/test/**/*.test.ts"],
    // The CLI tests run the built bin: build the dist/s first if missing or stale.
    globalSetup: ["packages/cli/test/globalSetup.ts"],
    // Tests that start servers and child processes share 2 cores; keep the pool small.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
