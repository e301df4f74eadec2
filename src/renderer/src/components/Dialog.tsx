import { useEffect, useRef } from 'react'
import type { ReactNode } from 'react'

/**
 * A modal dialog on the native <dialog> element: focus moves into it and is trapped by the
 * browser, Esc closes it, focus returns to where it was.
 */
export function Dialog({
  title,
  children,
  onClose,
  footer,
  testId,
  wide,
}: {
  title: string
  children: ReactNode
  onClose(): void
  footer?: ReactNode
  testId?: string
  wide?: boolean
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    const opener = document.activeElement as HTMLElement | null
    d?.showModal()
    return () => {
      d?.close()
      opener?.focus()
    }
  }, [])
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' wide' : ''}`}
      aria-labelledby="dialog-title"
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <h2 id="dialog-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </dialog>
  )
}
