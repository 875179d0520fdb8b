import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores shared with other work: a few files at a time, and generous timeouts for a
    // busy machine (no test asserts on timing).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
