/**
 * `@effect/platform-node` is an optional peer: `KaizenLocal.serve` loads it with the server,
 * and when it is missing (simulated here through the loader) the defect says how to install
 * it. Any other failure to load is left as it is.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { INSTALL_PLATFORM_NODE, isMissingPackage, loadServer } from "../../src/local/loadServer.js"

// What Node's ESM loader throws for a package that is not installed.
const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/kaizen-effect/dist/local/server.js`), {
    code: "ERR_MODULE_NOT_FOUND"
  })

const defectOf = async (load: () => Promise<unknown>): Promise<unknown> => {
  const exit = await Effect.runPromiseExit(loadServer(load))
  if (!Exit.isFailure(exit)) throw new Error("expected the load to fail")
  return Cause.squash(exit.cause)
}

describe("loading the server, with @effect/platform-node an optional peer", () => {
  it("missing: a defect that names the package and the line that installs it", async () => {
    const defect = await defectOf(() => Promise.reject(notFound("@effect/platform-node")))
    expect(defect).toBeInstanceOf(Error)
    expect((defect as Error).message).toBe(
      "KaizenLocal.serve needs @effect/platform-node, an optional peer dependency of kaizen-effect that is not installed: " +
        "npm install @effect/platform-node@^0.108.2"
    )
    expect((defect as Error).message).toContain(INSTALL_PLATFORM_NODE)
  })

  it("another package missing, or another failure: the error as it was", async () => {
    const other = notFound("ws")
    expect(await defectOf(() => Promise.reject(other))).toBe(other)
    const broken = new SyntaxError("Unexpected token")
    expect(await defectOf(() => Promise.reject(broken))).toBe(broken)
  })

  it("recognises Node's codes for a missing package, in both module systems, and a deep import", () => {
    expect(isMissingPackage(notFound("@effect/platform-node"), "@effect/platform-node")).toBe(true)
    const cjs = Object.assign(new Error("Cannot find module '@effect/platform-node/NodeHttpServer'"), { code: "MODULE_NOT_FOUND" })
    expect(isMissingPackage(cjs, "@effect/platform-node")).toBe(true)
    expect(isMissingPackage(new Error("Cannot find package '@effect/platform-node'"), "@effect/platform-node")).toBe(false)
    expect(isMissingPackage("nope", "@effect/platform-node")).toBe(false)
  })

  it("installed: the server module itself", async () => {
    const module = await Effect.runPromise(loadServer(() => import("../../src/local/server.js")))
    expect(typeof module.serve).toBe("function")
  })
})
