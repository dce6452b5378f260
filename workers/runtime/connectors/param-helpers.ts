import type { ParamSpec } from './types'

type Type = ParamSpec['type']
type Extra = Omit<ParamSpec, 'in' | 'type' | 'description'>

/** Short constructors that keep descriptor files readable. */
export const pathParam = (description: string, type: Type = 'string'): ParamSpec => ({ in: 'path', type, required: true, description })
export const query = (type: Type, description: string, extra: Extra = {}): ParamSpec => ({ in: 'query', type, description, ...extra })
export const body = (type: Type, description: string, extra: Extra = {}): ParamSpec => ({ in: 'body', type, description, ...extra })
