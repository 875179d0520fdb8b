/**
 * An `HttpClientResponse` over a body already in memory: Kaizen bodies are small JSON read whole.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

const decoder = new TextDecoder()
const encoder = new TextEncoder()

export class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedText: string | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>,
    private readonly body: Uint8Array | string,
    /** The connection failed after the headers: reading the body fails with it. */
    private readonly bodyError?: unknown
  ) {
    super()
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders as Record<string, string | ReadonlyArray<string>>)
  }

  get cookies(): Cookies.Cookies {
    const setCookie = this.rawHeaders["set-cookie"]
    if (setCookie === undefined) return Cookies.empty
    return Cookies.fromSetCookie(typeof setCookie === "string" ? [setCookie] : setCookie)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown) {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  private bytes(): Uint8Array {
    return this.body instanceof Uint8Array ? this.body : encoder.encode(this.readText())
  }

  private readText(): string {
    const body = this.body
    return this.cachedText ??= typeof body === "string" ? body : decoder.decode(body)
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    if (this.bodyError !== undefined) return Effect.fail(this.decodeError(this.bodyError))
    return Effect.sync(() => this.readText())
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    if (this.bodyError !== undefined) return Effect.fail(this.decodeError(this.bodyError))
    return Effect.sync(() => {
      const bytes = this.bytes()
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    if (this.bodyError !== undefined) return Effect.fail(this.decodeError(this.bodyError))
    return Effect.tryPromise({
      try: () => new Response(this.bytes(), { headers: this.headers as Record<string, string> }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    if (this.bodyError !== undefined) return Stream.fail(this.decodeError(this.bodyError))
    return Stream.sync(() => this.bytes())
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
