/**
 * Recorded-shape provider answers, for the offline runs of the `ai-*` examples and for the
 * tests of `kaizen-effect/ai`: what OpenAI's Responses API (`POST /v1/responses`,
 * the endpoint `@effect/ai-openai` 0.41 calls) and Anthropic's Messages API (`POST
 * /v1/messages`) send back, complete and as server-sent events. Each shape decodes with the
 * provider package's own Schemas (`Generated.Response`, `ResponseStreamEvent`,
 * `Generated.BetaMessage`, `MessageStreamEvent`).
 */

// A JSON answer as the providers send it.
const json = (body: unknown): Response => Response.json(body)

const CREATED_AT = 1741476542

const openAiResponseBody = (text: string, status: "in_progress" | "completed") => ({
  id: "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
  object: "response",
  created_at: CREATED_AT,
  status,
  error: null,
  incomplete_details: null,
  instructions: null,
  max_output_tokens: null,
  model: "gpt-4o-mini-2024-07-18",
  output: status === "in_progress" ? [] : [openAiMessageItem(text, "completed")],
  parallel_tool_calls: true,
  previous_response_id: null,
  reasoning: { effort: null, summary: null },
  store: true,
  temperature: 1.0,
  text: { format: { type: "text" } },
  tool_choice: "auto",
  tools: [],
  top_p: 1.0,
  truncation: "disabled",
  usage: status === "in_progress" ? null : {
    input_tokens: 36,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 87,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 123
  },
  user: null,
  metadata: {}
})

const OPENAI_ITEM_ID = "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b"

const openAiMessageItem = (text: string, status: "in_progress" | "completed") => ({
  type: "message",
  id: OPENAI_ITEM_ID,
  status,
  role: "assistant",
  content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations: [] }]
})

/** A completed Responses API answer whose one output message says `text`. */
export const openAiResponse = (text: string) => json(openAiResponseBody(text, "completed"))

const sse = (events: ReadonlyArray<{ readonly type: string; readonly [field: string]: unknown }>) =>
  new Response(events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join(""), {
    headers: { "content-type": "text/event-stream" }
  })

/** The Responses API's event stream for an answer written in `deltas`. */
export const openAiStream = (deltas: ReadonlyArray<string>) => {
  const text = deltas.join("")
  let sequence = 0
  const at = <A extends object>(event: A) => ({ ...event, sequence_number: sequence++ })
  const part = { type: "output_text", text: "", annotations: [] }
  return sse([
    at({ type: "response.created", response: openAiResponseBody("", "in_progress") }),
    at({ type: "response.output_item.added", output_index: 0, item: openAiMessageItem("", "in_progress") }),
    at({ type: "response.content_part.added", item_id: OPENAI_ITEM_ID, output_index: 0, content_index: 0, part }),
    ...deltas.map((delta) =>
      at({ type: "response.output_text.delta", item_id: OPENAI_ITEM_ID, output_index: 0, content_index: 0, delta, logprobs: [] })
    ),
    at({ type: "response.output_text.done", item_id: OPENAI_ITEM_ID, output_index: 0, content_index: 0, text, logprobs: [] }),
    at({
      type: "response.content_part.done",
      item_id: OPENAI_ITEM_ID,
      output_index: 0,
      content_index: 0,
      part: { ...part, text }
    }),
    at({ type: "response.output_item.done", output_index: 0, item: openAiMessageItem(text, "completed") }),
    at({ type: "response.completed", response: openAiResponseBody(text, "completed") })
  ])
}

const anthropicMessageBody = (text: string | undefined) => ({
  id: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5-20250929",
  content: text === undefined ? [] : [{ type: "text", text }],
  stop_reason: text === undefined ? null : "end_turn",
  stop_sequence: null,
  usage: {
    input_tokens: 2095,
    output_tokens: text === undefined ? 1 : 503,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    server_tool_use: null,
    service_tier: "standard"
  }
})

/** A Messages API answer with one text block. */
export const anthropicMessage = (text: string) => json(anthropicMessageBody(text))

/** The Messages API's event stream for an answer written in `deltas`. */
export const anthropicStream = (deltas: ReadonlyArray<string>) =>
  sse([
    { type: "message_start", message: anthropicMessageBody(undefined) },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "ping" },
    ...deltas.map((text) => ({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })),
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 15 }
    },
    { type: "message_stop" }
  ])
