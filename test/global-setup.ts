import type { TestProject } from 'vitest/node'
import { portOf, startFakeOpenAI } from './fixtures/fake-openai'
import { startFakeSearch } from './fixtures/fake-search'
import { startFakeServices } from './fixtures/fake-services'
import { startFakeSite } from './fixtures/fake-site'
import { launchChromium } from './fixtures/chromium'

/** Starts the loopback fakes once for the whole run (Node side of vitest). */
export default async function setup(project: TestProject) {
  const server = await startFakeOpenAI()
  // A second port of the same fake: another origin on loopback, for cross-origin redirects.
  const other = await startFakeOpenAI()
  const search = await startFakeSearch()
  const services = await startFakeServices()
  project.provide('fakeOpenAIPort', portOf(server))
  project.provide('fakeOtherPort', portOf(other))
  project.provide('fakeSearchPort', portOf(search))
  project.provide('fakeServicesPort', portOf(services))
  // browser_interact: the BROWSER stand-in proxies DevTools connections to this Chromium, which
  // browses the site on loopback.
  const site = await startFakeSite()
  const chromium = await launchChromium()
  project.provide('fakeSitePort', portOf(site))
  project.provide('chromiumWs', chromium.wsEndpoint)
  const close = (s: typeof server) => new Promise<void>((resolve) => s.close(() => resolve()))
  return async () => {
    await chromium.close()
    await Promise.all([close(server), close(other), close(search), close(services), close(site)])
  }
}
