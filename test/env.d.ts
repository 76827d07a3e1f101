// Types for `env` and `exports` from "cloudflare:workers" inside tests.
import type { Env as GatewayEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends GatewayEnv {
      GATEWAY: Fetcher;
    }
    interface GlobalProps {
      mainModule: typeof import("./worker");
      durableNamespaces: "JobObject" | "UploadObject";
    }
  }
}
