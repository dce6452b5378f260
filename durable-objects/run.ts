import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../workers/env'

/** One per run: status machine, event log, SSE fan-out (the run engine issue fills it). */
export class RunObject extends DurableObject<Env> {}
