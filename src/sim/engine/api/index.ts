// SwitchEngine.api: FreeSWITCH API commands by name. An unknown command gets the text
// mod_event_socket writes when switch_api_execute fails: "-ERR <cmd> Command not found!\n".
import type { ChannelTable } from '../channel-table.js';
import type { Core } from '../core.js';
import { hashApi } from './hash-api.js';
import { originateApi } from './originate-api.js';
import { hupallApi, reloadXmlApi, showApi, sofiaApi, statusApi, versionApi, type SwitchFacts } from './system-api.js';
import {
  uuidAnswerApi,
  uuidBreakApi,
  uuidBridgeApi,
  uuidBroadcastApi,
  uuidDumpApi,
  uuidExistsApi,
  uuidGetvarApi,
  uuidHoldApi,
  uuidKillApi,
  uuidParkApi,
  uuidRecordApi,
  uuidSendDtmfApi,
  uuidSetvarApi,
  uuidSetvarMultiApi,
  uuidTransferApi,
} from './uuid-api.js';

export type { SwitchFacts } from './system-api.js';

type ApiCommand = (args: string) => string | Promise<string>;

export function apiCommands(core: Core, table: ChannelTable, facts: SwitchFacts): Map<string, ApiCommand> {
  return new Map<string, ApiCommand>([
    ['originate', (a) => originateApi(core, a)],
    ['uuid_bridge', (a) => uuidBridgeApi(core, a)],
    ['uuid_kill', (a) => uuidKillApi(core, a)],
    ['uuid_transfer', (a) => uuidTransferApi(core, a)],
    ['uuid_hold', (a) => uuidHoldApi(core, a)],
    ['uuid_break', (a) => uuidBreakApi(core, a)],
    ['uuid_broadcast', (a) => uuidBroadcastApi(core, a)],
    ['uuid_setvar', (a) => uuidSetvarApi(core, a)],
    ['uuid_setvar_multi', (a) => uuidSetvarMultiApi(core, a)],
    ['uuid_getvar', (a) => uuidGetvarApi(core, a)],
    ['uuid_exists', (a) => uuidExistsApi(core, a)],
    ['uuid_dump', (a) => uuidDumpApi(core, a)],
    ['uuid_answer', (a) => uuidAnswerApi(core, a)],
    ['uuid_park', (a) => uuidParkApi(core, a)],
    ['uuid_record', (a) => uuidRecordApi(core, a)],
    ['uuid_send_dtmf', (a) => uuidSendDtmfApi(core, a)],
    ['show', (a) => showApi(table, a)],
    ['status', () => statusApi(core, facts)],
    ['version', (a) => versionApi(a)],
    ['reloadxml', () => reloadXmlApi(facts)],
    ['sofia', (a) => sofiaApi(facts, a)],
    ['hupall', (a) => hupallApi(core, a)],
    ['hash', (a) => hashApi(core, a)],
  ]);
}

export async function runApi(commands: Map<string, ApiCommand>, command: string, args: string): Promise<string> {
  const run = commands.get(command.trim().toLowerCase());
  if (!run) return `-ERR ${command} Command not found!\n`;
  return run(args.trim());
}
