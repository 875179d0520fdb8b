/**
 * The recorded provider answers live with the examples (which run offline on them and must
 * stand alone); the tests read the same shapes from there.
 */
export { anthropicMessage, anthropicStream, openAiResponse, openAiStream } from "../../../examples/providers.js"
