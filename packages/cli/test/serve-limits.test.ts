/**
 * `kaizen serve`'s limit flags reach the server: the built CLI answers a raw socket client as
 * its flags say. Each test starts one server.
 */
import { expect, it } from "vitest"
import { connect } from "../../../test/support/rawHttp.js"
import { serve } from "./support.js"

const head = (length: number) =>
  `POST /v1/compress HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`

const withServe = async (args: ReadonlyArray<string>, use: (port: number) => Promise<void>) => {
  const served = await serve(args)
  try {
    await use(Number(new URL(served.url).port))
  } finally {
    expect((await served.stop()).code).toBe(0)
  }
}

it("--headers-timeout, --body-timeout and --max-body-bytes bound the server", () =>
  withServe(["--headers-timeout", "0.2", "--body-timeout", "0.2", "--max-body-bytes", "1000"], async (port) => {
    // A connection that sends nothing is closed once the headers timeout has passed.
    expect((await (await connect(port)).ended).response?.status).toBe(408)
    // A body that never comes, once the body timeout has.
    const stalled = await connect(port)
    await stalled.send(head(900))
    const ending = await stalled.ended
    expect(ending.response?.status).toBe(408)
    expect(JSON.parse(ending.response?.body ?? "{}")).toEqual({ detail: "The request body did not arrive within 200ms" })
    const large = await connect(port)
    await large.send(head(1001))
    expect((await large.response)?.status).toBe(413)
    await large.ended
  }))

it("--max-in-flight-bytes caps the bytes held across requests", () =>
  withServe(["--max-body-bytes", "1000", "--max-in-flight-bytes", "1500"], async (port) => {
    // Two clients announce 900 bytes each; 1,500 holds one. The one held waits for its body,
    // so the first answer is the other's.
    const clients = [await connect(port), await connect(port)]
    for (const client of clients) await client.send(head(900))
    const refused = await Promise.race(clients.map((client) => client.response.then(() => client)))
    const response = await refused.response
    expect(response?.status).toBe(503)
    expect(response?.headers["retry-after"]).toBe("1")
    const body = `{"data":"${"x".repeat(900 - 11)}"}`
    for (const client of clients) await client.send(body)
    const held = clients.find((client) => client !== refused)!
    expect((await held.response)?.status).toBe(200)
    await Promise.all(clients.map((client) => client.ended))
  }))
