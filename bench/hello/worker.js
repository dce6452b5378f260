// The floor for a bare route: a hello-world worker on `workerd serve`, no Miniflare, no wrangler.
export default { fetch: () => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } }) }
