// Which inbound calls the dialplan tags, and with what: the routing decisions of the generated
// dialplan as plain data, so the XML writer only formats and the order is decided in one place.
import type { Hotline, RoutingPlan } from '../config/model.js';
import { ipv4NetworkPattern } from './network-pattern.js';

/** How the controller treats a call; `cti_mode` carries it. */
export type InboundMode = 'main' | 'direct' | 'parallel' | 'emergency' | 'unknown';

/** Channel variables the dialplan sets before handing the call to the controller. */
export const CTI_VARS = {
  mode: 'cti_mode',
  origin: 'cti_origin_hotline',
  department: 'cti_department',
  priority: 'cti_priority',
} as const;

/** Queue priority of ordinary calls (1 is the highest); 110 diversion brings its own. */
export const DEFAULT_PRIORITY = 5;

/** The origin hotline of calls diverted by the 110 platform. */
export const POLICE_ORIGIN = '110';

/**
 * FreeSWITCH field that names the gateway an inbound call came through. mod_sofia sets the
 * channel variable `sip_gateway` (not `sip_gateway_name`, which it sets only on outbound legs
 * it places through a gateway: mod_sofia.c sofia_outgoing_channel) in sofia.c
 * sofia_handle_sip_i_invite, when the INVITE is addressed to the registration contact of one of
 * our gateways (`gw+<name>` user or `;gw=<name>` parameter). A channel variable, not a caller
 * profile field, so the condition needs the `${...}` form. Only a far end our gateway registers
 * with knows that contact: an IP trunk without registration sends to the dialled number and
 * never sets it, hence NETWORK_FIELD.
 */
export const GATEWAY_FIELD = '${sip_gateway}';

/**
 * FreeSWITCH field holding the address the INVITE came from: the caller profile's network_addr,
 * which sofia_handle_sip_i_invite fills from the packet's source address (sofia_glue_get_addr),
 * the same value as the `sip_network_ip` variable. It holds for every call on a trunk, registered
 * or not; events show it as Caller-Network-Addr.
 */
export const NETWORK_FIELD = 'network_addr';

export interface Condition {
  /** caller profile field (destination_number, caller_id_number) or `${channel_variable}` */
  field: string;
  /** anchored regular expression */
  expression: string;
}

export interface InboundRoute {
  /** extension name, unique in the file */
  name: string;
  /** human note written as a comment above the extension (may hold Chinese names) */
  note: string;
  condition: Condition;
  tags: { mode: InboundMode; origin: string; department: string; priority: number };
}

/**
 * Inbound routes in the order FreeSWITCH must try them (the first match wins):
 * 110 diversion, the centre number, direct hotlines, parallel hotlines, then the catch-all.
 * Emergency and linkage hotlines are only transfer targets, so they get no route.
 */
export function inboundRoutes(plan: RoutingPlan): InboundRoute[] {
  return [...diversionRoutes(plan), mainRoute(plan), ...hotlineRoutes(plan, 'direct'), ...hotlineRoutes(plan, 'parallel'), unknownRoute()];
}

function diversionRoutes(plan: RoutingPlan): InboundRoute[] {
  const { callerNumbers, gateways, networks, priority } = plan.policeDiversion;
  const tags = { mode: 'emergency' as const, origin: POLICE_ORIGIN, department: '', priority };
  const routes: InboundRoute[] = [];
  if (callerNumbers.length > 0) {
    routes.push({
      name: 'cti_110_diversion_caller',
      note: `110 diversion by caller ID: ${callerNumbers.join(', ')}`,
      condition: { field: 'caller_id_number', expression: anyOf(callerNumbers) },
      tags,
    });
  }
  if (networks.length > 0) {
    const patterns = networks.map(ipv4NetworkPattern);
    routes.push({
      name: 'cti_110_diversion_network',
      note: `110 diversion by the address the call comes from: ${networks.join(', ')}`,
      condition: { field: NETWORK_FIELD, expression: patterns.length === 1 ? `^${patterns[0]}$` : `^(?:${patterns.join('|')})$` },
      tags,
    });
  }
  if (gateways.length > 0) {
    routes.push({
      name: 'cti_110_diversion_gateway',
      note: `110 diversion by inbound gateway (a registered one; sip_gateway): ${gateways.join(', ')}`,
      condition: { field: GATEWAY_FIELD, expression: anyOf(gateways) },
      tags,
    });
  }
  return routes;
}

function mainRoute(plan: RoutingPlan): InboundRoute {
  const { number, name } = plan.centre;
  return {
    name: `cti_main_${number}`,
    note: `${number} ${name} (main)`,
    condition: { field: 'destination_number', expression: anyOf([number]) },
    tags: { mode: 'main', origin: '', department: '', priority: DEFAULT_PRIORITY },
  };
}

function hotlineRoutes(plan: RoutingPlan, mode: 'direct' | 'parallel'): InboundRoute[] {
  return plan.hotlines.filter((h) => h.mode === mode).map((h) => hotlineRoute(plan, h, mode));
}

function hotlineRoute(plan: RoutingPlan, h: Hotline, mode: 'direct' | 'parallel'): InboundRoute {
  const department = h.department ?? '';
  const departmentName = plan.departments.get(department)?.name ?? department;
  return {
    name: `cti_${mode}_${h.number}`,
    note: `${h.number} ${h.name} (${mode}; ${departmentName} ${department})`,
    condition: { field: 'destination_number', expression: anyOf([h.number]) },
    tags: { mode, origin: h.number, department, priority: DEFAULT_PRIORITY },
  };
}

function unknownRoute(): InboundRoute {
  return {
    name: 'cti_unknown',
    note: 'any other destination: the controller queues it on line 1 and logs the number',
    condition: { field: 'destination_number', expression: '^.*$' },
    tags: { mode: 'unknown', origin: '', department: '', priority: DEFAULT_PRIORITY },
  };
}

/** `^a$` or `^(?:a|b)$`, with regex metacharacters escaped so a value only matches itself. */
export function anyOf(values: readonly string[]): string {
  const quoted = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return quoted.length === 1 ? `^${quoted[0]}$` : `^(?:${quoted.join('|')})$`;
}
