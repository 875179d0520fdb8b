import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const engine = (path: string) => fileURLToPath(new URL(`./packages/engine/src/${path}`, import.meta.url))

export default defineConfig({
  // The library's tests run against the engine's sources, as tsconfig.json's `paths` type-check
  // them; the built dist/ (what the CLI tests run) is rebuilt from those sources when stale.
  resolve: {
    alias: [
      { find: /^@kaizen-effect\/engine$/, replacement: engine("index.ts") },
      { find: /^@kaizen-effect\/engine\/json$/, replacement: engine("json/index.ts") },
      { find: /^@kaizen-effect\/engine\/defaults$/, replacement: engine("defaults.ts") }
    ]
  },
  test: {
    // Every package's tests: the library's and the engine's.
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    // The CLI tests run the built bin: build dist/ first if it is missing or stale.
    globalSetup: ["test/cli/globalSetup.ts"],
    // Tests that start servers and child processes share 2 cores; keep the pool small.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
