import type { Admission, MultitaskStrategy, ThreadState } from '../../durable-objects/thread'
import type { Checkpoint } from '../../durable-objects/thread-store'
import type { Env } from '../env'
import type { ChatMessage, ClaimResult, PendingInterrupt, RunEvent, RunSnapshot, RunSpec, RunStatus, StoredEvent, WriteResult } from './types'

/**
 * The RPC surface of RunObject, spelled out. workers-types maps DO classes through deep
 * conditional types that hit TS2589 on these JSON shapes; an explicit interface avoids it
 * and documents the verbs in one place.
 */
export interface RunApi {
  init(spec: RunSpec, opts: { enqueue: boolean; delay_ms?: number }): Promise<RunSnapshot>
  release(): Promise<RunSnapshot>
  claim(owner: string, leaseMs: number): Promise<ClaimResult>
  heartbeat(owner: string, leaseMs: number): Promise<WriteResult>
  append(owner: string, leaseMs: number, events: RunEvent[]): Promise<WriteResult>
  saveToolResult(owner: string, leaseMs: number, toolCallId: string, result: string): Promise<WriteResult>
  checkpoint(owner: string, leaseMs: number, step: number, messages: ChatMessage[]): Promise<WriteResult>
  interrupt(owner: string, pending: PendingInterrupt, step: number, messages: ChatMessage[]): Promise<WriteResult>
  finish(
    owner: string,
    outcome: { status: 'success' | 'error'; output: string | null; error?: { code: string; message: string }; step: number; messages: ChatMessage[] },
  ): Promise<WriteResult>
  defer(owner: string, delayMs: number, reason: string): Promise<WriteResult>
  resume(answer: string): Promise<{ ok: true; run: RunSnapshot } | { ok: false; status: RunStatus | null }>
  cancel(reason?: string): Promise<RunSnapshot>
  rollback(): Promise<void>
  subscribe(after: number): Promise<ReadableStream<Uint8Array>>
  events(after: number, limit: number): Promise<StoredEvent[]>
  logs(skip: number, limit: number, newestFirst: boolean): Promise<{ items: StoredEvent[]; total: number }>
  wait(timeoutMs: number): Promise<RunSnapshot>
  snapshot(): Promise<RunSnapshot>
  d1Writes(): Promise<number>
  sweep(): Promise<'missing' | RunStatus>
  purge(): Promise<boolean>
}

export interface ThreadApi {
  begin(threadId: string, runId: string, ephemeral: boolean): Promise<void>
  create(threadId: string): Promise<ThreadState>
  history(limit: number, before?: string): Promise<Checkpoint[]>
  patchMessages(messages: ChatMessage[]): Promise<{ ok: boolean }>
  copyFrom(threadId: string, messages: ChatMessage[], lastOutput: string | null): Promise<ThreadState>
  destroy(): Promise<void>
  admit(threadId: string, runId: string, strategy: MultitaskStrategy): Promise<Admission>
  runChanged(change: { run_id: string; status: RunStatus; output: string | null; messages: ChatMessage[] }): Promise<void>
  messages(): Promise<ChatMessage[]>
  state(): Promise<ThreadState>
}

type Namespace = { getByName(name: string): unknown }

export const runStub = (env: { RUNS: Namespace }, runId: string): RunApi => env.RUNS.getByName(runId) as RunApi
export const threadStub = (env: { THREADS: Namespace }, threadId: string): ThreadApi => env.THREADS.getByName(threadId) as ThreadApi

export type { Env }
