/**
 * `kaizen` on the embedded engine (`--local`): inputs from files and standard input, pipes,
 * the flags that map onto the API, `--json`, `--output`, `--max-body-bytes`, the summary line,
 * and the usage and bad-input failures (exit code 1). The command runs in-process where being
 * a process adds nothing; the pipes are real processes (and `golden.test.ts` runs it in a
 * shell and on a terminal).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { KaizenClient, KaizenLocal } from "kaizen-effect"
import { examplePrompt, inProcess, PROCESS_TIMEOUT, root, shell, tempDir } from "./support.js"

const data = { users: [{ id: 1, name: "Ada", tags: ["math"] }, { id: 2, name: "Grace", tags: [] }] }
const ktof = "users[2]:\n  - id: 1\n    name: Ada\n    tags[1]: math\n  - id: 2\n    name: Grace\n    tags[0]:"
const table = { users: [{ id: 1, name: "Ada" }, { id: 2, name: "Grace" }] }
const tableKtof = "users[2]{id,name}:\n  1,Ada\n  2,Grace"

/** What the engine answers in-process: the expected values of the CLI's runs. */
const engine = <A>(f: (kaizen: KaizenClient["Type"]) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(
    Effect.flatMap(KaizenClient, f).pipe(
      Effect.provide(KaizenClient.layer({ retry: false }).pipe(Layer.provide(KaizenLocal.layerHttpClient())))
    )
  )

const bytes = (text: string) => Buffer.byteLength(text, "utf8")

describe("kaizen on the embedded engine", () => {
  it("compresses a file to KTOF on stdout, and standard input (-) the same, options after it", async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, "data.json")
      writeFileSync(file, JSON.stringify(data, null, 2))
      const [fromFile, fromStdin] = await Promise.all([
        inProcess(["compress", file, "--local"]),
        inProcess(["compress", "-", "--local"], { stdin: JSON.stringify(data) })
      ])
      for (const run of [fromFile, fromStdin]) {
        expect(run).toMatchObject({ code: 0, stdout: `${ktof}\n`, stderr: "" })
      }
    } finally {
      dir.remove()
    }
  })

  it("pipes: kaizen compress | kaizen decompress - gives the data back", async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, "data.json")
      writeFileSync(file, JSON.stringify(data))
      const run = await shell(`kaizen compress "${file}" --local | kaizen decompress - --local`)
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toEqual(data)
      // Prompts: encode | decode, with metadata replayed into the response's meta.
      const prompt = await shell(`kaizen encode "${examplePrompt}" --local | kaizen decode - --local --json --replay-meta turn=3`)
      expect(prompt.code).toBe(0)
      const envelope = JSON.parse(prompt.stdout)
      expect(envelope.result).toEqual(JSON.parse(readFileSync(examplePrompt, "utf8")))
      expect(envelope.meta).toEqual({ turn: "3" })
    } finally {
      dir.remove()
    }
  }, PROCESS_TIMEOUT)

  it("maps --indent, --delimiter, --length-marker, --strict/--no-strict onto the request", async () => {
    const [encoded, strict, lenient, explicitStrict] = await Promise.all([
      inProcess(["compress", "-", "--local", "--delimiter", "pipe", "--length-marker", "--indent", "4"], {
        stdin: JSON.stringify(table)
      }),
      // Three rows announced, two given: a strict decode refuses (the engine answers 400).
      inProcess(["decompress", "-", "--local"], { stdin: "users[3]{id,name}:\n  1,Ada\n  2,Grace\n" }),
      inProcess(["decompress", "-", "--local", "--no-strict"], { stdin: "users[3]{id,name}:\n  1,Ada\n  2,Grace\n" }),
      inProcess(["decompress", "-", "--local", "--strict"], { stdin: "users[3]{id,name}:\n  1,Ada\n  2,Grace\n" })
    ])
    expect(encoded).toMatchObject({ code: 0, stdout: "users[#2|]{id|name}:\n    1|Ada\n    2|Grace\n" })
    expect(strict.code).toBe(2)
    expect(strict.stderr).toMatch(/^kaizen decompress: Kaizen API error 400 on POST \/v1\/decompress: Invalid KTOF/)
    expect(strict.stderr).toContain("hint: check the input and the options")
    expect(explicitStrict.code).toBe(2)
    expect(lenient.code).toBe(0)
    expect(JSON.parse(lenient.stdout)).toEqual(table)
  })

  it("optimize-request: a text prompt's embedded JSON is re-encoded, unless --no-auto-detect-json; --text", async () => {
    const text = `Summarise these users: ${JSON.stringify(table)} please.`
    const [detected, plain, asText, expected] = await Promise.all([
      inProcess(["optimize-request", "-", "--local", "--json"], { stdin: text }),
      inProcess(["optimize-request", "-", "--local", "--json", "--no-auto-detect-json"], { stdin: text }),
      inProcess(["optimize-request", "-", "--local", "--json", "--text", "--metadata", "trace=t-1", "--metadata", "team=cli"], {
        stdin: JSON.stringify(table)
      }),
      engine((k) => k.optimizeRequest({ prompt: text }))
    ])
    expect(JSON.parse(detected.stdout)).toEqual(JSON.parse(JSON.stringify(expected)))
    expect(JSON.parse(detected.stdout).meta.auto_detection_applied).toBe(true)
    expect(JSON.parse(plain.stdout).meta).toMatchObject({ auto_detected_json: false, auto_detection_applied: false })
    // --text: JSON input sent as a string prompt, so the result is the KTOF of a string.
    const envelope = JSON.parse(asText.stdout)
    expect(envelope.meta.client_metadata).toEqual({ trace: "t-1", team: "cli" })
    expect(envelope.result).not.toBe(tableKtof)
  })

  it("--json prints the envelope; --output writes the result to a file and nothing to stdout", async () => {
    const dir = tempDir()
    try {
      const out = join(dir.path, "out.ktof")
      const [json, written, expected] = await Promise.all([
        inProcess(["optimize", examplePrompt, "--local", "--json", "--token-model", "gpt-4o-mini"]),
        inProcess(["optimize", examplePrompt, "--local", "-o", out]),
        engine((k) => k.optimize({ data: JSON.parse(readFileSync(examplePrompt, "utf8")), token_models: ["gpt-4o-mini"] }))
      ])
      expect(json.code).toBe(0)
      expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(expected)))
      expect(written).toMatchObject({ code: 0, stdout: "", stderr: "" })
      expect(readFileSync(out, "utf8")).toBe(`${expected.result}\n`)
    } finally {
      dir.remove()
    }
  })

  it("prints the summary line on stderr when it is a terminal (KAIZEN_FORCE_TTY=1), with tokens per model", async () => {
    const prompt = JSON.parse(readFileSync(examplePrompt, "utf8"))
    const [run, expected] = await Promise.all([
      inProcess(["encode", examplePrompt, "--local", "--token-model", "gpt-4o-mini", "--token-model", "gpt-4"], {
        env: { KAIZEN_FORCE_TTY: "1" }
      }),
      engine((k) => k.promptsEncode({ prompt, token_models: ["gpt-4o-mini", "gpt-4"] }))
    ])
    expect(run.code).toBe(0)
    expect(run.stdout).toBe(`${expected.result}\n`)
    const before = bytes(JSON.stringify(prompt))
    const after = bytes(expected.result)
    const stats = expected.token_stats as {
      raw: Record<string, { tokens: number }>
      optimized: Record<string, { tokens: number }>
    }
    const pct = (b: number, a: number) => ((1 - a / b) * 100).toFixed(1)
    const tokens = (model: string) => {
      const [b, a] = [stats.raw[model]!.tokens, stats.optimized[model]!.tokens]
      return `${model}: ${b.toLocaleString("en-US")} → ${a.toLocaleString("en-US")} tokens, ${pct(b, a)}% fewer`
    }
    expect(run.stderr).toBe(
      `kaizen encode: ${before.toLocaleString("en-US")} B JSON → ${after.toLocaleString("en-US")} B KTOF, ${
        pct(before, after)
      }% smaller; ${tokens("gpt-4o-mini")}; ${tokens("gpt-4")}\n`
    )
  })

  it("--max-body-bytes: the engine refuses larger bodies with a 413 whose hint names the flag; by default the service's 10 MiB", async () => {
    const small = JSON.stringify({ blob: "x".repeat(200) })
    // Just over the service's limit, as compact JSON (what is sent).
    const large = JSON.stringify({ blob: "x".repeat(KaizenLocal.DEFAULT_MAX_BODY_BYTES) })
    const [limited, raised, byDefault] = await Promise.all([
      inProcess(["compress", "-", "--local", "--max-body-bytes", "100"], { stdin: small }),
      inProcess(["compress", "-", "--local", "--max-body-bytes", "1000"], { stdin: small }),
      inProcess(["compress", "-", "--local"], { stdin: large })
    ])
    expect(limited).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "kaizen compress: Kaizen API error 413 on POST /v1/compress: Request body too large: the limit is 100 bytes\n" +
        "hint: the embedded engine refuses bodies over 100 bytes, as the service does: raise the limit with --max-body-bytes BYTES, or split the input\n"
    })
    expect(raised).toMatchObject({ code: 0, stdout: `blob: ${"x".repeat(200)}\n` })
    expect(byDefault.code).toBe(2)
    expect(byDefault.stderr).toContain(
      `the limit is ${KaizenLocal.DEFAULT_MAX_BODY_BYTES} bytes\nhint: the embedded engine refuses bodies over ${
        KaizenLocal.DEFAULT_MAX_BODY_BYTES.toLocaleString("en-US")
      } bytes`
    )
  })

  it("health on the engine", async () => {
    const run = await inProcess(["health", "--local"])
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout).status).toBe("ok")
  })
})

describe("usage and bad input: exit code 1, one or two lines, no stack trace", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly args: ReadonlyArray<string>
    readonly stdin?: string
    readonly env?: Record<string, string>
    readonly stderr: RegExp
  }> = [
    { name: "a missing file", args: ["compress", "nope.json", "--local"], stderr: /^kaizen compress: cannot read nope\.json: no such file or directory\n$/ },
    {
      name: "invalid JSON, with its line and column",
      args: ["compress", "-", "--local"],
      stdin: "{\n  \"a\": 1,\n}",
      stderr: /^kaizen compress: standard input is not valid JSON: .* at line 3, column 1\n$/
    },
    { name: "an invalid option value", args: ["compress", "-", "--local", "--indent", "0"], stderr: /--indent must be a whole number >= 1/ },
    { name: "not an integer", args: ["compress", "-", "--local", "--concurrency", "abc"], stderr: /^kaizen compress: 'abc' is not an integer\n$/ },
    { name: "a flag given twice", args: ["compress", "-", "--local", "--local"], stderr: /^kaizen compress: --local is given twice\nhint: pass it once\n$/ },
    {
      name: "a flag given three times, by both spellings, values skipped",
      args: ["--local", "compress", "-", "-o", "--local", "--output=x", "--metadata", "a=1", "--metadata", "b=2", "--output", "y"],
      stderr: /^kaizen compress: --output is given 3 times\n/
    },
    { name: "help on an unknown command", args: ["help", "compres"], stderr: /^kaizen: unknown command compres\nhint: the commands are compress, /ms },
    { name: "an unknown delimiter", args: ["compress", "-", "--local", "--delimiter", ";"], stderr: /--delimiter must be comma/ },
    { name: "a mistyped flag", args: ["compress", "-", "--local", "--indnet", "2"], stderr: /--indnet/ },
    { name: "an option of another command", args: ["compress", "-", "--local", "--token-model", "gpt-4o"], stderr: /unknown option --token-model/ },
    { name: "no input", args: ["compress", "--local"], stderr: /no input\nhint: give a file, a directory, or - to read standard input/ },
    { name: "an unknown command", args: ["compres"], stderr: /^kaizen: unknown command compres\nhint: the commands are compress, decompress, /ms },
    { name: "--local with --base-url", args: ["compress", "-", "--local", "--base-url", "http://x"], stderr: /--local and --base-url/ },
    {
      name: "--max-body-bytes without the engine",
      args: ["compress", "-", "--max-body-bytes", "100"],
      stdin: "{}",
      stderr: /^kaizen compress: --max-body-bytes sets the embedded engine's limit; a remote service keeps its own\nhint: pass --local too/
    },
    { name: "--max-body-bytes 0", args: ["compress", "-", "--local", "--max-body-bytes", "0"], stderr: /--max-body-bytes must be a whole number >= 1/ },
    { name: "--wizard", args: ["compress", "-", "--wizard"], stderr: /^kaizen compress: unknown option --wizard\n/ },
    { name: "--completions", args: ["--completions", "bash"], stderr: /^kaizen: unknown option --completions\n/ },
    {
      name: "a bad KAIZEN_TIMEOUT",
      args: ["compress", "-"],
      stdin: "{}",
      env: { KAIZEN_TIMEOUT: "soon" },
      stderr: /^kaizen compress: invalid configuration: KAIZEN_TIMEOUT: .*"soon".*\nhint: fix the KAIZEN_\* variable/
    },
    { name: "a bad --base-url", args: ["compress", "-", "--base-url", "ftp://x"], stdin: "{}", stderr: /--base-url: "ftp:" is not supported/ },
    { name: "--output with several inputs", args: ["compress", "a.json", "b.json", "-o", "x", "--local"], stderr: /--output names one file/ },
    { name: "several inputs and no --out-dir", args: ["compress", "a.json", "b.json", "--local"], stderr: /2 inputs and nowhere to write them\nhint: pass --out-dir/ }
  ]

  it("each is told, with exit code 1", async () => {
    const runs = await Promise.all(cases.map((c) => inProcess(c.args, { ...(c.stdin === undefined ? {} : { stdin: c.stdin }), ...(c.env === undefined ? {} : { env: c.env }) })))
    runs.forEach((run, i) => {
      const c = cases[i]!
      expect({ case: c.name, code: run.code, stdout: run.stdout }).toEqual({ case: c.name, code: 1, stdout: "" })
      expect(run.stderr, c.name).toMatch(c.stderr)
      expect(run.stderr, c.name).not.toMatch(/\n\s+at |Error:|FiberFailure/)
    })
  })
})

describe("options before the command, as after it", () => {
  it("kaizen --local compress f.json is kaizen compress f.json --local; an option's value is not the command", async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, "data.json")
      writeFileSync(file, JSON.stringify(data))
      const small = JSON.stringify({ blob: "x".repeat(200) })
      const [before, after, valued, decoded] = await Promise.all([
        inProcess(["--local", "compress", file]),
        inProcess(["compress", file, "--local"]),
        inProcess(["--max-body-bytes", "100", "--local", "compress", "-"], { stdin: small }),
        inProcess(["--local", "--indent", "2", "decompress", "-"], { stdin: ktof })
      ])
      expect(before).toMatchObject({ code: 0, stdout: `${ktof}\n`, stderr: "" })
      expect(before).toEqual(after)
      expect(valued.code).toBe(2)
      expect(valued.stderr).toMatch(/^kaizen compress: .*the limit is 100 bytes\n/)
      expect(decoded.code).toBe(0)
      expect(JSON.parse(decoded.stdout)).toEqual(data)
    } finally {
      dir.remove()
    }
  })
})

describe("empty input to a decode command: exit code 2, no input", () => {
  it("standard input or a file, empty or blank; in a batch, that input's failure", async () => {
    const dir = tempDir()
    try {
      const empty = join(dir.path, "empty.ktof")
      writeFileSync(empty, "")
      writeFileSync(join(dir.path, "full.ktof"), tableKtof)
      const [stdin, blank, file, response, batch] = await Promise.all([
        inProcess(["decompress", "-", "--local"], { stdin: "" }),
        inProcess(["decode", "-", "--local"], { stdin: " \n\n" }),
        inProcess(["decompress", empty, "--local"]),
        inProcess(["optimize-response", "-", "--local"], { stdin: "" }),
        inProcess(["decompress", dir.path, "--out-dir", join(dir.path, "out"), "--local"])
      ])
      for (const run of [stdin, blank, response]) {
        expect(run).toMatchObject({ code: 2, stdout: "" })
        expect(run.stderr).toMatch(/^kaizen [a-z-]+: no input: standard input is empty\nhint: did the command before the pipe fail\?\n$/)
      }
      expect(file).toMatchObject({ code: 2, stdout: "", stderr: `kaizen decompress: no input: ${empty} is empty\n` })
      expect(batch.code).toBe(2)
      expect(batch.stderr).toContain(`failed no input: ${empty} is empty\n`)
      expect(JSON.parse(readFileSync(join(dir.path, "out", "full.json"), "utf8"))).toEqual(table)
    } finally {
      dir.remove()
    }
  })
})

describe("no command", () => {
  it("kaizen alone, or with options only: the usage on stderr, exit code 2; --help, help and --version (-v) on stdout, exit code 0", async () => {
    const [alone, optionsOnly, help, version, v, helpCommand, helpOf, helpOfCompress] = await Promise.all([
      inProcess([]),
      inProcess(["--local"]),
      inProcess(["--help"]),
      inProcess(["--version"]),
      inProcess(["-v"]),
      inProcess(["help"]),
      inProcess(["help", "compress"]),
      inProcess(["compress", "--help"])
    ])
    for (const run of [alone, optionsOnly]) {
      expect(run).toMatchObject({ code: 2, stdout: "" })
      expect(run.stderr).toMatch(/^Usage: kaizen <command> \[options\] <file>\.\.\.\n/)
    }
    expect(help).toMatchObject({ code: 0, stderr: "" })
    expect(help.stdout).toMatch(/^Usage: kaizen <command> \[options\] <file>\.\.\.\n/)
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}\n` })
    // -v is --version; kaizen help [command] is --help.
    expect(v).toEqual(version)
    expect(helpCommand).toEqual(help)
    expect(helpOf).toEqual(helpOfCompress)
    expect(helpOf.stdout).toMatch(/^Usage: kaizen compress /)
  })
})

describe("batch", () => {
  it("compresses a directory, 2 at a time, one output per input; a failed input fails the run but not the others", async () => {
    const dir = tempDir()
    try {
      const input = join(dir.path, "in")
      const out = join(dir.path, "out")
      mkdirSync(input)
      const files = { "a.json": table, "c.json": data, "d.json": [1, 2, 3] }
      for (const [name, value] of Object.entries(files)) writeFileSync(join(input, name), JSON.stringify(value))
      writeFileSync(join(input, "b.json"), "{ not json")
      writeFileSync(join(input, "notes.md"), "not an input of compress")

      const run = await inProcess(["compress", input, "--out-dir", out, "--concurrency", "2", "--local"])
      expect(run.code).toBe(1)
      const expected = await engine((k) =>
        Effect.forEach(Object.values(files), (value) => Effect.map(k.compress({ data: value }), (r) => r.result))
      )
      Object.keys(files).forEach((name, i) => {
        expect(readFileSync(join(out, name.replace(".json", ".ktof")), "utf8")).toBe(`${expected[i]}\n`)
      })
      // Plain lines on a non-terminal stderr, one per input, then the verdict.
      const lines = run.stderr.trimEnd().split("\n")
      expect(lines).toHaveLength(5)
      expect(lines.filter((l) => /^\[\d\/4\] ok /.test(l))).toHaveLength(3)
      expect(lines.filter((l) => /^\[\d\/4\] failed .*b\.json is not valid JSON/.test(l))).toHaveLength(1)
      expect(lines[4]).toBe(`kaizen compress: 1 of 4 inputs failed; the other 3 were written to ${out}`)
      // The closing table: a row per input in order, then the totals of those that succeeded.
      const rows = run.stdout.trimEnd().split("\n")
      expect(rows[0]).toMatch(/^input\s+output\s+bytes before\s+after\s+change$/)
      expect(rows.slice(1, 5).map((r) => r.split(/\s+/)[0])).toEqual(["a", "b", "c", "d"].map((n) => join(input, `${n}.json`)))
      // Why it failed was told once, on stderr; the table says only that it did.
      expect(rows[2]).toBe(`${join(input, "b.json")}  failed`)
      const before = Object.values(files).reduce((n, v) => n + bytes(JSON.stringify(v)), 0)
      const after = expected.reduce((n, k) => n + bytes(k), 0)
      expect(rows[5]).toMatch(new RegExp(`^total \\(3 of 4\\)\\s+${before}\\s+${after}\\s+${((1 - after / before) * 100).toFixed(1)}% smaller$`))
    } finally {
      dir.remove()
    }
  })

  it("a missing input and an output that cannot be written are each their input's own failure, told once, in turn", async () => {
    const dir = tempDir()
    try {
      const [a, missing, c] = ["a", "missing", "c"].map((n) => join(dir.path, `${n}.json`))
      writeFileSync(a!, JSON.stringify(table))
      writeFileSync(c!, JSON.stringify(data))
      const out = join(dir.path, "out")
      // c's output is a directory: its call succeeds, its write fails.
      mkdirSync(join(out, "c.ktof"), { recursive: true })

      const run = await inProcess(["compress", a!, missing!, c!, "--out-dir", out, "--concurrency", "1", "--local"])
      expect(run.code).toBe(1)
      expect(readFileSync(join(out, "a.ktof"), "utf8")).toBe(`${tableKtof}\n`)
      const lines = run.stderr.trimEnd().split("\n")
      expect(lines).toHaveLength(4)
      expect(lines[0]).toMatch(/^\[1\/3\] ok .*a\.json → .*a\.ktof /)
      expect(lines[1]).toBe(`[2/3] failed cannot read ${missing}: no such file or directory`)
      expect(lines[2]).toMatch(new RegExp(`^\\[3/3\\] failed ${c}: cannot write ${join(out, "c.ktof")}: `))
      expect(lines[3]).toBe(`kaizen compress: 2 of 3 inputs failed; the other was written to ${out}`)
      const rows = run.stdout.trimEnd().split("\n")
      expect(rows.slice(1, 4).map((r) => r.split(/\s+/).slice(0, 2))).toEqual([[a, join(out, "a.ktof")], [missing, "failed"], [c, "failed"]])
    } finally {
      dir.remove()
    }
  })

  it("draws a progress bar when stderr is a terminal, and refuses outputs that would overwrite an input", async () => {
    const dir = tempDir()
    try {
      for (const name of ["a", "b", "c"]) writeFileSync(join(dir.path, `${name}.json`), JSON.stringify(table))
      const inputs = ["a", "b", "c"].map((n) => join(dir.path, `${n}.json`))
      const [run, clash] = await Promise.all([
        inProcess(["optimize", ...inputs, "--out-dir", join(dir.path, "out"), "--local", "--token-model", "gpt-4o"], {
          env: { KAIZEN_FORCE_TTY: "1" }
        }),
        inProcess(["compress", ...inputs, "--out-dir", dir.path, "--local", "--json"])
      ])
      expect(run.code).toBe(0)
      // Redrawn with a carriage return and spaces: no escape sequence.
      expect(run.stderr).toContain("\r[########################] 3/3 ")
      expect(run.stderr).not.toContain("\x1b")
      expect(run.stdout).toMatch(/gpt-4o tokens\n/)
      expect(clash.code).toBe(1)
      expect(clash.stderr).toMatch(/would overwrite the input/)
    } finally {
      dir.remove()
    }
  })
})
