import { useEffect, useState } from 'hono/jsx'
import { render } from 'hono/jsx/dom'
import { api, apiKey, SIGNED_OUT } from './api'
import { AppContext, useApp } from './context'
import { dictionary, initialLang, saveLang, type Key, type Lang } from './i18n'
import { AgentPage } from './pages/agent'
import { AgentsPage } from './pages/agents'
import { AutomationPage } from './pages/automation'
import { ChatPage } from './pages/chat'
import { RunPage, RunsPage } from './pages/runs'
import { SignIn } from './pages/sign-in'
import { UsagePage } from './pages/usage'

interface Org {
  id: number
  name: string
}

/** Hash routes keep the console a set of static files: no server-side fallback is needed. */
function useRoute(): string[] {
  const parse = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  const [route, setRoute] = useState(parse())
  useEffect(() => {
    const on = () => setRoute(parse())
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}

function Page({ route }: { route: string[] }) {
  const [section = 'agents', id] = route
  if (section === 'agents' && id) return <AgentPage agentId={id} />
  if (section === 'chat' && id) return <ChatPage agentId={id} />
  if (section === 'runs' && id) return <RunPage runId={id} />
  if (section === 'runs') return <RunsPage />
  if (section === 'usage') return <UsagePage />
  if (section === 'automation') return <AutomationPage />
  return <AgentsPage />
}

function App() {
  const [lang, setLang] = useState<Lang>(initialLang())
  const [signedIn, setSignedIn] = useState(apiKey.get() !== null)
  const [orgs, setOrgs] = useState<Org[]>([])
  const [orgId, setOrgId] = useState(0)
  const route = useRoute()
  const dict = dictionary(lang)
  const t = (k: Key) => dict[k]

  useEffect(() => saveLang(lang), [lang])
  useEffect(() => {
    const out = () => {
      setSignedIn(false)
      setOrgId(0)
    }
    addEventListener(SIGNED_OUT, out)
    return () => removeEventListener(SIGNED_OUT, out)
  }, [])
  useEffect(() => {
    if (!signedIn) return
    api<{ items: Org[] }>('GET', '/v1/organizations')
      .then((page) => {
        setOrgs(page.items)
        setOrgId(page.items[0]?.id ?? 0)
      })
      .catch(() => {
        apiKey.clear()
        setSignedIn(false)
        setOrgId(0)
      })
  }, [signedIn])

  const langPicker = (
    <label class="lang">
      <span class="sr-only">{t('language')}</span>
      <select value={lang} onChange={(e: Event) => setLang((e.target as HTMLSelectElement).value as Lang)}>
        <option value="en">English</option>
        <option value="ru">Русский</option>
      </select>
    </label>
  )
  const signOut = () => {
    apiKey.clear()
    setSignedIn(false)
    setOrgId(0)
  }
  // One element per state, of different component types: switching unmounts the other tree whole.
  return (
    <AppContext.Provider value={{ t, orgId: signedIn ? orgId : 0 }}>
      {signedIn ? (
        <SignedIn route={route} orgs={orgs} orgId={orgId} onOrg={setOrgId} langPicker={langPicker} onSignOut={signOut} />
      ) : (
        <SignedOut langPicker={langPicker} onSignedIn={() => setSignedIn(true)} />
      )}
    </AppContext.Provider>
  )
}

function SignedOut({ langPicker, onSignedIn }: { langPicker: unknown; onSignedIn: () => void }) {
  return (
    <div class="shell">
      <header class="top">
        <strong>agentplane</strong>
        {langPicker}
      </header>
      <main>
        <SignIn onSignedIn={onSignedIn} />
      </main>
    </div>
  )
}

interface SignedInProps {
  route: string[]
  orgs: Org[]
  orgId: number
  onOrg: (id: number) => void
  langPicker: unknown
  onSignOut: () => void
}

function SignedIn({ route, orgs, orgId, onOrg, langPicker, onSignOut }: SignedInProps) {
  const { t } = useApp()
  const here = route[0] ?? 'agents'
  const link = (to: string, label: Key) => (
    <a href={`#/${to}`} aria-current={here === to || (to === 'agents' && here === 'chat') ? 'page' : undefined}>
      {t(label)}
    </a>
  )
  return (
    <div class="shell">
      <header class="top">
        <strong>agentplane</strong>
        <nav aria-label="main">
          {link('agents', 'agents')}
          {link('runs', 'runs')}
          {link('usage', 'usage')}
          {link('automation', 'automation')}
          <a href="/docs">{t('docs')}</a>
        </nav>
        {orgs.length > 1 ? (
          <label>
            <span class="sr-only">{t('organization')}</span>
            <select value={String(orgId)} onChange={(e: Event) => onOrg(Number((e.target as HTMLSelectElement).value))}>
              {orgs.map((o) => (
                <option value={String(o.id)}>{o.name}</option>
              ))}
            </select>
          </label>
        ) : (
          <span class="org">{orgs[0]?.name}</span>
        )}
        {langPicker}
        <button type="button" class="link" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </header>
      <main>{orgId > 0 ? <Page route={route} /> : <p>{t('loading')}</p>}</main>
    </div>
  )
}

const root = document.getElementById('app')
if (root) render(<App />, root)
