// @ts-check
// The shapes of what the pages read from the API, for the type-check only (tsconfig.web.json):
// no page imports this module at run time; they name its types in JSDoc as
// `import('/lib/types.js').Ticket`. The server's definitions are the truth (the routes' schemas
// and their *Json functions, cited per type); these list the fields the pages use.
export {};

/**
 * A logged-in user (src/auth/user-json.ts authUserJson).
 * @typedef {object} User
 * @property {number} id
 * @property {string} username
 * @property {string} display_name
 * @property {'agent' | 'supervisor' | 'dept_handler' | 'dept_head' | 'admin'} role
 * @property {string | null} department
 */

/**
 * GET /api/departments (src/http/departments.ts).
 * @typedef {object} Department
 * @property {string} id
 * @property {string} name
 * @property {string[]} hotlines
 */

/**
 * A ticket (src/tickets/view.ts ticketJson); GET /api/tickets/:id adds its attachments.
 * @typedef {object} Ticket
 * @property {number} id
 * @property {string} type
 * @property {string} status
 * @property {string} status_name
 * @property {string | null} department
 * @property {string | null} department_name
 * @property {string | null} caller null: confidential, to a department user
 * @property {boolean} confidential
 * @property {string | null} classification
 * @property {string} content
 * @property {string | null} call_id
 * @property {string | null} origin_hotline
 * @property {string | null} dispatched_at
 * @property {string | null} sign_due_at
 * @property {string | null} resolve_due_at
 * @property {boolean} deadline_provisional
 * @property {string | null} signed_at
 * @property {number} extension_days
 * @property {'green' | 'yellow' | 'red'} light
 * @property {number} version
 * @property {string[]} allowed_actions
 * @property {Attachment[]} [attachments]
 */

/**
 * @typedef {object} Attachment
 * @property {number} id
 * @property {string} filename
 * @property {string} mime
 */

/**
 * GET /api/tickets/summary.
 * @typedef {object} TicketSummary
 * @property {Record<'green' | 'yellow' | 'red', number>} open_by_light
 * @property {Record<string, number>} by_status
 */

/**
 * A call record (src/call/routes.ts callJson).
 * @typedef {object} CallRecord
 * @property {string} id
 * @property {string} caller
 * @property {string} called
 * @property {string} mode
 * @property {string | null} origin_hotline
 * @property {string | null} department
 * @property {string | null} line
 * @property {string | null} outcome null while the call goes on
 * @property {number | null} queue_wait_s
 * @property {string | null} started_at
 */

/**
 * GET /api/callers/:number/history (src/tickets/caller-history.ts).
 * @typedef {object} CallerHistory
 * @property {Array<Pick<CallRecord, 'id' | 'called' | 'mode' | 'origin_hotline' | 'line' | 'outcome' | 'started_at'>>} calls
 * @property {Array<Pick<Ticket, 'id' | 'type' | 'status' | 'department' | 'content'>>} tickets
 */

/**
 * A seat (src/acd/routes.ts agentsView).
 * @typedef {object} Agent
 * @property {string} seat
 * @property {string} name
 * @property {string} state
 * @property {string} state_name
 * @property {string | null} break_reason
 * @property {string | null} call_id
 * @property {{ id: number, username: string, display_name: string } | null} user
 */

/**
 * The ticket offered when a transfer cannot go through (src/transfer/rules.ts ticketPrefill).
 * @typedef {object} TicketPrefill
 * @property {string | null} department
 * @property {string} caller
 * @property {string | null} [call_id]
 * @property {string | null} origin_hotline
 * @property {string} content
 */

/**
 * GET /api/transfer/targets (src/transfer/routes.ts).
 * @typedef {object} TransferTarget
 * @property {string} number
 * @property {string} name
 * @property {'parallel' | 'emergency' | 'linkage'} mode
 * @property {string | null} department_name
 * @property {string | null} body
 * @property {boolean} open
 * @property {string | null} closed_reason
 * @property {boolean} hours_provisional
 * @property {{ counted: number, answered_within_15s: number, rate: number | null } | null} today
 */

/**
 * A transfer attempt (src/transfer/attempt.ts AttemptView), plus what the desktop adds: the
 * target's name, and the ticket offered when it failed.
 * @typedef {object} TransferAttempt
 * @property {string} hotline
 * @property {string} kind
 * @property {string} state
 * @property {string | null} result
 * @property {string} [name]
 * @property {TicketPrefill | null} [ticket_prefill]
 */

/**
 * A call waiting for a call-back (src/call/callbacks.ts).
 * @typedef {object} Callback
 * @property {number} id
 * @property {string} caller
 * @property {string | null} line
 * @property {string | null} requested_at
 * @property {{ seconds: number } | null} message
 */

/**
 * What the live feed (/api/ws) pushes, as far as the desktop reads it.
 * @typedef {object} FeedMessage
 * @property {string} type hello, agents, queues, transfer, notice, …
 * @property {Agent[]} [agents] hello
 * @property {Agent[]} [items] agents
 * @property {string} [call_id] transfer
 * @property {string} [phase] transfer: the talk's phase (held, …)
 * @property {TransferAttempt} [attempt] transfer
 * @property {TicketPrefill | null} [ticket_prefill] transfer
 * @property {string} [seat] notice
 * @property {string} [message] notice
 */
