import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import { describe, it } from 'vitest'
import { guardedFetch, OutboundRefused, outboundRefusal, refusedTarget } from '../workers/lib/net-guard'

const fake = `http://127.0.0.1:${inject('fakeOpenAIPort')}`
const other = `http://127.0.0.1:${inject('fakeOtherPort')}`
const echoes = async (name: string) => (await (await fetch(`${fake}/__echoes/${name}`)).json()) as { method: string; authorization: string | undefined; body: string }[]
const redirect = (status: number, to: string) => `${fake}/__redirect/${status}?to=${encodeURIComponent(to)}`

describe('refusedTarget: public targets only', () => {
  // Every form the hardening probe found accepted, plus the classic ones.
  const inward = [
    'http://localhost./',
    'http://localhost:8787',
    'http://LOCALHOST/',
    'http://x.localhost/',
    'http://ip6-localhost/',
    'http://localhost.localdomain/',
    'http://metadata/',
    'http://metadata.google.internal/',
    'http://instance-data/',
    'http://vm/',
    'http://x.internal/',
    'http://printer.local/',
    'http://co.uk/',
    'http://a..b/',
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://127.0.0.1./',
    'http://10.1.2.3',
    'http://192.168.0.1',
    'http://172.20.0.1',
    'http://169.254.169.254/',
    'http://0.0.0.0',
    'http://100.64.0.1/',
    'http://198.18.0.1/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://192.0.2.1/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::a9fe:a9fe]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b::808:808]/',
    'http://[fec0::1]/',
    'http://[fd00::1]/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'http://[2002:7f00:1::]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://[2001::1]/',
    'http://[2001:db8::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::ffff:0:7f00:1]/',
    'file:///etc/passwd',
    'ftp://example.com/',
    'gopher://example.com/',
    'http://user:pw@example.com/',
    'not a url',
  ]
  it.for(inward)('refuses %s', (url, { expect }) => {
    expect(refusedTarget(url)).toEqual(expect.any(String))
  })

  const outward = [
    'https://example.com/a',
    'https://api.example.co.uk/v1',
    'http://93.184.216.34/',
    'https://[2606:4700::1111]/',
    'http://[::ffff:93.184.216.34]/',
    'https://example.com./',
    'https://xn--80ak6aa92e.com/',
    'http://1572395042/',
    'http://0x5db8d822/',
  ]
  it.for(outward)('allows %s', (url, { expect }) => {
    expect(refusedTarget(url)).toBeUndefined()
  })

  it('the URL parser normalises integer, hex and octal IPv4 before the guard sees it', ({ expect }) => {
    for (const raw of ['http://2130706433/', 'http://0x7f000001/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://127.0.0.1./']) {
      expect(new URL(raw).hostname, raw).toBe('127.0.0.1')
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]')
  })

  it('an allow list admits exactly the named hosts, and only over http(s)', ({ expect }) => {
    const allow = { ALLOW_PRIVATE_TARGETS: '127.0.0.1' }
    expect(outboundRefusal(allow, 'http://127.0.0.1:9/x')).toBeUndefined()
    expect(outboundRefusal(allow, 'http://localhost:9/x')).toEqual(expect.any(String))
    expect(outboundRefusal(allow, 'http://[::ffff:7f00:1]:9/x')).toEqual(expect.any(String))
    expect(outboundRefusal(allow, 'http://u:p@127.0.0.1:9/x')).toEqual(expect.any(String))
    expect(outboundRefusal(allow, 'ftp://127.0.0.1/x')).toEqual(expect.any(String))
    expect(outboundRefusal({}, 'http://127.0.0.1:9/x')).toEqual(expect.any(String))
    expect(outboundRefusal({ ALLOW_PRIVATE_TARGETS: 'true' }, 'http://10.0.0.1/')).toBeUndefined()
  })
})

describe('guardedFetch: every redirect hop is checked', () => {
  it('refuses a redirect that points inward, before any request reaches it', async ({ expect }) => {
    for (const to of ['http://169.254.169.254/latest/meta-data/', 'http://localhost:1/', `http://[::ffff:7f00:1]:${inject('fakeOpenAIPort')}/__echo/inward`]) {
      await expect(guardedFetch(env, redirect(307, to), { method: 'POST', body: '{}' })).rejects.toThrow(OutboundRefused)
    }
    expect(await echoes('inward')).toEqual([])
  })

  it('re-sends the body on a 307 to the same origin, keeping Authorization', async ({ expect }) => {
    const res = await guardedFetch(env, redirect(307, `${fake}/__echo/same`), { method: 'POST', headers: { authorization: 'Bearer s3cret' }, body: 'payload' })
    expect(await res.text()).toBe('echoed')
    expect(await echoes('same')).toEqual([{ method: 'POST', authorization: 'Bearer s3cret', body: 'payload' }])
  })

  it('never re-sends a body to another origin on 307/308', async ({ expect }) => {
    await expect(guardedFetch(env, redirect(308, `${other}/__echo/cross308`), { method: 'POST', body: 'payload' })).rejects.toThrow(/another origin/)
    expect(await echoes('cross308')).toEqual([])
  })

  it('drops Authorization on a hop to another origin; a 302 continues as GET without body', async ({ expect }) => {
    const res = await guardedFetch(env, redirect(302, `${other}/__echo/cross302`), { method: 'POST', headers: { authorization: 'Bearer s3cret' }, body: 'payload' })
    expect(res.status).toBe(200)
    expect(await echoes('cross302')).toEqual([{ method: 'GET', authorization: undefined, body: '' }])
  })

  it('maxRedirects 0 answers the 3xx itself; a chain longer than the cap is refused', async ({ expect }) => {
    const res = await guardedFetch(env, redirect(302, `${fake}/__echo/none`), {}, { maxRedirects: 0 })
    expect(res.status).toBe(302)
    await expect(guardedFetch(env, redirect(302, redirect(302, `${fake}/__echo/none`)), {}, { maxRedirects: 1 })).rejects.toThrow(/more than 1 redirects/)
    expect(await echoes('none')).toEqual([])
  })
})
