// The benchmark's loopback server, run in its own process so that its CPU is not the client's.
// It answers every POST with a small Kaizen-shaped envelope, counts the TCP connections it
// accepted, and takes commands over IPC: "stats" (connections seen / open), "reset".
import { createServer } from "node:http"

const body = JSON.stringify({
  operation: "compress",
  status: "success",
  result: "users[2]{id,name}:\n  1,Ada\n  2,Linus",
  stats: { original_length: 49, optimized_length: 35, reduction: 14, reduction_ratio: 0.2857 }
})
const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) }

let seen = 0
let open = 0
const server = createServer((req, res) => {
  // Drain the request body before answering, as a real server would.
  req.on("data", () => {})
  req.on("end", () => {
    res.writeHead(200, headers)
    res.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.on("connection", (socket) => {
  seen++
  open++
  socket.on("close", () => open--)
})
server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }))
process.on("message", (message) => {
  if (message === "stats") process.send({ seen, open })
  if (message === "reset") {
    seen = 0
    process.send({ reset: true })
  }
  if (message === "close") server.close(() => process.exit(0))
})
// The parent going away ends the benchmark: never outlive it.
process.on("disconnect", () => process.exit(0))
