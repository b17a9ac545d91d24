// Where the enqueue side runs (src/contracts/ai-enqueue.ts decides for the design and for us): in
// the FastAPI app, which mounts api_handler.py's router, or in the AI gateway, a private Cloud Run
// service that serves the same router from the worker's image (gateway.py). The gateway's names
// come from the design's deployment; when the design has none (a model answer that dropped it),
// they are derived the way the design names them, and the plan says so.
import { aiEnqueueSide } from "../../contracts/ai-enqueue.js";
import { type Deployment, isAiGatewayTarget, isAppApi } from "../../contracts/deployment.js";
import type { Inventory } from "../../inventory/schema.js";
import type { Topology } from "./schema.js";
import { withSuffix } from "./topology.js";

export interface AiGateway {
  service: string;
  serviceAccount: string;
  /** The app's runtime identity: the only one allowed to invoke the gateway. */
  callerServiceAccount: string;
  /** Why the app cannot mount the router itself. */
  why: string;
  /** True when the design planned no gateway and these names were derived here. */
  derived: boolean;
}

/** The account id the design would give the service (names.ts: `<name>-sa`, within 30 characters). */
function accountFor(service: string): string {
  return service.length <= 26 ? `${service}-sa` : `${service.slice(0, 26).replace(/-+$/, "")}-sa`;
}

export function resolveGateway(
  inventory: Inventory,
  deployment: Deployment | undefined,
  topology: Topology,
  /** Only when the design planned the worker: a derived worker is a starting point, not a plan. */
  planned: boolean,
): AiGateway | undefined {
  const side = aiEnqueueSide(inventory);
  const target = deployment?.services.find(isAiGatewayTarget);
  if (!target && (side.kind === "router" || !planned)) return undefined;
  const app = deployment?.services.find(isAppApi);
  const service = target?.name ?? withSuffix(topology.apiService, "-ai-gateway");
  return {
    service,
    serviceAccount: target?.serviceAccount ?? accountFor(service),
    callerServiceAccount: app?.serviceAccount ?? topology.apiServiceAccount,
    why: side.kind === "gateway" ? side.why : "the design planned an AI gateway",
    derived: !target,
  };
}
