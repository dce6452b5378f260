/** A failed action's message, announced to screen readers; nothing when there is none. */
export function ErrorNote({ error }: { error: string | null | undefined }) {
  if (!error) return null
  return (
    <p role="alert" class="error">
      {error}
    </p>
  )
}
