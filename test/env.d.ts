// Types for `env` and `exports` from "cloudflare:workers" inside tests.
declare namespace Cloudflare {
  interface Env extends import("../src/env").Env {
    GATEWAY: Fetcher;
  }
  interface Exports {
    default: Fetcher;
  }
}
