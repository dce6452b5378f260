/** wrangler.toml's Text rule imports *.yaml as its text (config/prompts/tools.yaml). */
declare module '*.yaml' {
  const text: string
  export default text
}
