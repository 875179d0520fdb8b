/**
 * Limits of the JSON that Kaizen takes, shared by the client (which refuses what the service
 * would refuse before sending it) and the embedded engine (which answers as the service does).
 */

/**
 * The deepest nesting accepted in a field's value (`[[1]]` is 2 levels), as Python's `json`
 * module on the service refuses deeper documents. The engine's codec handles about 1,250
 * levels on Node's default stack; 1,000 leaves room for the callers' frames.
 */
export const MAX_DEPTH = 1000
