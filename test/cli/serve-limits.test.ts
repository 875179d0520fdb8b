/**
 * `kaizen serve`'s limit flags reach the server: the built CLI, started once, answers a raw
 * socket client as its flags say.
 */
import { expect, it } from "vitest"
import { connect } from "../support/rawHttp.js"
import { serve } from "./support.js"

const head = (length: number) =>
  `POST /v1/compress HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`

it("--headers-timeout, --body-timeout, --max-body-bytes and --max-in-flight-bytes bound the server", async () => {
  const served = await serve([
    ...["--headers-timeout", "0.2", "--body-timeout", "0.2"],
    ...["--max-body-bytes", "1000", "--max-in-flight-bytes", "1500"]
  ])
  try {
    const port = Number(new URL(served.url).port)
    // One request holds 900 bytes of the 1,500 (announced, sent later); a second can't.
    const holder = await connect(port)
    await holder.send(head(900))
    const refused = await connect(port)
    await refused.send(head(900))
    expect((await refused.response)?.headers["retry-after"]).toBe("1")
    expect((await refused.response)?.status).toBe(503)
    // The holder never sends its body: the body timeout ends it.
    const ending = await holder.ended
    expect(ending.response?.status).toBe(408)
    expect(JSON.parse(ending.response?.body ?? "{}")).toEqual({ detail: "The request body did not arrive within 200ms" })
    // A connection that sends nothing is closed once the headers timeout has passed.
    expect((await (await connect(port)).ended).response?.status).toBe(408)
    const large = await connect(port)
    await large.send(head(1001))
    expect((await large.response)?.status).toBe(413)
    await large.send("x".repeat(1001))
    await Promise.all([refused.ended, large.ended])
  } finally {
    const run = await served.stop()
    expect(run.code).toBe(0)
  }
})
