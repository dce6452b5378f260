import { useState } from 'hono/jsx'
import { api, apiKey, ApiFailure } from '../api'
import { useApp } from '../context'
import { ErrorNote } from '../error-note'

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useApp()
  const [key, setKey] = useState('')
  const [error, setError] = useState('')
  const submit = async (e: Event) => {
    e.preventDefault()
    apiKey.set(key.trim())
    try {
      await api('GET', '/v1/users/me')
      onSignedIn()
    } catch (err) {
      apiKey.clear()
      setError(err instanceof ApiFailure ? err.message : String(err))
    }
  }
  return (
    <form class="card narrow" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('title')}</h1>
      <label for="api-key">{t('apiKey')}</label>
      <input id="api-key" name="api-key" type="password" autocomplete="off" required value={key} onInput={(e: Event) => setKey((e.target as HTMLInputElement).value)} />
      <p class="hint">{t('apiKeyHint')}</p>
      <ErrorNote error={error} />
      <button type="submit">{t('signIn')}</button>
    </form>
  )
}
