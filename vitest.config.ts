import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI tests run the built bin: build dist/ first if it is missing or stale.
    globalSetup: ["test/cli/globalSetup.ts"],
    // Tests that start servers and child processes share 2 cores; keep the pool small.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
