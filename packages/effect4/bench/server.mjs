// The bench's server, in its own process: a fixed compress answer, keep-alive, as fast as node:http goes.
import { createServer } from "node:http"

const body = JSON.stringify({ operation: "compress", status: "success", result: "users[2]{id,name}:\n  1,Ada\n  2,Grace", stats: { original_length: 52, optimized_length: 36 } })
const server = createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    res.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => process.send?.({ port: server.address().port }))
