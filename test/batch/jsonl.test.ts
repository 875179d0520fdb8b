/**
 * The README's JSONL example, run: a real file read through @effect/platform's FileSystem,
 * compressed on the embedded engine, and written back one line per record.
 */
import { FileSystem } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { expect, it } from "@effect/vitest"
import { Console, Effect, Either, Layer, Schema, Stream } from "effect"
import { KaizenBatch, KaizenClient, KaizenLocal } from "../../src/index.js"

// As in the README, section "Bulk calls: KaizenBatch".
const compressJsonl = (src: string, dest: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    yield* fs.stream(src).pipe(
      Stream.decodeText(),
      Stream.splitLines,
      Stream.filter((line) => line.trim() !== ""),
      // A line that is not JSON ends the run with a ParseError: the file is not JSONL.
      Stream.mapEffect(Schema.decodeUnknown(Schema.parseJson())),
      Stream.map((data) => ({ data })),
      KaizenBatch.stream("compress", {
        onProgress: (p) => (p.completed % 10_000 === 0 ? Console.log(`${p.completed} done, ${p.failed} failed`) : Effect.void)
      }),
      Stream.zipWithIndex,
      Stream.map(([result, record]) =>
        JSON.stringify(Either.match(result, {
          onLeft: (error) => ({ record, error: error.message }),
          onRight: (response) => ({ record, ktof: response.result })
        })) + "\n"
      ),
      Stream.encodeText,
      Stream.run(fs.sink(dest))
    )
  })

const engine = KaizenClient.layer({ baseUrl: "http://kaizen.local" }).pipe(Layer.provide(KaizenLocal.layerHttpClient()))

it.scoped("the README's JSONL example: one output line per record, in order, a bad record its own error", () =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const dir = yield* fs.makeTempDirectoryScoped()
    const records = Array.from({ length: 500 }, (_, id) => ({ id, name: `user-${id}` }))
    // Record 3's number is beyond a double: JSON.parse makes it Infinity, which is refused unsent.
    const lines = records.map((r) => JSON.stringify(r))
    lines[3] = "{\"id\":3,\"name\":\"user-3\",\"score\":1e400}"
    yield* fs.writeFileString(`${dir}/in.jsonl`, lines.join("\n") + "\n")

    yield* compressJsonl(`${dir}/in.jsonl`, `${dir}/out.jsonl`).pipe(Effect.provide(engine))

    const out = (yield* fs.readFileString(`${dir}/out.jsonl`)).trimEnd().split("\n").map((line) => JSON.parse(line))
    expect(out.map((o) => o.record)).toEqual(records.map((_, i) => i))
    expect(out[3].error).toContain("Invalid compress request (nothing was sent)")
    // Every other line's KTOF decodes back to its record.
    const kaizen = yield* Effect.provide(KaizenClient, engine)
    const decoded = yield* Effect.forEach(
      out.filter((o) => o.record !== 3),
      (o) => Effect.map(kaizen.decompress({ data: o.ktof }), (d) => d.result)
    )
    expect(decoded).toEqual(records.filter((r) => r.id !== 3))
  }).pipe(Effect.provide(NodeContext.layer)))
