import type { Db } from '../../app-env'
import { getCredential } from '../../db/credentials'
import * as inbound from '../../db/inbound'
import { ApiError } from '../../errors'
import { decryptSecret, encryptSecret, sha256Hex } from '../../lib/crypto'
import { eventType, inboundSecretContext, MAX_INBOUND_BYTES, randomToken, verifyDelivery } from './inbound'

const keyOf = (key: string | undefined): string => {
  if (!key) throw new Error('ENCRYPTION_KEY is not configured')
  return key
}

/** Creates (or rotates) a credential's inbound endpoint; the URL token and secret are shown once. */
export async function openEndpoint(db: Db, encryptionKey: string | undefined, orgId: number, credentialId: string, origin: string) {
  const credential = await getCredential(db, orgId, credentialId)
  const token = randomToken()
  const secret = randomToken()
  const row = await inbound.upsertEndpoint(db, {
    id: crypto.randomUUID(),
    orgId,
    credentialId,
    service: credential.serviceName,
    tokenHash: await sha256Hex(token),
    secretCiphertext: await encryptSecret(keyOf(encryptionKey), secret, inboundSecretContext(orgId, credentialId)),
  })
  return { credential_id: credentialId, service: credential.serviceName, url: `${origin.replace(/\/+$/, '')}/hooks/${token}`, secret, created_at: row.createdAt }
}

export async function closeEndpoint(db: Db, orgId: number, credentialId: string): Promise<void> {
  await getCredential(db, orgId, credentialId)
  if (!(await inbound.deleteEndpoint(db, orgId, credentialId))) throw ApiError.notFound('Inbound endpoint')
}

/** Verifies one delivery against its endpoint's secret and journals it. */
export async function receiveDelivery(db: Db, encryptionKey: string | undefined, token: string, headers: Headers, body: string): Promise<{ id: string; type: string }> {
  const endpoint = await inbound.endpointByTokenHash(db, await sha256Hex(token))
  if (!endpoint) throw ApiError.notFound('Inbound endpoint')
  if (new TextEncoder().encode(body).byteLength > MAX_INBOUND_BYTES) throw new ApiError('payload_too_large', `Inbound events are limited to ${MAX_INBOUND_BYTES} bytes`)
  const secret = await decryptSecret(keyOf(encryptionKey), endpoint.secretCiphertext, inboundSecretContext(endpoint.orgId, endpoint.credentialId))
  const refused = await verifyDelivery(endpoint.service, secret, headers, body)
  if (refused) throw new ApiError('unauthenticated', `Delivery refused: ${refused}`)
  let payload: unknown
  try {
    payload = JSON.parse(body)
  } catch {
    throw ApiError.invalid(['body'], 'Inbound events must be JSON', 'json_invalid')
  }
  const type = eventType(endpoint.service, headers, payload)
  const id = await inbound.insertEvent(db, { orgId: endpoint.orgId, credentialId: endpoint.credentialId, service: endpoint.service, type, payload: body })
  return { id, type }
}
