/** The client's defaults, in one place (the Effect 3 line's src/internal/defaults.ts). */
import * as Duration from "effect/Duration"

export const DEFAULT_BASE_URL = "https://api.getkaizen.io/"
/** The `baseUrl` that selects the embedded engine. */
export const LOCAL_BASE_URL = "local"
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.seconds(30)
export const DEFAULT_RETRIES = 2
/** Sockets in the Node layer's pool, and so the calls a batch keeps in flight. */
export const DEFAULT_MAX_CONNECTIONS = 64
export const DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024
