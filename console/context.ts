import { createContext, useContext } from 'hono/jsx'
import type { Key } from './i18n'

/** What every screen needs: the UI text of the chosen language and the organization in use. */
export interface Ctx {
  t: (k: Key) => string
  orgId: number
}
export const AppContext = createContext<Ctx>({ t: (k) => k, orgId: 0 })
export const useApp = () => useContext(AppContext)
