// Every dialplan application the simulator runs, by name.
import type { AppSpec } from '../core.js';
import { BRIDGE_APPS } from './bridge.js';
import { CALL_CONTROL_APPS } from './call-control.js';
import { CONFERENCE_APPS } from './conference.js';
import { MEDIA_APPS } from './media.js';
import { RECORD_APPS } from './record.js';
import { SOCKET_APPS } from './socket.js';
import { VARIABLE_APPS } from './variables.js';

export function allApps(): Map<string, AppSpec> {
  return new Map(
    Object.entries({
      ...VARIABLE_APPS,
      ...CALL_CONTROL_APPS,
      ...MEDIA_APPS,
      ...RECORD_APPS,
      ...BRIDGE_APPS,
      ...SOCKET_APPS,
      ...CONFERENCE_APPS,
    }),
  );
}

export { handleCause } from '../handle-cause.js';
export { parkChannel } from './call-control.js';
