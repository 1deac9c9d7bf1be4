// BACKGROUND_JOB, fired when a bgapi command finishes (MES api_exec ~1577–1589).

import type { SimEvent } from '../contracts.js';
import type { EventFactory } from './event-factory.js';

export interface BackgroundJob {
  jobUuid: string;
  /** uuid of the channel the issuing socket controls; absent (so no header) on a plain inbound socket */
  ownerUuid?: string;
  command: string;
  /** absent when the command had no argument; an empty one also adds no header */
  args?: string;
  /** the api output, e.g. "+OK <uuid>\n"; it becomes the body */
  result: string;
}

export function backgroundJobEvent(factory: EventFactory, job: BackgroundJob): SimEvent {
  return factory
    .create('BACKGROUND_JOB')
    .add('Job-UUID', job.jobUuid)
    .add('Job-Owner-UUID', job.ownerUuid)
    .add('Job-Command', job.command)
    .add('Job-Command-Arg', job.args)
    .body(job.result)
    .build();
}
