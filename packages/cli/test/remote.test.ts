/**
 * `kaizen` over HTTP, in-process or, where that matters (a pipe, `serve`), as a process:
 * against a `kaizen serve` subprocess (what it prints, how it stops), and against stand-in
 * APIs that answer with errors, to check the exit codes 2 (the API answered with an error)
 * and 3 (the request did not complete), the messages, and that the API key is never printed.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as net from "node:net"
import { join } from "node:path"
import { examplePrompt, fakeApi, inProcess, PROCESS_TIMEOUT, serve, type Served, shell, tempDir } from "./support.js"

const table = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const tableKtof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"

const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const { hostname, port } = new URL(url)
    const socket = net.connect(Number(port), hostname)
    socket.on("connect", () => {
      socket.destroy()
      resolve(false)
    })
    socket.on("error", () => resolve(true))
  })

describe("against kaizen serve", () => {
  let served: Served
  beforeAll(async () => {
    served = await serve(["--max-body-bytes", "4096"])
  }, PROCESS_TIMEOUT)
  afterAll(async () => {
    await served.stop()
  })

  it("prints its URL on stdout, and answers the CLI as the embedded engine does", async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const [compressed, local, health, piped] = await Promise.all([
      inProcess(["compress", "-", "--base-url", served.url], { stdin: JSON.stringify(table) }),
      inProcess(["encode", examplePrompt, "--local", "--json", "--token-model", "gpt-4o-mini"]),
      inProcess(["health", "--base-url", served.url]),
      shell(`kaizen encode "${examplePrompt}" --base-url ${served.url} | kaizen decode - --base-url ${served.url}`)
    ])
    expect(compressed).toMatchObject({ code: 0, stdout: `${tableKtof}\n` })
    const remote = await inProcess(["encode", examplePrompt, "--base-url", served.url, "--json", "--token-model", "gpt-4o-mini"])
    expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(local.stdout))
    expect(JSON.parse(health.stdout).status).toBe("ok")
    expect(piped.code).toBe(0)
    expect(JSON.parse(piped.stdout)).toEqual(JSON.parse(readFileSync(examplePrompt, "utf8")))
  }, PROCESS_TIMEOUT)

  it("KAIZEN_BASE_URL points the CLI at it too; a body over --max-body-bytes is a 413: exit code 2", async () => {
    const [fromEnv, tooLarge] = await Promise.all([
      inProcess(["compress", "-"], { stdin: JSON.stringify(table), env: { KAIZEN_BASE_URL: served.url } }),
      inProcess(["compress", "-", "--base-url", served.url], { stdin: JSON.stringify({ blob: "x".repeat(5000) }) })
    ])
    expect(fromEnv).toMatchObject({ code: 0, stdout: `${tableKtof}\n` })
    expect(tooLarge.code).toBe(2)
    expect(tooLarge.stderr).toMatch(/^kaizen compress: Kaizen API error 413 on POST \/v1\/compress: .*\nhint: the service refuses a body this large: split the input\n$/)
  })

  it("batch over HTTP, 4 at a time", async () => {
    const dir = tempDir()
    try {
      const input = join(dir.path, "in")
      mkdirSync(input)
      for (let i = 0; i < 8; i++) writeFileSync(join(input, `t${i}.json`), JSON.stringify({ ...table, page: i }))
      const run = await inProcess(["compress", input, "--out-dir", join(dir.path, "out"), "--base-url", served.url])
      expect(run.code).toBe(0)
      for (let i = 0; i < 8; i++) {
        expect(readFileSync(join(dir.path, "out", `t${i}.ktof`), "utf8")).toBe(`${tableKtof}\npage: ${i}\n`)
      }
      expect(run.stdout.trimEnd().split("\n").at(-1)).toMatch(/^total \(8 of 8\)/)
    } finally {
      dir.remove()
    }
  })
})

describe("kaizen serve's life", () => {
  it("stops cleanly with exit code 0 on SIGTERM and on SIGINT, and the port is closed", async () => {
    const [a, b] = await Promise.all([serve(), serve()])
    const [byTerm, byInt] = await Promise.all([a.stop("SIGTERM"), b.stop("SIGINT")])
    for (const run of [byTerm, byInt]) expect(run).toMatchObject({ code: 0, signal: null })
    expect(await refused(a.url)).toBe(true)
    expect(await refused(b.url)).toBe(true)
  }, PROCESS_TIMEOUT)

  it("a port in use: exit code 1 and a hint", async () => {
    const busy = await serve()
    try {
      const { port } = new URL(busy.url)
      const run = await inProcess(["serve", "--port", port])
      expect(run.code).toBe(1)
      expect(run.stderr).toBe(
        `kaizen serve: cannot listen on 127.0.0.1:${port}: the address is already in use\nhint: pass another --port, or --port 0 for any free port\n`
      )
    } finally {
      await busy.stop()
    }
  }, PROCESS_TIMEOUT)
})

describe("API errors: exit code 2, the status, the detail and a hint; never the key", () => {
  const key = "sk-live-4f9a1c2e8b7d"
  // A careless deployment that echoes the key it was sent: the CLI must still not print it.
  const api = fakeApi(({ headers }) =>
    headers["x-api-key"] === "good"
      ? { status: 422, body: { detail: [{ loc: ["body", "data"], msg: "field required", type: "missing" }] } }
      : { status: 401, body: { detail: `Invalid API key: ${String(headers["x-api-key"])}` } }
  )
  afterAll(async () => (await api).close())

  it("401 with the key from --api-key or KAIZEN_API_KEY: the hint says how to authenticate", async () => {
    const { requests, url } = await api
    const [flag, env] = await Promise.all([
      inProcess(["compress", "-", "--base-url", url, "--api-key", key], { stdin: "{}" }),
      inProcess(["compress", "-", "--json"], { stdin: "{}", env: { KAIZEN_BASE_URL: url, KAIZEN_API_KEY: key } })
    ])
    for (const run of [flag, env]) {
      expect(run.code).toBe(2)
      expect(run.stderr).toBe(
        "kaizen compress: Kaizen API error 401 on POST /v1/compress: Invalid API key: <redacted>\n" +
          "hint: set KAIZEN_API_KEY (or pass --api-key), or pass --local to run on the embedded engine\n"
      )
      expect(run.stdout + run.stderr).not.toContain(key)
    }
    // Nor through a batch's lines and table.
    const dir = tempDir()
    try {
      writeFileSync(join(dir.path, "a.json"), "{}")
      const batch = await inProcess(["compress", join(dir.path, "a.json"), "--out-dir", join(dir.path, "out")], {
        env: { KAIZEN_BASE_URL: url, KAIZEN_API_KEY: key }
      })
      expect(batch.code).toBe(2)
      expect(batch.stderr).toContain("a.json: Kaizen API error 401 on POST /v1/compress: Invalid API key: <redacted>")
      expect(batch.stdout).toMatch(/a\.json  failed\n/)
      expect(batch.stdout + batch.stderr).not.toContain(key)
    } finally {
      dir.remove()
    }
    // The key did go to the server, every time.
    expect(requests.filter((r) => r.headers["x-api-key"] === key)).toHaveLength(3)
  })

  it("422: FastAPI's detail list, told field by field", async () => {
    const { url } = await api
    const run = await inProcess(["compress", "-", "--base-url", url, "--api-key", "good"], { stdin: "{}" })
    expect(run).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "kaizen compress: Kaizen API error 422 on POST /v1/compress: data: field required\n" +
        "hint: the service refused a field of the request: see the command's --help\n"
    })
  })

  it("503 (retries off) and a batch in which the API refuses one input: the others are written", async () => {
    const flaky = await fakeApi(({ body }) =>
      body.includes("refuse")
        ? { status: 503, body: { detail: "upstream unavailable" }, headers: { "x-request-id": "req-42" } }
        : { status: 200, body: { operation: "compress", status: "success", result: "ok: true" } }
    )
    const dir = tempDir()
    try {
      writeFileSync(join(dir.path, "a.json"), "{}")
      writeFileSync(join(dir.path, "b.json"), JSON.stringify({ refuse: true }))
      const env = { KAIZEN_MAX_RETRIES: "0", KAIZEN_BASE_URL: flaky.url }
      const [single, batch] = await Promise.all([
        inProcess(["compress", join(dir.path, "b.json")], { env }),
        inProcess(["compress", join(dir.path, "a.json"), join(dir.path, "b.json"), "--out-dir", join(dir.path, "out")], { env })
      ])
      expect(single.code).toBe(2)
      expect(single.stderr).toMatch(/^kaizen compress: Kaizen API error 503 on POST \/v1\/compress: upstream unavailable\n/)
      expect(single.stderr).toContain("hint: the service is having trouble: try again later, or pass --local")
      expect(batch.code).toBe(2)
      expect(readFileSync(join(dir.path, "out", "a.ktof"), "utf8")).toBe("ok: true\n")
      expect(batch.stderr).toMatch(/\[\d\/2\] failed .*b\.json: Kaizen API error 503/)
      expect(batch.stderr).toContain(
        `kaizen compress: 1 of 2 inputs failed; the other was written to ${join(dir.path, "out")}\nhint: the service is having trouble`
      )
      // Each failure is told once: its line as it failed, then the verdict.
      expect(batch.stderr.split("upstream unavailable")).toHaveLength(2)
    } finally {
      dir.remove()
      await flaky.close()
    }
  })
})

describe("request errors: exit code 3", () => {
  it("connection refused, and a timeout", async () => {
    const closed = await fakeApi(() => ({ status: 200, body: {} }))
    await closed.close()
    const hanging = await fakeApi(() => "hang")
    try {
      const env = { KAIZEN_MAX_RETRIES: "0" }
      const [refusedRun, timedOut] = await Promise.all([
        inProcess(["compress", "-", "--base-url", closed.url], { stdin: "{}", env }),
        inProcess(["compress", "-", "--base-url", hanging.url, "--timeout", "0.3"], { stdin: "{}", env })
      ])
      expect(refusedRun.code).toBe(3)
      expect(refusedRun.stderr).toMatch(
        /^kaizen compress: Kaizen request POST http:\/\/127\.0\.0\.1:\d+\/v1\/compress failed: .*ECONNREFUSED.*\nhint: check the network, KAIZEN_BASE_URL \/ --base-url and the proxy settings, or pass --local to run on the embedded engine\n$/
      )
      expect(timedOut.code).toBe(3)
      expect(timedOut.stderr).toMatch(/timed out after 300ms.*\nhint: allow longer with --timeout SECONDS \(KAIZEN_TIMEOUT\), or pass --local/)
    } finally {
      await hanging.close()
    }
  })
})
