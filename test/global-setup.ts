import type { TestProject } from 'vitest/node'
import { portOf, startFakeOpenAI } from './fixtures/fake-openai'


/** Starts the fake OpenAI-compatible upstream once for the whole run (Node side of vitest). */
export default async function setup(project: TestProject) {
  const server = await startFakeOpenAI()
  project.provide('fakeOpenAIPort', portOf(server))
  return () => new Promise<void>((resolve) => server.close(() => resolve()))
}
