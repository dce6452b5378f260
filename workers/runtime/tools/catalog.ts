import { z } from 'zod'
import type { ToolSpec } from '../models/types'
import { messageCompose, renderVisual } from './artifacts'
import { exitTool, requestForm } from './interaction'
import { manageMemory, readMemory } from './memory'
import { manageTask, queryTasks, taskRuntime } from './tasks'
import type { Tool } from './types'
import { webFetch } from './web-fetch'

/** Every tool the loop can run. The full seed-003 catalog grows here, one file per family. */
export const TOOLS: readonly Tool[] = [requestForm, exitTool, webFetch, readMemory, manageMemory, renderVisual, messageCompose, queryTasks, manageTask, taskRuntime] as Tool[]

const BY_NAME = new Map(TOOLS.map((t) => [t.name, t]))

export const getTool = (name: string): Tool | undefined => BY_NAME.get(name)

/** What the model is told: name, five-block description, JSON Schema of the input. */
export const toolSpecs = (): ToolSpec[] => TOOLS.map((t) => ({ name: t.name, description: t.description, parameters: z.toJSONSchema(t.input, { io: 'input' }) as Record<string, unknown> }))
