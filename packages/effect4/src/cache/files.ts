/**
 * The file tier's disk: Effect 4's `KeyValueStore.layerFileSystem` (its file format, one file
 * per entry) over a `FileSystem` of the few Node calls it makes. The Effect 3 line takes the
 * platform package's `NodeKeyValueStore`; this line's only Node dependency is undici, so the
 * calls are made here, on `node:fs/promises`, loaded when the layer is built.
 *
 * A write goes to a file of its own, then is renamed over the entry: processes sharing the
 * directory never read half an answer (a rename replaces a file whole).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Path from "effect/Path"
import * as KeyValueStore from "effect/persistence/KeyValueStore"
import * as PlatformError from "effect/PlatformError"

type Fs = typeof import("node:fs/promises")

const systemError = (method: string, path: string, cause: unknown): PlatformError.PlatformError =>
  PlatformError.systemError({
    _tag: (cause as { code?: unknown } | undefined)?.code === "ENOENT" ? "NotFound" : "Unknown",
    module: "FileSystem",
    method,
    pathOrDescriptor: path,
    cause
  })

const call = <A>(method: string, path: string, f: () => Promise<A>): Effect.Effect<A, PlatformError.PlatformError> =>
  Effect.tryPromise({ try: f, catch: (cause) => systemError(method, path, cause) })

let sequence = 0

const nodeFileSystem = (fs: Fs): FileSystem.FileSystem => {
  const writeWhole = (method: string, path: string, data: string | Uint8Array) =>
    call(method, path, async () => {
      const temporary = `${path}.${process.pid}.${++sequence}.tmp`
      try {
        await fs.writeFile(temporary, data)
        await fs.rename(temporary, path)
      } catch (error) {
        await fs.rm(temporary, { force: true })
        throw error
      }
    })
  return FileSystem.makeNoop({
    exists: (path) => Effect.promise(() => fs.access(path).then(() => true, () => false)),
    makeDirectory: (path, options) =>
      call("makeDirectory", path, () => fs.mkdir(path, { recursive: options?.recursive ?? false }).then(() => undefined)),
    readFile: (path) => call("readFile", path, () => fs.readFile(path)),
    readFileString: (path) => call("readFileString", path, () => fs.readFile(path, "utf8")),
    writeFile: (path, data) => writeWhole("writeFile", path, data),
    writeFileString: (path, data) => writeWhole("writeFileString", path, data),
    remove: (path, options) =>
      call("remove", path, () => fs.rm(path, { recursive: options?.recursive ?? false, force: options?.force ?? false }))
  })
}

/** A `KeyValueStore` in files under `directory` (created if missing). */
export const layerKeyValueStore = (
  directory: string
): Layer.Layer<KeyValueStore.KeyValueStore, PlatformError.PlatformError> =>
  KeyValueStore.layerFileSystem(directory).pipe(
    Layer.provide(Layer.effect(FileSystem.FileSystem, Effect.map(Effect.promise(() => import("node:fs/promises")), nodeFileSystem))),
    Layer.provide(Path.layer)
  )
