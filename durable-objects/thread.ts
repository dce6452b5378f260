import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../workers/env'

/** One per thread/session: values, checkpoints, run admission (the run engine issue fills it). */
export class ThreadObject extends DurableObject<Env> {}
