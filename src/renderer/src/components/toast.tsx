import { useSyncExternalStore } from 'react'

type Toast = { id: number; text: string; tone: 'info' | 'error' }
let toasts: Toast[] = []
let next = 1
const listeners = new Set<() => void>()
const emit = (): void => listeners.forEach((l) => l())

/** A short message in the corner (announced to screen readers), gone after a few seconds. */
export function toast(text: string, tone: Toast['tone'] = 'info'): void {
  const t = { id: next++, text, tone }
  // The same message again replaces the old one instead of stacking up.
  toasts = [...toasts.filter((x) => x.text !== text).slice(-2), t]
  emit()
  window.setTimeout(
    () => {
      toasts = toasts.filter((x) => x.id !== t.id)
      emit()
    },
    tone === 'error' ? 7000 : 3500,
  )
}

export function Toasts() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => toasts,
  )
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.tone}`} data-testid="toast">
          {t.text}
        </div>
      ))}
    </div>
  )
}
