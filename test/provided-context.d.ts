// Values test/global-setup.ts provides to the tests (vitest `inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    fakeOpenAIPort: number
    fakeOtherPort: number
    fakeSearchPort: number
    fakeServicesPort: number
    fakeSitePort: number
    chromiumWs: string
  }
}
export {}
