/**
 * JSON text to a value without losing an integer: what `JSON.parse` gives, except that an
 * integer literal beyond 2^53 (`9007199254740993`, `123456789012345678901234567890`) is a
 * `bigint` holding every digit. The service (Python's `json`) reads such a literal as an exact
 * `int` and its codec writes it digit for digit; a double would round it without a word.
 *
 * `JSON.parse` (native, fast) is used whenever the text has no run of 16 digits, since only
 * such a run can spell an integer past 2^53; otherwise this module's own reader runs. On text
 * that is not JSON the reader defers to `JSON.parse` for the error, so both routes fail with
 * the same message. Objects are built as `JSON.parse` builds them: a `__proto__` key is an
 * own field (defined, never assigned, which would set the prototype), the last of two equal
 * keys wins.
 *
 * {@link stringifyJson} writes such a value back as JSON text with the digits unquoted.
 */

// 2^53 has 16 digits: a shorter integer literal is always exact as a double.
const longDigitRun = /\d{16}/

/** Thrown inside the reader on anything it does not read; the caller then asks `JSON.parse` why. */
class NotRead extends Error {}

const numberToken = /-?(?:0|[1-9]\d*)(?:(\.\d+)?([eE][+-]?\d+)?)/y
const whitespace = /[ \t\n\r]*/y

/** Containers nested deeper than this are left to `JSON.parse` (the readers recurse). */
const READER_DEPTH = 2_000

class Reader {
  private at = 0
  constructor(private readonly text: string) {}

  private skip(): void {
    whitespace.lastIndex = this.at
    whitespace.test(this.text)
    this.at = whitespace.lastIndex
  }

  private expect(char: string): void {
    if (this.text[this.at] !== char) throw new NotRead()
    this.at++
  }

  document(): unknown {
    const value = this.value(0)
    this.skip()
    if (this.at !== this.text.length) throw new NotRead()
    return value
  }

  private value(depth: number): unknown {
    this.skip()
    const c = this.text[this.at]
    switch (c) {
      case "{":
        return this.object(depth + 1)
      case "[":
        return this.array(depth + 1)
      case "\"":
        return this.string()
      case "t":
        return this.literal("true", true)
      case "f":
        return this.literal("false", false)
      case "n":
        return this.literal("null", null)
      default:
        return this.number()
    }
  }

  private literal<A>(word: string, value: A): A {
    if (!this.text.startsWith(word, this.at)) throw new NotRead()
    this.at += word.length
    return value
  }

  private number(): number | bigint {
    numberToken.lastIndex = this.at
    const match = numberToken.exec(this.text)
    if (match === null) throw new NotRead()
    this.at = numberToken.lastIndex
    const token = match[0]
    const value = Number(token)
    // An integer literal keeps every digit; a fraction or an exponent makes it a float, as
    // Python reads it too.
    if (match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(value)) return BigInt(token)
    return value
  }

  private string(): string {
    const start = this.at
    let end = start + 1
    let escaped = false
    for (;; end++) {
      const code = this.text.charCodeAt(end)
      if (Number.isNaN(code) || code < 0x20) throw new NotRead()
      if (code === 0x22) break
      if (code === 0x5c) {
        escaped = true
        end++
      }
    }
    this.at = end + 1
    if (!escaped) return this.text.slice(start + 1, end)
    // Escapes are JSON.parse's to read: the same text gives the same string (a bad one, the
    // whole text's error).
    try {
      return JSON.parse(this.text.slice(start, end + 1)) as string
    } catch {
      throw new NotRead()
    }
  }

  private array(depth: number): Array<unknown> {
    if (depth > READER_DEPTH) throw new NotRead()
    this.at++
    const items: Array<unknown> = []
    this.skip()
    if (this.text[this.at] === "]") {
      this.at++
      return items
    }
    for (;;) {
      items.push(this.value(depth))
      this.skip()
      if (this.text[this.at] === "]") {
        this.at++
        return items
      }
      this.expect(",")
    }
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > READER_DEPTH) throw new NotRead()
    this.at++
    const object: Record<string, unknown> = {}
    this.skip()
    if (this.text[this.at] === "}") {
      this.at++
      return object
    }
    for (;;) {
      this.skip()
      if (this.text[this.at] !== "\"") throw new NotRead()
      const key = this.string()
      this.skip()
      this.expect(":")
      const value = this.value(depth)
      if (key === "__proto__") {
        Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true })
      } else {
        object[key] = value
      }
      this.skip()
      if (this.text[this.at] === "}") {
        this.at++
        return object
      }
      this.expect(",")
    }
  }
}

/**
 * `text` as a JSON value, integers past 2^53 as exact `bigint`s. Throws `JSON.parse`'s
 * `SyntaxError` on text that is not JSON.
 */
export const parseJson = (text: string): unknown => {
  if (!longDigitRun.test(text)) return JSON.parse(text)
  try {
    return new Reader(text).document()
  } catch (error) {
    if (!(error instanceof NotRead)) throw error
    // Not JSON (JSON.parse says where), or deeper than the reader goes: then JSON.parse's
    // value, which the depth check refuses anyway.
    return JSON.parse(text)
  }
}

// A stand-in no JSON text of a checked value holds: a lone surrogate, which JSON.stringify
// escapes as `\ud800` and which the engine refuses in any string or key (guard.ts).
const STAND_IN = "\ud800"
const standIns = /"\\ud800(-?\d+)"/g

/**
 * `JSON.stringify(value)`, writing a `bigint` as its digits. Values without one take the plain
 * call; a value with one (it throws there) is written with a stand-in replaced afterwards.
 */
export const stringifyJson = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/.test(error.message)) throw error
    return JSON.stringify(value, (_key, item: unknown) => typeof item === "bigint" ? STAND_IN + item.toString() : item)
      .replace(standIns, "$1")
  }
}
