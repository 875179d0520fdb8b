/** A Tracer that keeps every span in memory, to assert on names and attributes. */
import { Option, Tracer } from "effect"
import type { Context, Exit } from "effect"

export interface RecordedSpan {
  readonly name: string
  readonly kind: Tracer.SpanKind
  readonly attributes: Map<string, unknown>
  ended: boolean
  exit?: Exit.Exit<unknown, unknown>
}

export const recordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  let ids = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record: RecordedSpan = { name, kind, attributes: new Map(), ended: false }
      spans.push(record)
      const spanId = `span-${++ids}`
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId,
        traceId: "trace-1",
        parent,
        context: context as Context.Context<never>,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links,
        sampled: true,
        kind,
        end(endTime, exit) {
          record.ended = true
          record.exit = exit
          ;(span as { status: Tracer.SpanStatus }).status = { _tag: "Ended", startTime, endTime, exit }
        },
        attribute(key, value) {
          record.attributes.set(key, value)
        },
        event() {},
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer, parentOf: Option.none }
}
